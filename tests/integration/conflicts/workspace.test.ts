import { afterEach, describe, expect, it } from 'vitest';
import { conflictSides } from '../../../shared/resolve/conflict';
import type { RunningServer } from '../../../server/index';
import type { BulkPreview } from '../../../shared/ipc/conflicts-contract';
import type { TestCore } from '../../fixtures/core';
import { adminPost, consoleFor, rows, server, serverVisitors } from '../sync/helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

interface Mirrored {
  local_id: string;
  server_id: string;
  server_version: number;
  name: string;
}

/**
 * `n` real conflicts: the console edits phone and title of n mirrored
 * records, another device edits the same fields (and interests) on the
 * server, and a sync turns the pushes into conflict rows.
 */
async function conflicts(n: number, seed = n + 10): Promise<Mirrored[]> {
  srv = await server({ seed });
  core = consoleFor(srv);
  await core.sync.sync();
  const mirrored = rows<Mirrored>(
    core,
    'SELECT local_id, server_id, server_version, name FROM visitors ORDER BY server_id LIMIT ?',
    n,
  );
  for (const m of mirrored) {
    await core.call('visitors:update', {
      localId: m.local_id,
      patch: { phone: `+1-555-${m.server_id.slice(-4)}`, title: `Ours ${m.server_id.slice(-4)}` },
    });
  }
  await adminPost(srv, '/api/admin/visitors', {
    visitors: mirrored.map((m) => ({
      id: m.server_id,
      data: { phone: '+44-20-0000', title: `Theirs ${m.server_id.slice(-4)}`, interests: ['srv'] },
    })),
  });
  const summary = await core.sync.sync();
  expect(summary.conflicts).toBe(n);
  return mirrored;
}

const everything = { filter: {} } as const;
const rule = {
  type: 'rules',
  rules: { fields: { phone: 'client', title: 'server' }, default: 'merge' },
} as const;

describe('the conflict workspace in main', () => {
  it('pages, sorts, filters and groups open conflicts in SQLite', async () => {
    await conflicts(30);
    expect(await core.call('conflicts:count', {})).toEqual({ total: 30, open: 30 });
    const byName = await core.call('conflicts:page', {
      sort: { column: 'name', direction: 'asc' },
      offset: 0,
      limit: 10,
    });
    const names = byName.rows.map((r) => r.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    // The keyset seek continues exactly where the offset page would.
    const next = await core.call('conflicts:page', {
      sort: { column: 'name', direction: 'asc' },
      offset: 10,
      limit: 10,
      after: byName.last!,
    });
    const viaOffset = await core.call('conflicts:page', {
      sort: { column: 'name', direction: 'asc' },
      offset: 10,
      limit: 10,
    });
    expect(next.rows.map((r) => r.id)).toEqual(viaOffset.rows.map((r) => r.id));

    const row = byName.rows[0]!;
    expect(row.conflictFields.sort()).toEqual(['phone', 'title']);
    expect(conflictSides(row.resolvable).client.title).toMatch(/^Ours /);
    expect(conflictSides(row.resolvable).server?.title).toMatch(/^Theirs /);
    expect(row.draftState).toEqual({ state: 'undecided' });

    expect(await core.call('conflicts:groups', {})).toEqual([
      { field: 'title', count: 30 },
      { field: 'phone', count: 30 },
    ]);
    const onEmail = await core.call('conflicts:count', { filter: { fields: ['email'] } });
    expect(onEmail.total).toBe(0);
    const text = await core.call('conflicts:count', { filter: { text: row.name } });
    expect(text.total).toBeGreaterThanOrEqual(1);
    const deleted = await core.call('conflicts:count', { filter: { kinds: ['update_deleted'] } });
    expect(deleted.total).toBe(0);
  });

  it('previews exactly what apply does, queues updates on the server version seen, undoes, and syncs', async () => {
    const mirrored = await conflicts(25);
    const before = rows(core, 'SELECT * FROM visitors ORDER BY local_id');
    const preview: BulkPreview = await core.call('conflicts:preview', {
      target: everything,
      decision: rule,
    });
    expect(preview).toMatchObject({
      targeted: 25,
      resolvable: 25,
      operations: 25,
      skipped: 0,
      byStrategy: { manual: 25 },
    });
    // The dry run left nothing behind.
    expect(rows(core, 'SELECT * FROM visitors ORDER BY local_id')).toEqual(before);
    expect(await core.call('conflicts:lastBatch', {})).toBeNull();

    const applied = await core.call('conflicts:apply', { target: everything, decision: rule });
    const { batch, ...numbers } = applied;
    expect(numbers).toEqual(preview);
    expect(batch).toMatchObject({ count: 25, undoneAt: null, undoBlocked: null });
    expect(await core.call('conflicts:count', {})).toEqual({ total: 0, open: 0 });

    const ops = rows<{ action: string; data: string; base_version: number; local_id: string }>(
      core,
      'SELECT action, data, base_version, local_id FROM outbox ORDER BY seq',
    );
    expect(ops).toHaveLength(25);
    const conflictRows = rows<{ local_id: string; server_version: number }>(
      core,
      'SELECT local_id, server_version FROM conflicts',
    );
    for (const op of ops) {
      const seen = conflictRows.find((c) => c.local_id === op.local_id)!.server_version;
      expect(op).toMatchObject({ action: 'update', base_version: seen });
      // Phone: ours (differs from the server's); title: theirs (nothing to send); interests merged = theirs.
      expect(Object.keys(JSON.parse(op.data) as object)).toEqual(['phone']);
    }

    // Undo puts everything back exactly: the mirror, the outbox, the open conflicts.
    const undone = await core.call('conflicts:undo', {});
    expect(undone.reopened).toBe(25);
    expect(rows(core, 'SELECT * FROM visitors ORDER BY local_id')).toEqual(before);
    expect(rows(core, 'SELECT * FROM outbox')).toEqual([]);
    expect(await core.call('conflicts:count', {})).toMatchObject({ open: 25 });
    const undoAgain = await core.raw('conflicts:undo', {});
    expect(undoAgain).toMatchObject({ ok: false, error: { code: 'nothing_to_undo' } });

    const again = await core.call('conflicts:apply', { target: everything, decision: rule });
    expect(again.resolvable).toBe(25);
    const expected = new Map(
      rows<{ server_id: string; phone: string; title: string; interests: string }>(
        core,
        'SELECT server_id, phone, title, interests FROM visitors',
      ).map((v) => [v.server_id, v]),
    );
    const synced = await core.sync.sync();
    expect(synced).toMatchObject({ updated: 25, conflicts: 0, errors: 0, pending: 0 });
    const onServer = await serverVisitors(srv);
    for (const m of mirrored) {
      const want = expected.get(m.server_id)!;
      expect(onServer.get(m.server_id)).toMatchObject({
        phone: want.phone,
        title: want.title,
        interests: JSON.parse(want.interests),
      });
      expect(want.phone).toBe(`+1-555-${m.server_id.slice(-4)}`);
      expect(want.title).toBe(`Theirs ${m.server_id.slice(-4)}`);
    }
    // Pushed: the batch can no longer be undone, and says why.
    const last = await core.call('conflicts:lastBatch', {});
    expect(last?.undoBlocked).toMatch(/already went to the server/);
    expect(await core.raw('conflicts:undo', {})).toMatchObject({
      ok: false,
      error: { code: 'undo_blocked', message: last?.undoBlocked },
    });
    // The undo list does not count what stands in the way (a pass over every decision of each
    // batch listed): it lists the batches, and an undo asked for says why it cannot.
    const listed = await core.call('conflicts:batches', { limit: 5 });
    expect(listed[0]).toEqual({
      id: last!.id,
      at: last!.at,
      actor: last!.actor,
      description: last!.description,
      count: 25,
      undoneAt: null,
    });
  });

  it('server_wins takes the server record into the mirror and drops the pending change', async () => {
    const [m] = await conflicts(3);
    // A further local edit, queued after the conflict, is superseded too.
    await core.call('visitors:update', { localId: m!.local_id, patch: { notes: 'later' } });
    const result = await core.call('conflicts:apply', {
      target: everything,
      decision: { type: 'resolution', resolution: { strategy: 'server_wins' } },
    });
    expect(result).toMatchObject({ resolvable: 3, operations: 0 });
    expect(rows(core, 'SELECT * FROM outbox')).toEqual([]);
    const v = await core.call('visitors:get', { localId: m!.local_id });
    expect(v).toMatchObject({
      phone: '+44-20-0000',
      title: `Theirs ${m!.server_id.slice(-4)}`,
      interests: ['srv'],
      dirty: false,
      pending: null,
    });
    const s = await core.sync.sync();
    expect(s).toMatchObject({ conflicts: 0, errors: 0 });
    expect((await serverVisitors(srv)).get(m!.server_id)).toMatchObject({ phone: '+44-20-0000' });
  });

  it('applies each conflict its own draft: picks and typed values, refusing incomplete ones', async () => {
    const [a, b] = await conflicts(2);
    const page = await core.call('conflicts:page', { offset: 0, limit: 10 });
    const ca = page.rows.find((r) => r.localId === a!.local_id)!;
    const cb = page.rows.find((r) => r.localId === b!.local_id)!;
    await core.call('conflicts:setDraft', {
      target: { ids: [ca.id] },
      resolution: {
        strategy: 'manual',
        picks: { phone: { kind: 'typed', value: '+1-000-1111' }, title: { kind: 'server' } },
      },
    });
    // Missing the pick for title: the preview says why, and apply leaves it open.
    await core.call('conflicts:setDraft', {
      target: { ids: [cb.id] },
      resolution: { strategy: 'manual', picks: { phone: { kind: 'client' } } },
    });
    const got = await core.call('conflicts:get', { id: cb.id });
    expect(got.draftState.state).toBe('invalid');
    const result = await core.call('conflicts:apply', {
      target: everything,
      decision: { type: 'drafts' },
    });
    expect(result).toMatchObject({ targeted: 2, resolvable: 1, skipped: 1 });
    expect(result.skippedReasons[0]!.reason).toMatch(/title/);
    const [op] = await core.call('outbox:forVisitor', { localId: a!.local_id });
    expect(op).toMatchObject({ action: 'update', data: { phone: '+1-000-1111' } });

    const trail = await core.call('audit:forVisitor', { localId: a!.local_id });
    expect(trail[0]).toMatchObject({
      action: 'resolve',
      detail: { resolution: { strategy: 'manual' } },
      before: { phone: `+1-555-${a!.server_id.slice(-4)}` },
      after: { phone: '+1-000-1111' },
    });
    const csv = await core.call('audit:exportCsv', {});
    expect(csv.rows).toBe(1);
    expect(csv.csv.split('\r\n')[0]).toBe(
      'id,at,actor,action,localId,serverId,conflictId,opId,batchId,detail,before,after',
    );
    expect(csv.fileName).toMatch(/^visitor-console-audit-.*\.csv$/);
  });

  it('refuses to undo over a record edited since the apply', async () => {
    const [m] = await conflicts(2);
    await core.call('conflicts:apply', { target: everything, decision: rule });
    await core.call('visitors:update', { localId: m!.local_id, patch: { notes: 'after' } });
    const last = await core.call('conflicts:lastBatch', {});
    expect(last?.undoBlocked).toMatch(/changed since/);
    expect(await core.raw('conflicts:undo', {})).toMatchObject({
      ok: false,
      error: { code: 'undo_blocked' },
    });
  });
});
