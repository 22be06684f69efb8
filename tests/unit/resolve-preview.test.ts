import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldEquals } from '../../shared/diff';
import { conflictSides, fromConflictData, kindOf } from '../../shared/resolve/conflict';
import { previewResolution } from '../../shared/resolve/preview';
import type { MergePreview, Resolution, ResolvableConflict } from '../../shared/resolve/types';
import { MergePreviewSchema } from '../../shared/resolve/types';
import {
  EMPTY_VALUES,
  VISITOR_FIELDS,
  type VisitorField,
  type VisitorValues,
} from '../../shared/visitor';

const LOCAL: VisitorValues = {
  ...EMPTY_VALUES,
  name: 'Ada',
  company: 'Acme',
  title: 'VP',
  phone: '+1-1',
  interests: ['tech', 'AI'],
  notes: 'ours',
};
const SERVER_RECORD = {
  id: 's1',
  version: 7,
  lastModified: '2024-01-01T00:00:00.000Z',
  ...LOCAL,
  title: 'CMO',
  interests: ['tech', 'leadership'],
  notes: 'theirs',
};

function preview(c: ResolvableConflict, r: Resolution): MergePreview {
  const p = previewResolution(c, r);
  if (!p.ok) throw new Error(p.error.message);
  // What main sends back over IPC must fit its schema.
  expect(MergePreviewSchema.safeParse(p.value).success).toBe(true);
  return p.value;
}

describe('kind field', () => {
  const c = fromConflictData({
    localId: 'l1',
    serverId: 's1',
    data: {
      clientData: { title: 'VP', phone: '+1-1', interests: ['tech', 'AI'] },
      serverData: { title: 'CMO', phone: '+1-1', interests: ['tech', 'leadership'] },
      conflictFields: ['title', 'interests'],
      serverVersion: 7,
      kind: 'field',
    },
    local: LOCAL,
  });

  it('server_wins: the server record locally, nothing sent', () => {
    const p = preview(c, { strategy: 'server_wins' });
    expect(p.operation).toBeNull();
    expect(p.localEffect).toBe('update');
    expect(p.localChanges).toEqual([
      { field: 'title', before: 'VP', after: 'CMO' },
      { field: 'interests', before: ['tech', 'AI'], after: ['tech', 'leadership'] },
    ]);
  });

  it('client_wins: nothing changes locally; only the fields differing from the server are sent', () => {
    const p = preview(c, { strategy: 'client_wins' });
    expect(p.localEffect).toBe('none');
    expect(p.localChanges).toEqual([]);
    // phone equals the server's: not sent.
    expect(p.operation).toEqual({
      action: 'update',
      serverId: 's1',
      data: { title: 'VP', interests: ['tech', 'AI'] },
      baseVersion: 7,
    });
  });

  it('merge: interests united locally and sent; title the client’s', () => {
    const p = preview(c, { strategy: 'merge' });
    expect(p.localChanges).toEqual([
      { field: 'interests', before: ['tech', 'AI'], after: ['tech', 'AI', 'leadership'] },
    ]);
    expect(p.operation?.data).toEqual({ title: 'VP', interests: ['tech', 'AI', 'leadership'] });
    expect(p.operation?.baseVersion).toBe(7);
  });

  it('a result equal to the server record sends nothing, whatever the strategy', () => {
    const p = preview(c, {
      strategy: 'manual',
      picks: { title: { kind: 'server' }, interests: { kind: 'server' } },
    });
    expect(p.operation).toBeNull();
  });

  it('without serverVersion (a server without the ext) the operation has no baseVersion', () => {
    const p = preview({ ...c, serverVersion: null }, { strategy: 'client_wins' });
    expect(p.operation).not.toHaveProperty('baseVersion');
  });

  it('without a serverId an update cannot be addressed: an error value', () => {
    const p = previewResolution({ ...c, serverId: null }, { strategy: 'client_wins' });
    expect(!p.ok && p.error.code).toBe('missing_server_id');
    // server_wins sends nothing, so it needs no id.
    expect(previewResolution({ ...c, serverId: null }, { strategy: 'server_wins' }).ok).toBe(true);
  });

  it('a merge past the field limits is an error naming the field (notes over 10 000)', () => {
    const big = fromConflictData({
      localId: 'l1',
      serverId: 's1',
      data: {
        clientData: { notes: 'c'.repeat(6000) },
        serverData: { notes: 's'.repeat(6000) },
        conflictFields: ['notes'],
      },
      local: LOCAL,
    });
    const p = previewResolution(big, { strategy: 'merge' });
    expect(!p.ok && p.error).toMatchObject({ code: 'invalid_result', details: { field: 'notes' } });
    expect(!p.ok && p.error.message).toMatch(/^notes: must be at most 10000/);
  });

  it('a merge past the field limits is an error naming the field (interests over 50)', () => {
    const items = (p: string) => Array.from({ length: 30 }, (_, i) => `${p}${i}`);
    const big = fromConflictData({
      localId: 'l1',
      serverId: 's1',
      data: {
        clientData: { interests: items('c') },
        serverData: { interests: items('s') },
        conflictFields: ['interests'],
      },
      local: LOCAL,
    });
    const p = previewResolution(big, { strategy: 'merge' });
    expect(!p.ok && p.error.details).toEqual({ field: 'interests' });
  });
});

describe('kind update_deleted (the server deleted it, the client updated it)', () => {
  const c = fromConflictData({
    localId: 'l1',
    serverId: 's1',
    data: {
      clientData: { title: 'VP' },
      serverData: null,
      conflictFields: ['title'],
      serverVersion: 8,
      kind: 'update_deleted',
    },
    local: LOCAL,
  });

  it('server_wins accepts the deletion: the record is removed locally, nothing sent', () => {
    const p = preview(c, { strategy: 'server_wins' });
    expect(p).toEqual({
      record: 'deleted',
      localEffect: 'remove',
      localChanges: [],
      operation: null,
    });
  });

  it.each<Resolution>([
    { strategy: 'client_wins' },
    { strategy: 'merge' },
    { strategy: 'manual', picks: { title: { kind: 'client' } } },
    { strategy: 'manual', picks: { title: { kind: 'merged' } } },
  ])('$strategy re-creates it, whole, with the client values', (r) => {
    const p = preview(c, r);
    expect(p.record).toEqual(LOCAL);
    expect(p.localEffect).toBe('none');
    // A tombstone cannot be updated: a new record, with every field.
    expect(p.operation).toEqual({ action: 'create', data: LOCAL });
  });

  it('manual with a typed value re-creates it with that value', () => {
    const p = preview(c, {
      strategy: 'manual',
      picks: { title: { kind: 'typed', value: 'Director' } },
    });
    expect(p.operation).toEqual({ action: 'create', data: { ...LOCAL, title: 'Director' } });
    expect(p.localChanges).toEqual([{ field: 'title', before: 'VP', after: 'Director' }]);
  });

  it('a server pick has no value to take: an error naming the field', () => {
    const p = previewResolution(c, { strategy: 'manual', picks: { title: { kind: 'server' } } });
    expect(!p.ok && p.error).toMatchObject({
      code: 'no_server_value',
      details: { field: 'title' },
    });
  });

  it('re-creating a record without a name is refused before it is sent', () => {
    const nameless = { ...c, local: { ...LOCAL, name: '' } };
    const p = previewResolution(nameless, { strategy: 'client_wins' });
    expect(!p.ok && p.error.message).toMatch(/^name: /);
  });

  it('is recognised without the ext kind, from serverData null', () => {
    expect(kindOf({ clientData: {}, serverData: null, conflictFields: [] })).toBe('update_deleted');
  });
});

describe('kind delete_modified (the client deleted it, the server changed it)', () => {
  const c = fromConflictData({
    localId: 'l1',
    serverId: 's1',
    action: 'delete',
    data: {
      clientData: {},
      serverData: SERVER_RECORD,
      conflictFields: ['title', 'interests', 'notes'],
      baseData: { ...LOCAL, id: 's1', version: 5 },
      serverVersion: 7,
      kind: 'delete_modified',
    },
    local: LOCAL,
  });

  it('drops id, version and lastModified from the whole server record', () => {
    expect(Object.keys(c.serverData ?? {}).sort()).toEqual([...VISITOR_FIELDS].sort());
  });

  it('server_wins keeps the server record: restored locally with its values, nothing sent', () => {
    const p = preview(c, { strategy: 'server_wins' });
    expect(p.localEffect).toBe('restore');
    expect(p.record).toEqual({
      ...LOCAL,
      title: 'CMO',
      interests: ['tech', 'leadership'],
      notes: 'theirs',
    });
    expect(p.localChanges.map((x) => x.field)).toEqual(['title', 'interests', 'notes']);
    expect(p.operation).toBeNull();
  });

  it('client_wins deletes it again, on the version seen', () => {
    const p = preview(c, { strategy: 'client_wins' });
    expect(p).toEqual({
      record: 'deleted',
      localEffect: 'none',
      localChanges: [],
      operation: { action: 'delete', serverId: 's1', baseVersion: 7 },
    });
  });

  it("merge keeps the record; by the base only the server changed, so it is the server's", () => {
    const p = preview(c, { strategy: 'merge' });
    expect(p.localEffect).toBe('restore');
    expect(p.record).toEqual(conflictSides(c).server);
    expect(p.operation).toBeNull();
  });

  it('manual keeps the record with the picks and sends what differs from the server', () => {
    const p = preview(c, {
      strategy: 'manual',
      picks: {
        title: { kind: 'client' },
        interests: { kind: 'server' },
        notes: { kind: 'typed', value: 'kept after review' },
      },
    });
    expect(p.localEffect).toBe('restore');
    expect(p.operation).toEqual({
      action: 'update',
      serverId: 's1',
      data: { title: 'VP', notes: 'kept after review' },
      baseVersion: 7,
    });
  });

  it('is recognised without the ext kind, from the delete action', () => {
    expect(kindOf({ clientData: {}, serverData: {}, conflictFields: [] }, 'delete')).toBe(
      'delete_modified',
    );
  });
});

// ---------------------------------------------------------------------------
// Properties over random field conflicts.

const text = fc.constantFrom<string | null>(null, 'a', 'b', 'c');
const items = fc.uniqueArray(fc.constantFrom('x', 'y', 'z', 'w'), { maxLength: 3 });
const values: fc.Arbitrary<VisitorValues> = fc.record({
  name: fc.constantFrom('Ada', 'Bob', 'Cy'),
  company: text,
  email: fc.constantFrom<string | null>(null, 'a@x.io', 'b@x.io'),
  title: text,
  phone: text,
  interests: items,
  notes: text,
  captureMethod: text,
  capturedAt: fc.constantFrom<string | null>(
    null,
    '2023-12-01T10:30:00.000Z',
    '2024-01-01T00:00:00Z',
  ),
});

/** A field conflict as the server builds one: serverData on the keys the client sent. */
const fieldConflict: fc.Arbitrary<ResolvableConflict> = fc
  .record({
    local: values,
    sent: values,
    server: values,
    base: fc.option(values, { nil: null }),
    keys: fc.subarray([...VISITOR_FIELDS], { minLength: 1 }),
    version: fc.nat({ max: 1000 }),
  })
  .map(({ local, sent, server, base, keys, version }) => {
    const pick = (v: VisitorValues) => Object.fromEntries(keys.map((k) => [k, v[k]]));
    return fromConflictData({
      localId: 'l1',
      serverId: 's1',
      data: {
        clientData: pick(sent),
        serverData: pick(server),
        conflictFields: keys.filter((k) => !fieldEquals(sent[k], server[k])),
        ...(base ? { baseData: base } : {}),
        serverVersion: version,
        kind: 'field',
      },
      local: { ...local, ...pick(sent) },
    });
  });

const pickKind = fc.constantFrom('client', 'server', 'merged') as fc.Arbitrary<
  'client' | 'server' | 'merged'
>;
const resolution: fc.Arbitrary<Resolution> = fc.oneof(
  fc.constantFrom<Resolution>(
    { strategy: 'server_wins' },
    { strategy: 'client_wins' },
    { strategy: 'merge' },
  ),
  fc.dictionary(fc.constantFrom(...VISITOR_FIELDS), pickKind).map((d): Resolution => ({
    strategy: 'manual',
    picks: Object.fromEntries(VISITOR_FIELDS.map((f) => [f, { kind: d[f] ?? 'merged' }])) as Record<
      VisitorField,
      { kind: 'client' | 'server' | 'merged' }
    >,
  })),
);

describe('properties', () => {
  it('server_wins sends nothing and gives the server record', () => {
    fc.assert(
      fc.property(fieldConflict, (c) => {
        const p = preview(c, { strategy: 'server_wins' });
        expect(p.operation).toBeNull();
        expect(p.record).toEqual(conflictSides(c).server);
      }),
    );
  });

  it("client_wins gives the client's values on every conflicting field", () => {
    fc.assert(
      fc.property(fieldConflict, (c) => {
        const p = preview(c, { strategy: 'client_wins' });
        if (p.record === 'deleted') throw new Error('deleted');
        for (const f of c.conflictFields) expect(p.record[f]).toEqual(c.clientData[f]);
      }),
    );
  });

  it('the operation carries exactly the fields differing from the server, on serverVersion', () => {
    fc.assert(
      fc.property(fieldConflict, resolution, (c, r) => {
        const p = previewResolution(c, r);
        if (!p.ok) return; // e.g. a merge past a limit: covered above
        const server = conflictSides(c).server as VisitorValues;
        const record = p.value.record as VisitorValues;
        const differing = VISITOR_FIELDS.filter((f) => !fieldEquals(server[f], record[f]));
        if (differing.length === 0 || r.strategy === 'server_wins') {
          expect(p.value.operation).toBeNull();
          return;
        }
        expect(p.value.operation?.action).toBe('update');
        expect(p.value.operation?.baseVersion).toBe(c.serverVersion);
        expect(Object.keys(p.value.operation?.data ?? {})).toEqual(differing);
      }),
    );
  });

  it('the server record with the operation applied is exactly the previewed record', () => {
    fc.assert(
      fc.property(fieldConflict, resolution, (c, r) => {
        const p = previewResolution(c, r);
        if (!p.ok || r.strategy === 'server_wins') return;
        const server = conflictSides(c).server as VisitorValues;
        expect({ ...server, ...p.value.operation?.data }).toEqual(p.value.record);
      }),
    );
  });

  it('the local changes are exactly where the local row and the result differ', () => {
    fc.assert(
      fc.property(fieldConflict, resolution, (c, r) => {
        const p = previewResolution(c, r);
        if (!p.ok) return;
        const record = p.value.record as VisitorValues;
        const after = { ...c.local };
        for (const ch of p.value.localChanges) {
          expect(ch.before).toEqual(c.local[ch.field]);
          (after as Record<string, unknown>)[ch.field] = ch.after;
        }
        expect(after).toEqual(record);
        expect(p.value.localEffect).toBe(p.value.localChanges.length > 0 ? 'update' : 'none');
      }),
    );
  });

  it('merge equals the manual decision picking merged everywhere', () => {
    fc.assert(
      fc.property(fieldConflict, (c) => {
        const all = Object.fromEntries(VISITOR_FIELDS.map((f) => [f, { kind: 'merged' }]));
        expect(previewResolution(c, { strategy: 'manual', picks: all })).toEqual(
          previewResolution(c, { strategy: 'merge' }),
        );
      }),
    );
  });
});
