import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type FaultsRequest } from '../../../server/faults';
import type { RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { ADMIN, STAFF, adminPost, consoleFor, rows, server, storedVisitors } from '../sync/helpers';

/**
 * Failure clusters and the archive against the real reference server: a
 * field edited across a whole group (previewed, checked with the wire's
 * schema), a group turned into workspace conflicts against the server's
 * current record, discards kept whole in the archive, restored, exported
 * and purged. Every action through dispatch, results read back from SQLite.
 */

const INVALID = {
  code: 'validation',
  message: 'data.email: must be a valid email address',
  retryable: false,
};
const GONE = { code: 'not_found', message: 'no visitor with this id', retryable: false };

let srv: RunningServer;
let core: TestCore;
const faults = (request: FaultsRequest) => srv.faults.set(FaultsRequestSchema.parse(request));
const groups = async () => (await core.call('queue:groups', {})).groups;

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const idle = () => until(async () => !(await core.call('sync:status', {})).running);

/**
 * Three visitors whose updates the server refuses for their email (a domain
 * typo its own rules refuse, made with the fault hook), two as not found.
 */
async function failures(): Promise<void> {
  for (const id of ['mail-1', 'mail-2', 'mail-3'])
    await core.call('visitors:update', {
      localId: id,
      patch: { email: `${id}@example.con`, title: `Buyer ${id}` },
    });
  faults({ failOperations: { localIdPrefix: 'mail-', count: 3, error: INVALID } });
  await core.call('sync:start', {});
  for (const id of ['gone-1', 'gone-2'])
    await core.call('visitors:update', { localId: id, patch: { title: `Lead ${id}` } });
  faults({ failOperations: { localIdPrefix: 'gone-', count: 2, error: GONE } });
  await core.call('sync:start', {});
  srv.faults.clear();
}

beforeEach(async () => {
  srv = await server();
  await adminPost(srv, '/api/admin/visitors', {
    visitors: ['mail-1', 'mail-2', 'mail-3', 'gone-1', 'gone-2'].map((id) => ({
      id,
      data: { name: `Visitor ${id}`, email: `${id}@example.com`, title: 'Engineer' },
    })),
  });
  core = consoleFor(srv, {}, ADMIN);
  await core.call('sync:start', {});
});
afterEach(async () => {
  core.dispose();
  await srv.stop();
});

describe('failure clusters', () => {
  it('shows each group in the server’s own words, never the normalised key', async () => {
    await failures();
    const g = await groups();
    expect(g.map((x) => [x.code, x.count, x.message])).toEqual([
      ['validation', 3, 'data.email: must be a valid email address'],
      ['not_found', 2, 'no visitor with this id'],
    ]);
    faults({ failRequests: { count: 100, status: 503, retryAfterSeconds: 0 } });
    await core.call('visitors:update', { localId: 'mail-1', patch: { phone: '1' } });
    await core.call('sync:start', {});
    const server = (await groups()).find((x) => x.cls === 'server')!;
    expect(server.message).toMatch(/HTTP 503/);
    expect(server.message).not.toContain('#');
  });

  it('edits one field across a whole group: previewed with counts and samples, checked before anything is written', async () => {
    await failures();
    const group = (await groups()).find((g) => g.code === 'validation')!;
    const target = { select: { filter: { signature: group.signature } }, expected: 3 };

    // a replacement the wire refuses is shown in the preview and refused as a whole
    const bad = { type: 'replace', field: 'email', find: '@', replace: ' at ' } as const;
    expect(await core.call('queue:editPreview', { ...target, edit: bad })).toMatchObject({
      matched: 3,
      changed: 0,
      invalid: 3,
      invalidSamples: [
        { visitorName: 'Visitor mail-1', reason: expect.stringContaining('email') as string },
        {},
        {},
      ],
    });
    expect(await core.raw('queue:editGroup', { ...target, edit: bad })).toMatchObject({
      ok: false,
      error: {
        code: 'validation',
        message: expect.stringContaining('Nothing was written') as string,
      },
    });
    expect(rows(core, "SELECT count(*) AS n FROM outbox WHERE data LIKE '%example.con%'")).toEqual([
      { n: 3 },
    ]);

    const fix = {
      type: 'replace',
      field: 'email',
      find: '.con',
      replace: '.com',
    } as const;
    const preview = await core.call('queue:editPreview', { ...target, edit: fix });
    expect(preview).toMatchObject({ matched: 3, changed: 3, unchanged: 0, invalid: 0 });
    expect(preview.samples[0]).toEqual({
      opId: expect.any(String) as string,
      visitorName: 'Visitor mail-1',
      before: 'mail-1@example.con',
      after: 'mail-1@example.com',
    });
    // the preview wrote nothing
    expect(rows(core, "SELECT count(*) AS n FROM outbox WHERE data LIKE '%example.con%'")).toEqual([
      { n: 3 },
    ]);
    // the count the person confirmed still holds the edit back when the group moved
    expect(await core.raw('queue:editGroup', { ...target, expected: 2, edit: fix })).toMatchObject({
      ok: false,
      error: { code: 'queue_changed' },
    });

    const done = await core.call('queue:editGroup', { ...target, edit: fix });
    expect(done).toMatchObject({ count: 3, skipped: 0, syncStarted: true });
    await until(
      async () => (await storedVisitors(srv)).get('mail-3')?.email === 'mail-3@example.com',
    );
    await idle();
    const stored = await storedVisitors(srv);
    expect(['mail-1', 'mail-2'].map((id) => stored.get(id)?.email)).toEqual([
      'mail-1@example.com',
      'mail-2@example.com',
    ]);
    expect(rows(core, "SELECT count(*) AS n FROM audit WHERE action = 'edit_retry'")[0]).toEqual({
      n: 3,
    });
  });

  it('sets a value across a group, and leaves alone what may have reached the server', async () => {
    await failures();
    // a 503 may come from a proxy after the server applied it: never edited in place
    faults({ failRequests: { count: 100, status: 503, retryAfterSeconds: 0 } });
    await core.call('visitors:update', { localId: 'mail-1', patch: { phone: '+1 555' } });
    await core.call('sync:start', {});
    const ops = rows<{ op_id: string }>(
      core,
      "SELECT op_id FROM outbox WHERE local_id LIKE 'gone-%' OR status = 'retrying' ORDER BY seq",
    ).map((r) => r.op_id);
    expect(ops).toHaveLength(3);
    const preview = await core.call('queue:editPreview', {
      select: { opIds: ops },
      expected: 3,
      edit: { type: 'set', field: 'title', value: 'Partner' },
    });
    expect(preview).toMatchObject({
      matched: 3,
      changed: 2,
      invalid: 0,
      notEditable: [
        { count: 1, reason: expect.stringContaining('may already hold this operation') as string },
      ],
    });
    // samples follow the queue's order (created, then opId): two made in the same ms may swap
    expect(preview.samples.map((s) => [s.before, s.after]).sort()).toEqual([
      ['Lead gone-1', 'Partner'],
      ['Lead gone-2', 'Partner'],
    ]);
  });

  it('turns a group into conflicts against the server’s current record, decided in the workspace', async () => {
    await failures();
    // the server's record moved on meanwhile (another device)
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [
        { id: 'mail-1', data: { email: 'desk@acme.example', title: 'Head buyer' } },
        { id: 'mail-2', delete: true },
      ],
    });
    const group = (await groups()).find((g) => g.code === 'validation')!;
    const r = await core.call('queue:toConflict', {
      select: { filter: { signature: group.signature } },
      expected: 3,
    });
    expect(r).toMatchObject({ count: 3, skipped: 0 });
    expect(await core.call('queue:count', { filter: {} })).toEqual({ total: 2 });

    const page = await core.call('conflicts:page', {
      filter: {},
      sort: { column: 'createdAt', direction: 'asc' },
      offset: 0,
      limit: 10,
    });
    const byLocal = new Map(page.rows.map((c) => [c.localId, c]));
    expect(byLocal.get('mail-1')).toMatchObject({
      kind: 'field',
      conflictFields: ['email', 'title'],
      blocked: null,
      resolvable: {
        clientData: { email: 'mail-1@example.con', title: 'Buyer mail-1' },
        serverData: { email: 'desk@acme.example', title: 'Head buyer' },
      },
    });
    expect(byLocal.get('mail-2')).toMatchObject({ kind: 'update_deleted' });
    // nothing differs but what it sends: every field it sends is contested
    expect(byLocal.get('mail-3')).toMatchObject({ kind: 'field', blocked: null });

    // decided field by field: their email, our title
    const id = byLocal.get('mail-1')!.id;
    const applied = await core.call('conflicts:apply', {
      target: { ids: [id] },
      decision: {
        type: 'resolution',
        resolution: {
          strategy: 'manual',
          picks: { email: { kind: 'server' }, title: { kind: 'client' } },
        },
      },
    });
    expect(applied.batch).not.toBeNull();
    await core.call('sync:start', {});
    await idle();
    expect((await storedVisitors(srv)).get('mail-1')).toMatchObject({
      email: 'desk@acme.example',
      title: 'Buyer mail-1',
    });
    expect(rows(core, "SELECT count(*) AS n FROM audit WHERE action = 'to_conflict'")).toEqual([
      { n: 3 },
    ]);
  });
});

describe('the archive', () => {
  it('keeps a discarded operation whole, restores it, exports it and purges only what was saved', async () => {
    await failures();
    const group = (await groups()).find((g) => g.code === 'not_found')!;
    const discarded = await core.call('queue:discard', {
      select: { filter: { signature: group.signature } },
      expected: 2,
    });
    expect(discarded.count).toBe(2);
    expect(rows(core, "SELECT count(*) AS n FROM outbox WHERE local_id LIKE 'gone-%'")).toEqual([
      { n: 0 },
    ]);
    // the record is back to the server's version
    expect(rows(core, "SELECT title, dirty FROM visitors WHERE local_id = 'gone-1'")).toEqual([
      { title: 'Engineer', dirty: 0 },
    ]);

    expect(await core.call('queue:archiveFacets', {})).toEqual({
      total: 2,
      exported: 0,
      unexported: 2,
    });
    const { rows: archived } = await core.call('queue:archivePage', { offset: 0, limit: 10 });
    expect(archived.map((a) => a.localId).sort()).toEqual(['gone-1', 'gone-2']);
    const one = archived.find((a) => a.localId === 'gone-1')!;
    expect(one).toMatchObject({
      action: 'update',
      data: { title: 'Lead gone-1' },
      was: 'failed',
      code: 'not_found',
      message: 'no visitor with this id',
      archivedBy: expect.any(String) as string,
      // the test server names no token
      serverName: null,
      exportedAt: null,
    });
    expect(one.attemptLog).toEqual([
      {
        at: expect.any(String) as string,
        outcome: 'failed',
        httpStatus: 200,
        error: GONE,
      },
    ]);

    // restored: back in the queue as failed, the local record shows the change again
    const restored = await core.call('queue:restore', {
      select: { ids: [one.id] },
      expected: 1,
    });
    expect(restored.count).toBe(1);
    expect(rows(core, "SELECT status, op_id FROM outbox WHERE local_id = 'gone-1'")).toEqual([
      { status: 'failed', op_id: one.opId },
    ]);
    expect(rows(core, "SELECT title, dirty FROM visitors WHERE local_id = 'gone-1'")).toEqual([
      { title: 'Lead gone-1', dirty: 1 },
    ]);
    const detail = await core.call('queue:detail', { opId: one.opId });
    expect(detail.attempts).toHaveLength(1);

    // discarded again, then: a purge before any export is refused
    await core.call('queue:discard', { select: { opIds: [one.opId] }, expected: 1 });
    expect(await core.raw('queue:archivePurge', { expected: 2 })).toMatchObject({
      ok: false,
      error: { code: 'not_exported' },
    });
    const file = await core.call('queue:archiveExport', {
      select: { filter: {} },
      expected: 2,
      format: 'csv',
    });
    expect(file).toMatchObject({ count: 2, saved: 'window', marked: 0 });
    expect(file.content.split('\r\n')[0]).toBe(
      'archiveId,opId,action,localId,serverId,visitor,was,class,code,message,attempts,attemptErrors,createdAt,archivedAt,archivedBy,serverName,dependsOn,payload',
    );
    expect(file.content).toContain('no visitor with this id');
    // not saved yet: nothing purgeable
    expect((await core.call('queue:archiveFacets', {})).exported).toBe(0);
    expect(await core.call('queue:archiveExportSaved', { exportId: file.exportId })).toEqual({
      count: 2,
      changed: 0,
    });
    const json = await core.call('queue:archiveExport', {
      select: { filter: { exported: true } },
      expected: 2,
      format: 'json',
    });
    expect(JSON.parse(json.content)).toMatchObject({ count: 2 });

    const purged = await core.call('queue:archivePurge', { expected: 2 });
    expect(purged.count).toBe(2);
    expect(await core.call('queue:archiveFacets', {})).toEqual({
      total: 0,
      exported: 0,
      unexported: 0,
    });
    expect(
      rows(
        core,
        "SELECT action FROM audit WHERE action IN ('discard', 'restore', 'archive_export', 'archive_purge') ORDER BY id",
      ).map((r) => r.action),
    ).toEqual([
      'discard',
      'discard',
      'restore',
      'discard',
      'archive_export',
      'archive_purge',
      'archive_purge',
    ]);
  });

  it('purges only what an export file that was saved holds, and keeps what came after', async () => {
    await failures();
    const [mail, gone] = [
      (await groups()).find((g) => g.code === 'validation')!,
      (await groups()).find((g) => g.code === 'not_found')!,
    ];
    await core.call('queue:discard', {
      select: { filter: { signature: gone.signature } },
      expected: 2,
    });
    const file = await core.call('queue:archiveExport', {
      select: { filter: {} },
      expected: 2,
      format: 'json',
    });
    // a save that was cancelled (or never confirmed) makes nothing purgeable
    const cancelled = await core.call('queue:archiveExport', {
      select: { filter: {} },
      expected: 2,
      format: 'csv',
    });
    expect(cancelled.saved).toBe('window');
    await core.call('queue:archiveExportSaved', { exportId: file.exportId });
    await core.call('queue:discard', {
      select: { filter: { signature: mail.signature } },
      expected: 3,
    });
    expect(await core.call('queue:archiveFacets', {})).toEqual({
      total: 5,
      exported: 2,
      unexported: 3,
    });
    expect(await core.raw('queue:archivePurge', { expected: 5 })).toMatchObject({
      ok: false,
      error: { code: 'archive_changed' },
    });
    const purged = await core.call('queue:archivePurge', { expected: 2 });
    expect(purged).toMatchObject({
      count: 2,
      skipped: 3,
      skippedReason: '3 archived operations not exported yet are kept.',
    });
    expect(
      rows(core, 'SELECT local_id FROM outbox_archive ORDER BY local_id').map((r) => r.local_id),
    ).toEqual(['mail-1', 'mail-2', 'mail-3']);
  });

  it('restores a create together with the changes discarded with it', async () => {
    const { localId } = await core.call('visitors:create', {
      values: { name: 'New One', email: 'new@example.com' },
    });
    faults({ failOperations: { localIdPrefix: localId, count: 1, error: INVALID } });
    await core.call('sync:start', {});
    await core.call('visitors:update', { localId, patch: { title: 'Later' } });
    const create = rows<{ op_id: string }>(
      core,
      "SELECT op_id FROM outbox WHERE action = 'create'",
    )[0]!;
    const r = await core.call('queue:discard', { select: { opIds: [create.op_id] }, expected: 1 });
    expect(r.count).toBe(2);
    expect(rows(core, 'SELECT count(*) AS n FROM visitors WHERE local_id = ?', localId)).toEqual([
      { n: 0 },
    ]);
    const { rows: archived } = await core.call('queue:archivePage', { offset: 0, limit: 10 });
    const createRow = archived.find((a) => a.action === 'create')!;
    expect(archived.find((a) => a.action === 'update')).toMatchObject({
      dependsOn: create.op_id,
      was: 'pending',
    });
    const back = await core.call('queue:restore', { select: { ids: [createRow.id] }, expected: 1 });
    expect(back.count).toBe(2);
    expect(
      rows(core, 'SELECT action, status FROM outbox WHERE local_id = ? ORDER BY seq', localId),
    ).toEqual([
      { action: 'create', status: 'failed' },
      { action: 'update', status: 'pending' },
    ]);
    expect(rows(core, 'SELECT name, title FROM visitors WHERE local_id = ?', localId)).toEqual([
      { name: 'New One', title: 'Later' },
    ]);
  });

  it('refuses every new admin action made with a staff token', async () => {
    await failures();
    core.sync.configure({ serverUrl: srv.url, token: STAFF });
    const opId = rows<{ op_id: string }>(core, 'SELECT op_id FROM outbox LIMIT 1')[0]!.op_id;
    const target = { select: { opIds: [opId] }, expected: 1 };
    for (const [channel, request] of [
      ['queue:editGroup', { ...target, edit: { type: 'set', field: 'title', value: 'x' } }],
      ['queue:toConflict', target],
      ['queue:restore', { select: { ids: [1] }, expected: 1 }],
      ['queue:archiveExport', { select: { ids: [1] }, expected: 1, format: 'csv' }],
      ['queue:archiveExportSaved', { exportId: 'an-export' }],
      ['queue:archivePurge', { expected: 0 }],
    ] as const) {
      const r = await core.raw(channel, request);
      expect(r, channel).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(rows(core, 'SELECT count(*) AS n FROM audit')).toEqual([{ n: 0 }]);
  });
});
