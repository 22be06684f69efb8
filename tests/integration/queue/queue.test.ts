import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type FaultsRequest } from '../../../server/faults';
import type { RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { ADMIN, STAFF, adminPost, consoleFor, rows, server, storedVisitors } from '../sync/helpers';

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
  await fixtures(['bad-1', 'bad-2', 'flaky-1', 'flaky-2', 'flaky-3']);
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
      ['queue:retry', { select: { opIds: [opId] } }],
      ['queue:discard', { select: { opIds: [opId] } }],
      ['queue:editRetry', { opId, text: '{"title":"y"}' }],
      ['queue:export', { select: { opIds: [opId] }, format: 'csv' }],
      ['queue:purge', { expected: 0 }],
    ] as const) {
      const r = await core.raw(channel, request);
      expect(r, channel).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(rows(core, 'SELECT status FROM outbox')).toEqual([{ status: 'failed' }]);
    expect(rows(core, 'SELECT count(*) AS n FROM audit')).toEqual([{ n: 0 }]);
  });

  it('purges failed operations only after they were exported, saying how many', async () => {
    for (const id of ['bad-1', 'bad-2'])
      await core.call('visitors:update', { localId: id, patch: { title: `T ${id}` } });
    faults({ failOperations: { localIdPrefix: 'bad-', error: INVALID } });
    await core.call('sync:start', {});
    expect(await core.raw('queue:purge', { expected: 2 })).toMatchObject({
      ok: false,
      error: {
        code: 'not_exported',
        message:
          'None of the 2 failed operations has been exported: export them first, then purge.',
      },
    });
    const csv = await core.call('queue:export', {
      select: { filter: { status: 'failed' } },
      format: 'csv',
    });
    expect(csv.count).toBe(2);
    expect(csv.content.split('\r\n')[0]).toMatch(/^opId,status,class,code,message,/);
    expect(csv.content).toContain(
      'Invalid data,validation,data.email: must be a valid email address,update,bad-1',
    );
    const json = await core.call('queue:export', {
      select: { filter: {} },
      format: 'json',
    });
    expect(JSON.parse(json.content)).toMatchObject({ count: 2 });
    expect((await core.call('queue:facets', {})).exportedFailed).toBe(2);
    const purged = await core.call('queue:purge', { expected: 2 });
    expect(purged.count).toBe(2);
    expect(rows(core, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    expect(
      rows(core, "SELECT title FROM visitors WHERE local_id LIKE 'bad-%' ORDER BY local_id"),
    ).toEqual([{ title: 'Engineer' }, { title: 'Engineer' }]);
    expect(rows(core, 'SELECT action FROM audit ORDER BY id')).toEqual([
      { action: 'export' },
      { action: 'export' },
      { action: 'purge' },
      { action: 'purge' },
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
    await core.call('queue:discard', { select: { opIds: [page.rows[0]!.opId] } });
    expect(
      rows(core, 'SELECT count(*) AS n FROM visitors WHERE local_id = ?', created.localId),
    ).toEqual([{ n: 0 }]);
    expect(rows(core, 'SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
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
