import { describe, expect, it } from 'vitest';
import {
  planRecords,
  type PlanInput,
  type PulledRow,
} from '../../electron/core/rebuild/merge-salvaged';
import { readKnownIds, readSpan } from '../../electron/core/rebuild/read-ranges';
import {
  ConflictRowSchema,
  OutboxRowSchema,
  isWork,
  oldVisitorOf,
  restoredConflict,
  restoredOp,
} from '../../electron/core/rebuild/salvage-rows';
import { describeUnreadable, rebuildLines, type RebuildSummary } from '../../shared/rebuild';
import { EMPTY_VALUES, type VisitorValues } from '../../shared/visitor';

/** A table of rowids 1..n with the rows on "bad pages" failing any range that crosses them. */
function table(ids: number[], bad: Set<number>) {
  let queries = 0;
  const read = (lo: number, hi: number) => {
    queries++;
    if (ids.some((id) => id >= lo && id <= hi && bad.has(id))) {
      throw Object.assign(new Error('database disk image is malformed'), {
        code: 'SQLITE_CORRUPT',
      });
    }
    return ids.filter((id) => id >= lo && id <= hi).map((id) => ({ id }));
  };
  return { read, queries: () => queries };
}
const isDamage = (e: unknown) => (e as { code?: string }).code === 'SQLITE_CORRUPT';

describe('reading a damaged table by rowid ranges', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => (i + 1) * 3);
  const page = new Set(ids.slice(400, 440)); // one bad page: 40 rows

  it('with the rowids an index names: only the rows of the bad page are lost, by id', () => {
    const t = table(ids, page);
    const out = readKnownIds(t.read, ids, isDamage);
    expect(out.rows).toHaveLength(960);
    expect(out.lostIds).toEqual([...page]);
    expect(out.exhausted).toBe(false);
    // Narrowed down by halving, not row by row.
    expect(out.queries).toBeLessThan(200);
  });

  it('without them: halving the rowid span loses the same rows, and counts at most the span it could not read', () => {
    const t = table(ids, page);
    const out = readSpan(t.read, 1, 3000, isDamage);
    expect(out.rows).toHaveLength(960);
    // Values in the gaps between the page's rowids fail too: an upper bound, never less.
    expect(out.failedValues).toBeGreaterThanOrEqual(40);
    expect(out.failedValues).toBeLessThanOrEqual(40 * 3);
  });

  it('reads a healthy table in one query', () => {
    const t = table(ids, new Set());
    expect(readKnownIds(t.read, ids, isDamage)).toMatchObject({ lostIds: [], queries: 1 });
    expect(readSpan(t.read, 1, 3000, isDamage)).toMatchObject({ failedValues: 0, queries: 1 });
  });

  it('stops at its budget and says so: what was not narrowed down counts as lost', () => {
    const t = table(ids, new Set(ids));
    const known = readKnownIds(t.read, ids, isDamage, 50);
    expect(known.exhausted).toBe(true);
    expect(known.lostIds).toHaveLength(1000);
    expect(readSpan(t.read, 1, 3000, isDamage, 50).exhausted).toBe(true);
  });

  it('rethrows what is not damage', () => {
    const read = () => {
      throw Object.assign(new Error('no such table'), { code: 'SQLITE_ERROR' });
    };
    expect(() => readKnownIds(read, [1, 2], isDamage)).toThrow('no such table');
  });
});

const op = {
  seq: 7,
  op_id: 'op-7',
  action: 'update',
  local_id: 'L1',
  server_id: 'S1',
  data: '{"title":"CTO"}',
  base_version: 3,
  op_timestamp: '2026-01-01T00:00:00.000Z',
  status: 'in_flight',
  attempts: 1,
  next_attempt_at: null,
  last_error: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

describe('which rows are work, and how they go back', () => {
  it('an operation read back whole parses; one with a damaged value does not', () => {
    expect(OutboxRowSchema.safeParse(op).success).toBe(true);
    expect(OutboxRowSchema.safeParse({ ...op, data: '{"title":"C' }).success).toBe(false);
    expect(OutboxRowSchema.safeParse({ ...op, action: 'upd\u0000te' }).success).toBe(false);
    expect(OutboxRowSchema.safeParse({ ...op, seq: 'x' }).success).toBe(false);
    // A file from a console before exported_at existed.
    expect(OutboxRowSchema.parse(op).exported_at).toBeNull();
  });

  it('an operation that was on the wire is due again at once, same opId, attempts counted', () => {
    const back = restoredOp(OutboxRowSchema.parse(op), '2026-02-02T00:00:00.000Z');
    expect(back).toMatchObject({
      op_id: 'op-7',
      status: 'retrying',
      attempts: 1,
      next_attempt_at: '2026-02-02T00:00:00.000Z',
      base_version: 3,
    });
    const pending = OutboxRowSchema.parse({ ...op, status: 'pending', attempts: 0 });
    expect(restoredOp(pending, 'now')).toEqual(pending);
  });

  it('open conflicts are work, resolved ones history; their bulk-apply link is dropped', () => {
    const c = ConflictRowSchema.parse({
      id: 1,
      local_id: 'L1',
      server_id: 'S1',
      op_id: 'op-1',
      action: 'update',
      kind: 'field',
      conflict_fields: '["title"]',
      client_data: '{"title":"A"}',
      server_data: '{"title":"B"}',
      base_data: null,
      base_version: 1,
      server_version: 2,
      status: 'open',
      created_at: 'x',
      resolved_at: null,
      batch_id: 9,
    });
    expect(isWork('conflicts', c)).toBe(true);
    expect(isWork('conflicts', { ...c, status: 'resolved' })).toBe(false);
    expect(isWork('outbox', {})).toBe(true);
    expect(restoredConflict(c)).toMatchObject({ batch_id: null, visitor_name: '', field_mask: 0 });
  });

  it('a visitors row of the damaged file is used only when it reads as one', () => {
    const row = {
      local_id: 'L1',
      server_id: 'S1',
      server_version: 4,
      name: 'Ada',
      company: null,
      email: null,
      title: null,
      phone: null,
      interests: '["x"]',
      notes: null,
      capture_method: null,
      captured_at: null,
      last_modified: null,
      base: null,
    };
    expect(oldVisitorOf(row)).toMatchObject({
      localId: 'L1',
      serverVersion: 4,
      values: { name: 'Ada', interests: ['x'] },
    });
    expect(oldVisitorOf({ ...row, interests: '["x' })).toBeNull();
    expect(oldVisitorOf({ ...row, name: 42 })).toBeNull();
  });
});

const values = (v: Partial<VisitorValues>): VisitorValues => ({ ...EMPTY_VALUES, ...v });

function input(over: Partial<PlanInput>, pulled: Record<string, PulledRow> = {}): PlanInput {
  return {
    ops: [],
    conflicts: [],
    archived: [],
    pulled: (s) => pulled[s],
    old: () => undefined,
    ...over,
  };
}

describe('salvaged work on top of the fresh mirror', () => {
  const server: PulledRow = {
    localId: 'S1',
    serverVersion: 5,
    values: values({ name: 'Ada', title: 'Engineer', phone: '1' }),
    lastModified: '2026-01-05T00:00:00.000Z',
  };

  it('an update: the pulled row takes the operation’s local id; its values on top, the server as base', () => {
    const [p] = planRecords(
      input(
        {
          ops: [
            { seq: 1, localId: 'L1', serverId: 'S1', action: 'update', data: { title: 'CTO' } },
            { seq: 2, localId: 'L1', serverId: 'S1', action: 'update', data: { notes: 'met' } },
          ],
        },
        { S1: server },
      ),
    );
    expect(p).toEqual({
      localId: 'L1',
      rekeyFrom: 'S1',
      row: {
        localId: 'L1',
        serverId: 'S1',
        serverVersion: 5,
        values: values({ name: 'Ada', title: 'CTO', phone: '1', notes: 'met' }),
        base: server.values,
        lastModified: server.lastModified,
        dirty: true,
        deleted: false,
      },
    });
  });

  it('an update the server already applied: the same values, still dirty, for the replay to settle', () => {
    const applied = {
      ...server,
      values: values({ ...server.values, title: 'CTO' }),
      serverVersion: 6,
    };
    const [p] = planRecords(
      input(
        {
          ops: [
            { seq: 1, localId: 'S1', serverId: 'S1', action: 'update', data: { title: 'CTO' } },
          ],
        },
        { S1: applied },
      ),
    );
    expect(p!.rekeyFrom).toBeNull();
    expect(p!.row).toMatchObject({
      values: applied.values,
      base: applied.values,
      serverVersion: 6,
      dirty: true,
    });
  });

  it('a create the server does not have: a local row from its data and the changes after it', () => {
    const [p] = planRecords(
      input({
        ops: [
          { seq: 4, localId: 'N1', serverId: null, action: 'update', data: { phone: '2' } },
          {
            seq: 3,
            localId: 'N1',
            serverId: null,
            action: 'create',
            data: { name: 'New', company: 'Co', interests: ['a'] },
          },
        ],
      }),
    );
    expect(p!.row).toEqual({
      localId: 'N1',
      serverId: null,
      serverVersion: null,
      values: values({ name: 'New', company: 'Co', interests: ['a'], phone: '2' }),
      base: null,
      lastModified: null,
      dirty: true,
      deleted: false,
    });
  });

  it('a delete marks the row deleted; a conflict keeps the local side until resolved', () => {
    const [d] = planRecords(
      input(
        { ops: [{ seq: 1, localId: 'S1', serverId: 'S1', action: 'delete', data: null }] },
        { S1: server },
      ),
    );
    expect(d!.row).toMatchObject({ deleted: true, dirty: true, values: server.values });
    const [c] = planRecords(
      input(
        {
          conflicts: [
            {
              id: 1,
              localId: 'L1',
              serverId: 'S1',
              clientData: { title: 'Mine' },
              baseData: null,
              baseVersion: 4,
            },
          ],
        },
        { S1: server },
      ),
    );
    expect(c).toMatchObject({
      rekeyFrom: 'S1',
      row: { values: { title: 'Mine' }, base: server.values, dirty: true },
    });
  });

  it('gone from the server: the damaged file’s row if it reads, else the conflict’s base; nothing made up', () => {
    const ops = [
      { seq: 1, localId: 'L9', serverId: 'S9', action: 'update' as const, data: { title: 'X' } },
    ];
    expect(planRecords(input({ ops }))[0]!.row).toBeNull();
    const old = {
      localId: 'L9',
      serverId: 'S9',
      serverVersion: 2,
      values: values({ name: 'Old' }),
      base: values({ name: 'Old' }),
      lastModified: null,
    };
    expect(planRecords(input({ ops, old: () => old }))[0]!.row).toMatchObject({
      serverId: 'S9',
      serverVersion: 2,
      values: { name: 'Old', title: 'X' },
    });
    const conflicts = [
      {
        id: 2,
        localId: 'L9',
        serverId: 'S9',
        clientData: { title: 'Y' },
        baseData: { name: 'Based' },
        baseVersion: 1,
      },
    ];
    expect(planRecords(input({ conflicts }))[0]!.row).toMatchObject({
      values: { name: 'Based', title: 'Y' },
      base: { name: 'Based' },
      serverVersion: 1,
    });
  });

  it('archived operations only: the pulled row takes their local id, its values untouched', () => {
    expect(
      planRecords(input({ archived: [{ localId: 'L1', serverId: 'S1' }] }, { S1: server })),
    ).toEqual([{ localId: 'L1', rekeyFrom: 'S1', row: null }]);
  });

  it('a server record named by two local records goes to the first; values that are no field values are dropped', () => {
    const plans = planRecords(
      input(
        {
          ops: [
            {
              seq: 1,
              localId: 'A',
              serverId: 'S1',
              action: 'update',
              data: { title: 7, phone: '9', nope: 1 },
            },
            { seq: 2, localId: 'B', serverId: 'S1', action: 'update', data: { title: 'B' } },
          ],
        },
        { S1: server },
      ),
    );
    expect(plans[0]).toMatchObject({
      localId: 'A',
      rekeyFrom: 'S1',
      row: { values: { title: 'Engineer', phone: '9' } },
    });
    expect(plans[1]).toEqual({ localId: 'B', rekeyFrom: null, row: null });
  });
});

describe('the summary in words', () => {
  const summary: RebuildSummary = {
    dbPath: '/d/visitors.sqlite',
    keptAs: '/d/visitors.sqlite.damaged-20260105T101500Z',
    keptFiles: [
      '/d/visitors.sqlite.damaged-20260105T101500Z',
      '/d/visitors.sqlite.damaged-20260105T101500Z-wal',
    ],
    serverUrl: 'http://h',
    operations: { total: 200, pending: 190, retrying: 10, failed: 0 },
    conflicts: 3,
    archived: 0,
    rules: 1,
    remembered: 0,
    unreadable: [],
    headerRepaired: false,
    visitors: 300,
    pulled: 300,
    durationMs: 1,
  };

  it('says where the file is kept, what was kept, and that nothing was lost', () => {
    expect(Object.fromEntries(rebuildLines(summary))).toEqual({
      'damaged file kept as': '/d/visitors.sqlite.damaged-20260105T101500Z (with its -wal)',
      'operations kept': '200 operations with their ids (190 pending, 10 to retry, 0 failed)',
      'conflicts kept': '3 open conflicts',
      'rules kept': '1 saved rule, 0 remembered values',
      'archive kept': '0 discarded operations',
      'could not be read': 'none',
      'mirror rebuilt with': '300 visitors from http://h',
    });
  });

  it('says what could not be read, per table, with the lost opIds an index still knew', () => {
    expect(
      describeUnreadable([
        { table: 'outbox', rows: 7, opIds: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
        { table: 'conflicts', rows: null, opIds: [] },
      ]),
    ).toBe(
      'operations (outbox): 7 rows; lost opIds: a, b, c, d, e and 2 more; conflicts: the whole table (how many rows is unknown)',
    );
  });
});
