import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileWhole } from '../../../electron/core/desktop/save-file';
import type { DesktopPort } from '../../../electron/core/desktop/desktop-port';
import { FaultsRequestSchema, type FaultsRequest } from '../../../server/faults';
import type { RunningServer } from '../../../server/index';
import { makeCore, type TestCore } from '../../fixtures/core';
import {
  ADMIN,
  FAST,
  STAFF,
  adminPost,
  consoleFor,
  rows,
  server,
  storedVisitors,
} from '../sync/helpers';

/**
 * The retry queue's core against the real reference server: failures made
 * with its fault hooks, every admin action through dispatch (schema, role
 * check over GET /api/me, one transaction), results read back from SQLite.
 */

const BACKOFF = { baseMs: 40, factor: 2, maxAttempts: 3, jitter: 0.1 };
const INVALID = {
  code: 'validation',
  message: 'data.email: must be a valid email address',
  retryable: false,
};

let srv: RunningServer;
/** The hooks parsed as the admin endpoint parses them (defaults filled). */
const faults = (request: FaultsRequest) => srv.faults.set(FaultsRequestSchema.parse(request));
let core: TestCore;

async function fixtures(ids: string[]): Promise<void> {
  await adminPost(srv, '/api/admin/visitors', {
    visitors: ids.map((id, i) => ({
      id,
      data: { name: `Visitor ${i}`, email: `v${i}@example.com`, title: 'Engineer' },
    })),
  });
}

const queueTotal = async (filter = {}) => (await core.call('queue:count', { filter })).total;

beforeEach(async () => {
  srv = await server();
  await fixtures(['bad-1', 'bad-2', 'flaky-1', 'flaky-2', 'flaky-3', 'known-1']);
  core = consoleFor(srv, { backoff: BACKOFF }, ADMIN);
  await core.call('sync:start', {});
});
afterEach(async () => {
  core.dispose();
  await srv.stop();
});

describe('retry queue', () => {
  it('shows rejections and transient failures, and the admin fixes, retries and discards them', async () => {
    for (const id of ['bad-1', 'bad-2'])
      await core.call('visitors:update', { localId: id, patch: { title: `Lead ${id}` } });
    faults({ failOperations: { localIdPrefix: 'bad-', count: 2, error: INVALID } });
    await core.call('sync:start', {});
    expect(await queueTotal({ status: 'failed', cls: 'validation' })).toBe(2);

    for (const id of ['flaky-1', 'flaky-2', 'flaky-3'])
      await core.call('visitors:update', { localId: id, patch: { phone: `+1 555 ${id}` } });
    faults({ failRequests: { count: 100, status: 503, retryAfterSeconds: 0 } });
    await core.call('sync:start', {});
    const page = await core.call('queue:page', {
      filter: { status: 'retrying' },
      offset: 0,
      limit: 50,
    });
    expect(page.rows.map((r) => [r.localId, r.cls, r.attempts])).toEqual([
      ['flaky-1', 'server', 1],
      ['flaky-2', 'server', 1],
      ['flaky-3', 'server', 1],
    ]);
    expect(page.rows[0]!.nextAttemptAt).not.toBeNull();
    // runs until the attempts run out (3), each when the next attempt falls due
    while ((await queueTotal({ status: 'retrying' })) > 0) {
      await new Promise((r) => setTimeout(r, 120));
      await core.call('sync:start', {});
    }
    const failed = await core.call('queue:page', {
      filter: { cls: 'server' },
      offset: 0,
      limit: 50,
    });
    expect(failed.rows.map((r) => [r.status, r.attempts, r.gaveUp, r.code])).toEqual(
      Array(3).fill(['failed', 3, true, 'max_attempts:server']),
    );

    // a 503 may come from a proxy after the server applied it: never edited in place
    const flaky = await core.call('queue:detail', { opId: failed.rows[0]!.opId });
    expect(flaky).toMatchObject({
      editable: false,
      notEditableReason: expect.stringContaining('may already hold this operation') as string,
    });

    // groups: one line per problem
    const { groups } = await core.call('queue:groups', {});
    expect(groups.map((g) => [g.cls, g.count])).toEqual([
      ['server', 3],
      ['validation', 2],
    ]);

    // an invalid edit is refused with the reason, and nothing changes
    const bad = await core.call('queue:detail', { opId: (await opOf('bad-1')).op_id });
    expect(bad.editable).toBe(true);
    expect(bad.attempts).toMatchObject([{ httpStatus: 200, outcome: 'failed' }]);
    const refused = await core.raw('queue:editRetry', {
      opId: bad.item.opId,
      text: '{"title":"Lead","email":"nope"}',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'validation', message: expect.stringContaining('data.email') as string },
    });
    // a valid one syncs (the fault fired its two times)
    srv.faults.clear();
    const edited = await core.call('queue:editRetry', {
      opId: bad.item.opId,
      text: '{"title":"Lead bad-1","email":"fixed@example.com"}',
    });
    expect(edited).toMatchObject({ count: 1, syncStarted: true });
    await until(
      async () => (await storedVisitors(srv)).get('bad-1')?.email === 'fixed@example.com',
    );
    await until(async () => !(await core.call('sync:status', {})).running);

    // bulk retry of a filter, with the count the person confirmed
    const stale = await core.raw('queue:retry', {
      select: { filter: { cls: 'server' } },
      expected: 2,
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'queue_changed' } });
    const retried = await core.call('queue:retry', {
      select: { filter: { cls: 'server' } },
      expected: 3,
    });
    expect(retried).toMatchObject({ count: 3, syncStarted: true });
    await until(async () => (await queueTotal({ cls: 'server' })) === 0);
    // Out of the queue includes "on the wire": wait for the run that sends them to end.
    await until(async () => !(await core.call('sync:status', {})).running);
    const stored = await storedVisitors(srv);
    expect(['flaky-1', 'flaky-2', 'flaky-3'].map((id) => stored.get(id)?.phone)).toEqual([
      '+1 555 flaky-1',
      '+1 555 flaky-2',
      '+1 555 flaky-3',
    ]);
    await until(async () => !(await core.call('sync:status', {})).running);

    // discard: the mirror goes back to the server's version, and the audit says so
    const left = await opOf('bad-2');
    const discarded = await core.call('queue:discard', {
      select: { opIds: [left.op_id] },
      expected: 1,
    });
    expect(discarded.count).toBe(1);
    expect(rows(core, "SELECT title, dirty FROM visitors WHERE local_id = 'bad-2'")).toEqual([
      { title: 'Engineer', dirty: 0 },
    ]);
    expect(rows(core, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    expect(
      rows(core, "SELECT action, op_id, local_id FROM audit WHERE action != 'resolve' ORDER BY id"),
    ).toEqual([
      { action: 'edit_retry', op_id: bad.item.opId, local_id: 'bad-1' },
      ...['flaky-1', 'flaky-2', 'flaky-3'].map((id) => ({
        action: 'retry',
        op_id: expect.any(String) as string,
        local_id: id,
      })),
      { action: 'discard', op_id: left.op_id, local_id: 'bad-2' },
    ]);
  });

  it('lets staff read the queue, and refuses every admin action made with a staff token', async () => {
    await core.call('visitors:update', { localId: 'bad-1', patch: { title: 'x' } });
    faults({ failOperations: { localIdPrefix: 'bad-', error: INVALID } });
    await core.call('sync:start', {});
    core.sync.configure({ serverUrl: srv.url, token: STAFF });
    expect(await core.call('queue:role', {})).toMatchObject({ role: 'staff' });
    expect(await queueTotal()).toBe(1);
    const opId = (await opOf('bad-1')).op_id;
    for (const [channel, request] of [
      ['queue:retry', { select: { opIds: [opId] }, expected: 1 }],
      ['queue:discard', { select: { opIds: [opId] }, expected: 1 }],
      ['queue:editRetry', { opId, text: '{"title":"y"}' }],
      ['queue:export', { select: { opIds: [opId] }, expected: 1, format: 'csv' }],
      ['queue:exportSaved', { exportId: 'an-export' }],
      ['queue:archiveExported', { expected: 0 }],
    ] as const) {
      const r = await core.raw(channel, request);
      expect(r, channel).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(rows(core, 'SELECT status FROM outbox')).toEqual([{ status: 'failed' }]);
    expect(rows(core, 'SELECT count(*) AS n FROM audit')).toEqual([{ n: 0 }]);
  });

  it('archives exported failed operations only after they were exported, saying how many', async () => {
    for (const id of ['bad-1', 'bad-2'])
      await core.call('visitors:update', { localId: id, patch: { title: `T ${id}` } });
    faults({ failOperations: { localIdPrefix: 'bad-', error: INVALID } });
    await core.call('sync:start', {});
    expect(await core.raw('queue:archiveExported', { expected: 2 })).toMatchObject({
      ok: false,
      error: {
        code: 'not_exported',
        message:
          'None of the 2 failed operations has been exported: export them first, then archive them.',
      },
    });
    const csv = await core.call('queue:export', {
      select: { filter: { status: 'failed' } },
      expected: 2,
      format: 'csv',
    });
    expect(csv).toMatchObject({ count: 2, saved: 'window', marked: 0 });
    // nothing counts as exported until the window says the file is saved
    expect((await core.call('queue:facets', {})).exportedFailed).toBe(0);
    expect(await core.call('queue:exportSaved', { exportId: csv.exportId })).toEqual({
      count: 2,
      changed: 0,
    });
    expect(csv.content.split('\r\n')[0]).toMatch(/^opId,status,class,code,message,/);
    expect(csv.content).toContain(
      'Invalid data,validation,data.email: must be a valid email address,update,bad-1',
    );
    const json = await core.call('queue:export', {
      select: { filter: {} },
      expected: 2,
      format: 'json',
    });
    expect(JSON.parse(json.content)).toMatchObject({ count: 2 });
    await core.call('queue:exportSaved', { exportId: json.exportId });
    // an export is confirmed once
    expect(await core.raw('queue:exportSaved', { exportId: json.exportId })).toMatchObject({
      ok: false,
      error: { code: 'export_unknown' },
    });
    expect((await core.call('queue:facets', {})).exportedFailed).toBe(2);
    const opIds = rows<{ op_id: string }>(core, 'SELECT op_id FROM outbox ORDER BY seq').map(
      (r) => r.op_id,
    );
    const archived = await core.call('queue:archiveExported', { expected: 2 });
    expect(archived.count).toBe(2);
    expect(rows(core, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    expect(
      rows(core, "SELECT title FROM visitors WHERE local_id LIKE 'bad-%' ORDER BY local_id"),
    ).toEqual([{ title: 'Engineer' }, { title: 'Engineer' }]);
    // Nothing was deleted: both are in the archive, whole (payload, attempts, who), restorable,
    // and not purgeable there until the archive's own export is saved.
    const { rows: inArchive } = await core.call('queue:archivePage', { offset: 0, limit: 10 });
    const actor = rows<{ actor: string }>(
      core,
      "SELECT actor FROM audit WHERE action = 'archive_exported' LIMIT 1",
    )[0]!.actor;
    expect(
      inArchive
        .map((a) => ({
          opId: a.opId,
          data: a.data,
          code: a.code,
          attempts: a.attemptLog.length,
          archivedBy: a.archivedBy,
          exportedAt: a.exportedAt,
        }))
        .sort((a, b) => opIds.indexOf(a.opId) - opIds.indexOf(b.opId)),
    ).toEqual(
      ['bad-1', 'bad-2'].map((id, i) => ({
        opId: opIds[i],
        data: { title: `T ${id}` },
        code: 'validation',
        attempts: 1,
        archivedBy: actor,
        exportedAt: null,
      })),
    );
    expect(await core.call('queue:archiveFacets', {})).toMatchObject({
      total: 2,
      exported: 0,
      unexported: 2,
    });
    expect(await core.raw('queue:archivePurge', { expected: 2 })).toMatchObject({
      ok: false,
      error: { code: 'not_exported' },
    });
    expect(rows(core, 'SELECT action FROM audit ORDER BY id')).toEqual([
      { action: 'export' },
      { action: 'export' },
      { action: 'archive_exported' },
      { action: 'archive_exported' },
    ]);
    expect(
      rows<{ detail: string }>(
        core,
        "SELECT detail FROM audit WHERE action = 'archive_exported' ORDER BY id",
      ).map((r) => JSON.parse(r.detail) as unknown),
    ).toEqual([
      expect.objectContaining({ archived: true, exportedAt: expect.any(String) as string }),
      expect.objectContaining({ archived: true, exportedAt: expect.any(String) as string }),
    ]);
  });

  it('discarding a create the server never had removes the local record and what depended on it', async () => {
    const created = await core.call('visitors:create', { values: { name: 'Never Synced' } });
    faults({
      failOperations: { localIdPrefix: created.localId, error: INVALID },
    });
    await core.call('sync:start', {});
    await core.call('visitors:update', { localId: created.localId, patch: { title: 'Later' } });
    await core.call('sync:start', {}); // the update fails too: its create failed
    expect(rows(core, 'SELECT action, status FROM outbox ORDER BY seq')).toEqual([
      { action: 'create', status: 'failed' },
      { action: 'update', status: 'failed' },
    ]);
    const page = await core.call('queue:page', { filter: {}, offset: 0, limit: 10 });
    expect(page.rows.map((r) => r.cls)).toEqual(['validation', 'blocked']);
    // the confirmed count is what matched (the create); its dependent comes along, counted
    const r = await core.call('queue:discard', {
      select: { opIds: [page.rows[0]!.opId] },
      expected: 1,
    });
    expect(r.count).toBe(2);
    expect(
      rows(core, 'SELECT count(*) AS n FROM visitors WHERE local_id = ?', created.localId),
    ).toEqual([{ n: 0 }]);
    expect(rows(core, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
  });
});

/** A create the server refuses, and a later change of the same visitor that is blocked by it. */
async function failedCreateWithBlockedUpdate(): Promise<{ localId: string; createOp: string }> {
  const created = await core.call('visitors:create', { values: { name: 'Never Synced' } });
  faults({ failOperations: { localIdPrefix: created.localId, error: INVALID } });
  await core.call('sync:start', {});
  await core.call('visitors:update', { localId: created.localId, patch: { title: 'Later' } });
  await core.call('sync:start', {}); // the update fails too: its create failed (create_failed)
  expect(rows(core, 'SELECT action, status FROM outbox ORDER BY seq')).toEqual([
    { action: 'create', status: 'failed' },
    { action: 'update', status: 'failed' },
  ]);
  const createOp = rows<{ op_id: string }>(
    core,
    "SELECT op_id FROM outbox WHERE action = 'create'",
  )[0]!.op_id;
  return { localId: created.localId, createOp };
}

describe('nothing dropped silently (issue 6 point 8, bulk counts)', () => {
  it('archive exported takes only exported failed operations: an unexported dependent one stays in the queue', async () => {
    const { localId, createOp } = await failedCreateWithBlockedUpdate();
    // The admin exports ONLY the create (one operation), so one is exported, one is not.
    const file = await core.call('queue:export', {
      select: { opIds: [createOp] },
      expected: 1,
      format: 'json',
    });
    expect(file.count).toBe(1);
    await core.call('queue:exportSaved', { exportId: file.exportId }); // the window saved it
    const facets = await core.call('queue:facets', {});
    expect([facets.exportedFailed, facets.unexportedFailed]).toEqual([1, 1]);
    // Confirmation says "move 1 exported failed operation to the archive".
    const moved = await core.call('queue:archiveExported', { expected: facets.exportedFailed });
    expect(moved.count).toBe(1);
    const archivedCreate = (await core.call('queue:archivePage', { offset: 0, limit: 10 })).rows;
    expect(archivedCreate.map((a) => [a.opId, a.action, a.localId])).toEqual([
      [createOp, 'create', localId],
    ]);
    // The never-exported blocked update must still be there (it was never exported).
    expect(rows(core, "SELECT action, status FROM outbox WHERE action = 'update'")).toEqual([
      { action: 'update', status: 'failed' },
    ]);
    // …with the reason it cannot be sent, and its record, so it stays visible in the queue;
    // the create's audit row names it.
    const left = (await core.call('queue:page', { filter: {}, offset: 0, limit: 10 })).rows;
    expect(left.map((r) => [r.action, r.cls, r.code, r.localId])).toEqual([
      ['update', 'blocked', 'create_removed', localId],
    ]);
    const detail = await core.call('queue:detail', { opId: left[0]!.opId });
    expect(detail).toMatchObject({
      editable: false,
      notEditableReason: expect.stringContaining('its create is in the archive') as string,
    });
    expect(
      rows<{ detail: string }>(
        core,
        "SELECT detail FROM audit WHERE action = 'archive_exported'",
      ).map((r) => JSON.parse(r.detail) as unknown),
    ).toEqual([expect.objectContaining({ action: 'create', leftBehind: [left[0]!.opId] })]);
    // A retry could never send it: skipped, with why, and nothing changes.
    const retried = await core.call('queue:retry', {
      select: { opIds: [left[0]!.opId] },
      expected: 1,
    });
    expect(retried).toMatchObject({
      count: 0,
      skipped: 1,
      skippedReason: expect.stringContaining('cannot be sent') as string,
    });
    // Exported and archived in its turn, the local-only record goes with it; both operations
    // are in the archive, none lost.
    const second = await core.call('queue:export', {
      select: { filter: {} },
      expected: 1,
      format: 'csv',
    });
    await core.call('queue:exportSaved', { exportId: second.exportId });
    expect((await core.call('queue:archiveExported', { expected: 1 })).count).toBe(1);
    expect(rows(core, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    expect(rows(core, 'SELECT count(*) AS n FROM visitors WHERE local_id = ?', localId)).toEqual([
      { n: 0 },
    ]);
    const both = (await core.call('queue:archivePage', { offset: 0, limit: 10 })).rows;
    expect(both.map((a) => [a.action, a.opId]).sort()).toEqual(
      [
        ['create', createOp],
        ['update', left[0]!.opId],
      ].sort(),
    );
  });

  it('discarding one operation removes exactly the operations it counts and audits', async () => {
    const { createOp } = await failedCreateWithBlockedUpdate();
    const r = await core.call('queue:discard', { select: { opIds: [createOp] }, expected: 1 });
    const removed = 2 - rows<{ n: number }>(core, 'SELECT count(*) AS n FROM outbox')[0]!.n;
    const audited = rows<{ n: number }>(
      core,
      "SELECT count(*) AS n FROM audit WHERE action = 'discard'",
    )[0]!.n;
    // Whatever leaves the outbox must be in the count the admin is told and in the audit trail.
    expect({ reported: r.count, audited }).toEqual({ reported: removed, audited: removed });
  });

  it('discarding a create takes its pending changes too, counted and audited', async () => {
    const { localId, createOp } = await failedCreateWithBlockedUpdate();
    // A change made after the last run: pending, not in the queue, waiting on the create.
    await core.call('visitors:update', { localId, patch: { phone: '+1 555 0100' } });
    expect(rows(core, "SELECT count(*) AS n FROM outbox WHERE status = 'pending'")).toEqual([
      { n: 1 },
    ]);
    const r = await core.call('queue:discard', { select: { opIds: [createOp] }, expected: 1 });
    expect(r.count).toBe(3);
    expect(rows(core, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    expect(
      rows<{ op_id: string; detail: string }>(
        core,
        "SELECT op_id, detail FROM audit WHERE action = 'discard' ORDER BY id",
      ).map((a) => (JSON.parse(a.detail) as { dependsOn?: string }).dependsOn ?? null),
    ).toEqual([null, createOp, createOp]);
  });

  it('retrying a failed create brings back its blocked changes, counted and audited', async () => {
    const { createOp } = await failedCreateWithBlockedUpdate();
    srv.faults.clear();
    const r = await core.call('queue:retry', { select: { opIds: [createOp] }, expected: 1 });
    expect(r.count).toBe(2);
    expect(
      rows<{ detail: string }>(core, "SELECT detail FROM audit WHERE action = 'retry' ORDER BY id")
        .map((a) => JSON.parse(a.detail) as { dependsOn?: string })
        .map((d) => d.dependsOn ?? null),
    ).toEqual([null, createOp]);
  });

  it('an export whose file was never saved does not let them leave the queue as exported', async () => {
    // The export marks operations exported when main builds the content, before the
    // window has saved anything (a cancelled Save dialog leaves no file at all).
    await core.call('visitors:update', { localId: 'known-1', patch: { title: 'Lost?' } });
    faults({ failOperations: { localIdPrefix: 'known-', error: INVALID } });
    await core.call('sync:start', {});
    await core.call('queue:export', {
      select: { filter: { status: 'failed' } },
      expected: 1,
      format: 'csv',
    }); // content dropped here, as when the save is cancelled or blocked
    const r = await core.raw('queue:archiveExported', { expected: 1 });
    expect(r).toMatchObject({ ok: false });
    expect(rows(core, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 1 }]);
  });

  it('a confirmation marks only operations unchanged since the file was made', async () => {
    for (const id of ['bad-1', 'bad-2'])
      await core.call('visitors:update', { localId: id, patch: { title: `T ${id}` } });
    faults({ failOperations: { localIdPrefix: 'bad-', error: INVALID } });
    await core.call('sync:start', {});
    const file = await core.call('queue:export', {
      select: { filter: {} },
      expected: 2,
      format: 'json',
    });
    // Meanwhile the admin fixes one: the file holds its old payload.
    const [first] = (await core.call('queue:page', { filter: {}, offset: 0, limit: 10 })).rows;
    await core.call('queue:editRetry', { opId: first!.opId, text: '{"title":"Fixed"}' });
    await until(async () => !(await core.call('sync:status', {})).running);
    expect(await core.call('queue:exportSaved', { exportId: file.exportId })).toEqual({
      count: 1,
      changed: 1,
    });
    expect(rows(core, 'SELECT local_id FROM outbox WHERE exported_at IS NOT NULL')).toEqual([
      { local_id: first!.localId === 'bad-1' ? 'bad-2' : 'bad-1' },
    ]);
  });
});

describe('export through the desktop (main writes the file)', () => {
  const failTwo = async (c: TestCore) => {
    c.sync.configure({ serverUrl: srv.url, token: ADMIN });
    await c.call('sync:start', {});
    for (const id of ['bad-1', 'bad-2'])
      await c.call('visitors:update', { localId: id, patch: { title: `T ${id}` } });
    faults({ failOperations: { localIdPrefix: 'bad-', error: INVALID } });
    await c.call('sync:start', {});
  };
  const desktopCore = (saveFile: DesktopPort['saveFile']) =>
    makeCore({
      settings: () => ({ ...FAST, backoff: BACKOFF }),
      ports: {
        desktop: {
          openFolder: () => Promise.resolve(false),
          relaunch: () => false,
          saveFile,
          openFile: () => Promise.resolve({ kind: 'unavailable' }),
          notify: () => undefined,
        },
      },
    });

  it('marks the operations exported only once the file is written whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrc-export-'));
    const c = desktopCore(async ({ filename, content }) => {
      await writeFileWhole(join(dir, filename), content);
      return { kind: 'saved', path: join(dir, filename) };
    });
    try {
      await failTwo(c);
      const r = await c.call('queue:export', {
        select: { filter: { status: 'failed' } },
        expected: 2,
        format: 'csv',
      });
      expect(r).toMatchObject({ saved: 'main', count: 2, marked: 2, content: '' });
      expect(readFileSync(r.path!, 'utf8').trimEnd().split('\r\n')).toHaveLength(3); // header + 2
      expect(readdirSync(dir)).toEqual([r.filename]); // no temporary file left
      expect((await c.call('queue:facets', {})).exportedFailed).toBe(2);
      expect(
        rows<{ detail: string }>(c, "SELECT detail FROM audit WHERE action = 'export'").map(
          (a) => JSON.parse(a.detail) as unknown,
        ),
      ).toEqual([expect.objectContaining({ count: 2, marked: 2, file: r.path })]);
    } finally {
      c.dispose();
    }
  });

  it('a cancelled dialog or a failed write marks nothing, and says so', async () => {
    let outcome: 'cancel' | 'fail' = 'cancel';
    const c = desktopCore(async ({ filename, content }) => {
      if (outcome === 'cancel') return { kind: 'cancelled' };
      const path = join('/nonexistent-folder-for-test', filename);
      await writeFileWhole(path, content);
      return { kind: 'saved', path };
    });
    try {
      await failTwo(c);
      const req = { select: { filter: {} }, expected: 2, format: 'json' } as const;
      expect(await c.call('queue:export', req)).toMatchObject({
        saved: 'cancelled',
        marked: 0,
      });
      outcome = 'fail';
      expect(await c.raw('queue:export', req)).toMatchObject({
        ok: false,
        error: {
          code: 'file_not_saved',
          message: expect.stringContaining('Nothing was marked exported') as string,
        },
      });
      expect(existsSync('/nonexistent-folder-for-test')).toBe(false);
      expect((await c.call('queue:facets', {})).exportedFailed).toBe(0);
      expect(rows(c, "SELECT count(*) AS n FROM audit WHERE action = 'export'")).toEqual([
        { n: 0 },
      ]);
    } finally {
      c.dispose();
    }
  });
});

describe('edit-and-retry after a crash mid-send (issue 6 point 2)', () => {
  it('does not let an admin edit an operation the server may already hold under its opId', async () => {
    const Database = (await import('better-sqlite3')).default;
    await core.call('visitors:update', { localId: 'known-1', patch: { title: 'Original' } });
    const op = rows<{ op_id: string; op_timestamp: string }>(
      core,
      'SELECT op_id, op_timestamp FROM outbox',
    )[0]!;
    // The console hands the chunk to the network (claim: in_flight, attempts 1) and the
    // server applies it; then the process dies before the reply is read.
    const raw = new Database(core.dbPath);
    raw.prepare("UPDATE outbox SET status = 'in_flight', attempts = 1").run();
    raw.close();
    const sent = await fetch(`${srv.url}/api/visitors/bulk-sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        operations: [
          {
            action: 'update',
            localId: 'known-1',
            serverId: 'known-1',
            timestamp: op.op_timestamp,
            data: { title: 'Original' },
            opId: op.op_id,
          },
        ],
      }),
    });
    expect(sent.status).toBe(200);
    const dbPath = core.dbPath;
    core.close(); // the crash (the files stay)
    // Restart on the same database: the in-flight op is recovered as retrying.
    const s = { ...FAST, backoff: BACKOFF };
    const again = makeCore({ dbPath, settings: () => s });
    again.sync.configure({ serverUrl: srv.url, token: ADMIN });
    try {
      const detail = await again.call('queue:detail', { opId: op.op_id });
      expect(detail.item.status).toBe('retrying');
      // The send the console never heard back from is in the timeline, as no answer.
      expect(detail.attempts).toMatchObject([
        { outcome: 'retry', httpStatus: null, error: { code: 'interrupted' } },
      ]);
      expect(detail.editable).toBe(false);
      if (detail.editable) {
        // The admin is allowed to edit it: the edit "syncs", but the server keeps the old value.
        await again.call('queue:editRetry', { opId: op.op_id, text: '{"title":"Edited"}' });
        for (let i = 0; i < 40 && again.sync.status().running; i++)
          await new Promise((r) => setTimeout(r, 25));
        if (!again.sync.status().running) await again.sync.sync();
        const server = (await (
          await fetch(`${srv.url}/api/visitors/changes`, {
            headers: { authorization: `Bearer ${ADMIN}` },
          })
        ).json()) as { visitors: { id: string; title?: string }[] };
        const mirror = rows<{ title: string }>(
          again,
          "SELECT title FROM visitors WHERE local_id = 'known-1'",
        )[0]!.title;
        const onServer = server.visitors.find((v) => v.id === 'known-1')?.title;
        const left = rows<{ n: number }>(again, 'SELECT count(*) AS n FROM outbox')[0]!.n;
        // Either the edit reached the server, or it must not be reported as done.
        expect({ mirror, onServer, left }).toEqual({
          mirror: 'Edited',
          onServer: 'Edited',
          left: 0,
        });
      }
      // main refuses the edit too, whatever the window offers
      expect(
        await again.raw('queue:editRetry', { opId: op.op_id, text: '{"title":"Edited"}' }),
      ).toMatchObject({ ok: false, error: { code: 'not_editable' } });
    } finally {
      again.close();
    }
  });

  it('an attempt counted but never recorded (a send the console lost track of) is not editable', async () => {
    await core.call('visitors:update', { localId: 'bad-1', patch: { title: 'x' } });
    faults({ failOperations: { localIdPrefix: 'bad-', error: INVALID } });
    await core.call('sync:start', {});
    const opId = (await opOf('bad-1')).op_id;
    expect((await core.call('queue:detail', { opId })).editable).toBe(true);
    core.db.prepare('UPDATE outbox SET attempts = attempts + 1').run();
    expect((await core.call('queue:detail', { opId })).editable).toBe(false);
  });
});

async function opOf(localId: string): Promise<{ op_id: string }> {
  return rows<{ op_id: string }>(core, 'SELECT op_id FROM outbox WHERE local_id = ?', localId)[0]!;
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
