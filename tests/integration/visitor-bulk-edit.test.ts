import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/index';
import type { Visitor } from '../../shared/visitor';
import { makeCore, type TestCore } from '../fixtures/core';
import { makeVisitors } from '../fixtures/visitors';
import { consoleFor, server, storedVisitors, STAFF } from './sync/helpers';

let core: TestCore | undefined;
let srv: RunningServer | undefined;
afterEach(async () => {
  core?.dispose();
  core = undefined;
  await srv?.stop();
  srv = undefined;
});

/** The outbox and the visitors as they are on disk, through a connection of its own. */
function onDisk(c: TestCore) {
  const db = new Database(c.dbPath, { readonly: true });
  try {
    const outbox = (
      db.prepare('SELECT seq, action, local_id, data, status FROM outbox ORDER BY seq').all() as {
        seq: number;
        action: string;
        local_id: string;
        data: string | null;
      }[]
    ).map((o) => ({ ...o, data: o.data === null ? null : JSON.parse(o.data) }));
    const visitors = db
      .prepare('SELECT local_id, name, company, title, dirty FROM visitors ORDER BY local_id')
      .all() as { local_id: string; name: string; company: string | null; dirty: number }[];
    return { outbox, visitors };
  } finally {
    db.close();
  }
}

/** `n` synced visitors, the first `acme` of them at "ACME Corp", the rest at "Globex". */
function mirrored(c: TestCore, n: number, acme: number): Visitor[] {
  const vs = makeVisitors(n, 7).map((v, i) => ({
    ...v,
    company: i < acme ? 'ACME Corp' : 'Globex',
    // Only the company names ACME, so a search for it finds exactly those.
    email: null,
  }));
  c.mirror(vs);
  return vs;
}

const rename = {
  field: 'company' as const,
  action: { kind: 'replace' as const, find: 'acme corp', replace: 'Acme Corporation' },
};
const acmeQuery = { matching: { search: 'ACME', filter: {} } };

describe('bulk edit of visitors', () => {
  it('the preview writes nothing and says exactly what the apply then does', async () => {
    core = makeCore();
    mirrored(core, 30, 20);
    const preview = await core.call('visitors:bulkPreview', { target: acmeQuery, edit: rename });
    expect(preview).toMatchObject({ matched: 20, changed: 20, unchanged: 0, skipped: 0 });
    expect(preview.samples).toHaveLength(5);
    expect(preview.samples[0]).toMatchObject({ before: 'ACME Corp', after: 'Acme Corporation' });
    expect(onDisk(core).outbox).toEqual([]);

    const applied = await core.call('visitors:bulkEdit', { target: acmeQuery, edit: rename });
    const { batch, ...summary } = applied;
    expect(summary).toEqual(preview);
    expect(batch).toMatchObject({
      count: 20,
      description: 'Replace "acme corp" with "Acme Corporation" in Company',
    });
    const disk = onDisk(core);
    // Ordinary operations: one update per visitor carrying only the changed field.
    expect(disk.outbox).toHaveLength(20);
    for (const op of disk.outbox)
      expect(op).toMatchObject({
        action: 'update',
        status: 'pending',
        data: { company: 'Acme Corporation' },
      });
    expect(
      disk.visitors.filter((v) => v.company === 'Acme Corporation' && v.dirty === 1),
    ).toHaveLength(20);
    expect(disk.visitors.filter((v) => v.company === 'Globex' && v.dirty === 0)).toHaveLength(10);
    // The window is told to reload, and the counts moved.
    expect(core.events.some((e) => e.event === 'visitors:changed')).toBe(true);
    expect(await core.call('outbox:counts', {})).toMatchObject({ update: 20, pending: 20 });
    // Setting the value they now hold changes nothing.
    const again = await core.call('visitors:bulkPreview', {
      target: { matching: { search: 'acme', filter: {} } },
      edit: { field: 'company', action: { kind: 'set', value: 'Acme Corporation' } },
    });
    expect(again).toMatchObject({ matched: 20, changed: 0, unchanged: 20 });
  });

  it('coalesces into the operation already queued for a visitor (one per visitor)', async () => {
    core = makeCore();
    const vs = mirrored(core, 3, 3);
    const local = (id: string) => onDisk(core!).visitors.find((v) => v.local_id === id)!;
    const first = vs[0]!.id;
    await core.call('visitors:update', { localId: first, patch: { title: 'CTO' } });
    const created = await core.call('visitors:create', {
      values: { name: 'New One', company: 'ACME Corp' },
    });
    await core.call('visitors:bulkEdit', { target: acmeQuery, edit: rename });
    const ops = onDisk(core).outbox;
    expect(ops).toHaveLength(4);
    expect(ops.find((o) => o.local_id === first)?.data).toEqual({
      title: 'CTO',
      company: 'Acme Corporation',
    });
    // A queued create carries the new value in its whole record.
    expect(ops.find((o) => o.local_id === created.localId)).toMatchObject({
      action: 'create',
      data: { name: 'New One', company: 'Acme Corporation' },
    });
    expect(local(first).company).toBe('Acme Corporation');
  });

  it('leaves out, with the reason, what the edit would make invalid', async () => {
    core = makeCore();
    const vs = mirrored(core, 4, 4);
    const ids = vs.map((v) => v.id);
    const clearName = { field: 'name' as const, action: { kind: 'clear' as const } };
    const preview = await core.call('visitors:bulkPreview', {
      target: { localIds: ids },
      edit: clearName,
    });
    expect(preview).toMatchObject({ matched: 4, changed: 0, skipped: 4 });
    expect(preview.problems[0]?.message).toMatch(/name: is required/);
    const badEmail = {
      field: 'email' as const,
      action: { kind: 'set' as const, value: 'not an address' },
    };
    const applied = await core.call('visitors:bulkEdit', {
      target: { localIds: ids },
      edit: badEmail,
    });
    expect(applied).toMatchObject({ changed: 0, skipped: 4, batch: null });
    expect(applied.problems[0]?.message).toMatch(/email: must be a valid email address/);
    expect(onDisk(core).outbox).toEqual([]);
  });

  it('"all matching" follows the filter, minus the unticked ones', async () => {
    core = makeCore();
    const vs = mirrored(core, 12, 6);
    await core.call('visitors:update', { localId: vs[7]!.id, patch: { title: 'Pending one' } });
    const target = {
      matching: { search: '', filter: { syncState: 'synced' as const } },
      exceptIds: [vs[0]!.id, vs[1]!.id],
    };
    const edit = { field: 'title' as const, action: { kind: 'set' as const, value: 'Visitor' } };
    const r = await core.call('visitors:bulkEdit', { target, edit });
    // 12 visitors, one pending (not "synced"), two unticked.
    expect(r).toMatchObject({ matched: 9, changed: 9 });
    const titles = new Map(onDisk(core).visitors.map((v) => [v.local_id, v]));
    expect(titles.get(vs[0]!.id)).toMatchObject({ dirty: 0 });
    expect(titles.get(vs[7]!.id)).toMatchObject({ title: 'Pending one' });
  });

  it('interests: set from a list, replace in each item, clear', async () => {
    core = makeCore();
    const vs = mirrored(core, 1, 1);
    const target = { localIds: [vs[0]!.id] };
    await core.call('visitors:bulkEdit', {
      target,
      edit: { field: 'interests', action: { kind: 'set', value: 'AI, robotics ,, Cloud' } },
    });
    expect((await core.call('visitors:get', { localId: vs[0]!.id })).interests).toEqual([
      'AI',
      'robotics',
      'Cloud',
    ]);
    await core.call('visitors:bulkEdit', {
      target,
      edit: {
        field: 'interests',
        action: { kind: 'replace', find: 'ROBOTICS', replace: 'Robots' },
      },
    });
    expect((await core.call('visitors:get', { localId: vs[0]!.id })).interests).toEqual([
      'AI',
      'Robots',
      'Cloud',
    ]);
    await core.call('visitors:bulkEdit', {
      target,
      edit: { field: 'interests', action: { kind: 'clear' } },
    });
    expect((await core.call('visitors:get', { localId: vs[0]!.id })).interests).toEqual([]);
  });

  it('undo puts back the values and the outbox as they were, while unsent', async () => {
    core = makeCore();
    const vs = mirrored(core, 5, 5);
    await core.call('visitors:update', { localId: vs[0]!.id, patch: { title: 'CTO' } });
    const before = onDisk(core);
    const { batch } = await core.call('visitors:bulkEdit', { target: acmeQuery, edit: rename });
    expect(await core.call('visitors:bulkLast', {})).toEqual(batch);
    const undone = await core.call('visitors:bulkUndo', { batchId: batch!.batchId });
    expect(undone).toEqual({ restored: 5, kept: 0, problems: [] });
    const after = onDisk(core);
    expect(after.visitors).toEqual(before.visitors);
    // The four clean visitors have no operation again; the fifth keeps only its own change.
    expect(after.outbox.map((o) => o.data)).toEqual([{ title: 'CTO' }]);
    expect(await core.call('visitors:bulkLast', {})).toBeNull();
    await expect(core.call('visitors:bulkUndo', { batchId: batch!.batchId })).rejects.toMatchObject(
      { code: 'nothing_to_undo' },
    );
  });

  it('undo keeps, and says why, what was sent or changed again since', async () => {
    core = makeCore();
    const vs = mirrored(core, 4, 4);
    const { batch } = await core.call('visitors:bulkEdit', { target: acmeQuery, edit: rename });
    // One operation went out (in flight), one visitor was edited again by hand.
    const db = new Database(core.dbPath);
    db.prepare(`UPDATE outbox SET status = 'in_flight', attempts = 1 WHERE local_id = ?`).run(
      vs[0]!.id,
    );
    db.close();
    await core.call('visitors:update', { localId: vs[1]!.id, patch: { company: 'Hand made' } });
    const r = await core.call('visitors:bulkUndo', { batchId: batch!.batchId });
    expect(r).toMatchObject({ restored: 2, kept: 2 });
    expect(r.problems.map((p) => p.message).sort()).toEqual([
      'already sent to the server; edit it again to change it back',
      'changed again since the edit; kept as it is now',
    ]);
    const companies = new Map(onDisk(core).visitors.map((v) => [v.local_id, v.company]));
    expect(companies.get(vs[0]!.id)).toBe('Acme Corporation');
    expect(companies.get(vs[1]!.id)).toBe('Hand made');
    expect(companies.get(vs[2]!.id)).toBe('ACME Corp');
  });

  it('a cancelled bulk edit leaves nothing: no value, no operation, no undo record', async () => {
    core = makeCore();
    mirrored(core, 20_000, 20_000);
    const edit = { field: 'notes' as const, action: { kind: 'set' as const, value: 'Checked' } };
    const running = core.call('visitors:bulkEdit', {
      target: { matching: { search: '', filter: {} } },
      edit,
    });
    let cancelled = false;
    while (!cancelled) {
      const [job] = await core.call('jobs:list', {});
      if (job) cancelled = (await core.call('jobs:cancel', { jobId: job.jobId })).cancelled;
      else await new Promise((r) => setImmediate(r));
    }
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    expect(onDisk(core).outbox).toEqual([]);
    expect(await core.call('visitors:bulkLast', {})).toBeNull();
    const db = new Database(core.dbPath, { readonly: true });
    expect(db.prepare(`SELECT count(*) AS n FROM visitors WHERE notes = 'Checked'`).get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('bad requests are refused with what and where', async () => {
    core = makeCore();
    const r = await core.raw('visitors:bulkEdit', {
      target: { localIds: [] },
      edit: { field: 'capturedAt', action: { kind: 'clear' } },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_request');
      expect(r.error.message).toMatch(/edit\.field|target/);
    }
  });

  it('reaches the real server as ordinary updates, each exactly once', async () => {
    srv = await server({ seed: 0 });
    core = consoleFor(srv, {}, STAFF);
    for (let i = 0; i < 40; i++)
      await core.call('visitors:create', {
        values: { name: `Visitor ${i}`, company: i % 2 ? 'ACME Corp' : 'Initech' },
      });
    await core.sync.sync();
    const r = await core.call('visitors:bulkEdit', { target: acmeQuery, edit: rename });
    expect(r.changed).toBe(20);
    const summary = await core.sync.sync();
    expect(summary).toMatchObject({ outcome: 'success', updated: 20, conflicts: 0, pending: 0 });
    const stored = [...(await storedVisitors(srv)).values()];
    expect(stored.filter((v) => v.company === 'Acme Corporation')).toHaveLength(20);
    expect(stored.filter((v) => v.company === 'Initech')).toHaveLength(20);
    // Version 2 each: created, then updated once.
    expect(new Set(stored.filter((v) => v.company !== 'Initech').map((v) => v.version))).toEqual(
      new Set([2]),
    );
    // Sent, so no longer undoable.
    const undo = await core.call('visitors:bulkUndo', { batchId: r.batch!.batchId });
    expect(undo).toMatchObject({ restored: 0, kept: 20 });
  });
});
