import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { adminPost, consoleFor, rows, server, storedVisitors, until } from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});
const arm = (s: RunningServer, f: unknown) => s.faults.set(FaultsRequestSchema.parse(f));
const local = (localId: string) =>
  rows<Record<string, unknown>>(core, 'SELECT * FROM visitors WHERE local_id = ?', localId)[0];

/**
 * Interleavings a reviewer proved wrong in the first engine: edits during a
 * run, server changes between a pull and a push, work after a failed create,
 * cancel with background syncs on, and a create whose reply was lost.
 */
describe('edits and server changes around a running sync', () => {
  it('an edit made while an earlier chunk is in flight is sent, not lost', async () => {
    srv = await server({ seed: 20 });
    core = consoleFor(srv, { chunkSize: 5 });
    await core.sync.sync();
    const m = rows<{ local_id: string; server_id: string }>(
      core,
      'SELECT local_id, server_id FROM visitors ORDER BY local_id LIMIT 10',
    );
    for (const v of m)
      await core.call('visitors:update', { localId: v.local_id, patch: { title: 'T1' } });
    arm(srv, { delayResponses: { count: 1, ms: 400 } });
    const run = core.sync.sync();
    await until(
      () =>
        rows<{ n: number }>(core, "SELECT count(*) n FROM outbox WHERE status='in_flight'")[0]!
          .n === 5,
    );
    const victim = m[9]!; // its op is in chunk 2: read into memory, still pending, attempts 0
    await core.call('visitors:update', {
      localId: victim.local_id,
      patch: { phone: '+1 555 0100' },
    });
    await run;
    const l = local(victim.local_id)!;
    await core.sync.sync();
    expect(l.phone).toBe('+1 555 0100');
    expect((await storedVisitors(srv)).get(victim.server_id)!.phone).toBe('+1 555 0100'); // fails: never sent
  });

  it('a delete made while the create waits for a later chunk keeps the record off the server', async () => {
    srv = await server({ seed: 0 });
    core = consoleFor(srv, { chunkSize: 1 });
    await core.sync.sync();
    await core.call('visitors:create', { values: { name: 'First' } });
    const doomed = await core.call('visitors:create', { values: { name: 'Deleted Locally' } });
    arm(srv, { delayResponses: { count: 1, ms: 300 } });
    const run = core.sync.sync();
    await until(
      () =>
        rows<{ n: number }>(core, "SELECT count(*) n FROM outbox WHERE status='in_flight'")[0]!
          .n === 1,
    );
    await core.call('visitors:delete', { localId: doomed.localId });
    await run;
    await core.sync.sync();
    const names = [...(await storedVisitors(srv)).values()].map((v) => v.name);
    expect(names).not.toContain('Deleted Locally');
  });

  it('a server change made between our pull and our push reaches the mirror', async () => {
    srv = await server({ seed: 3 });
    core = consoleFor(srv);
    await core.sync.sync();
    const v = rows<{ local_id: string; server_id: string }>(
      core,
      'SELECT local_id, server_id FROM visitors LIMIT 1',
    )[0]!;
    await core.call('visitors:update', { localId: v.local_id, patch: { title: 'Local title' } });
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [{ id: v.server_id, data: { phone: '+44 20 7946 0000' } }],
    });
    // the pull of this run fails (a 500 is not fatal), the push goes on
    arm(srv, { failRequests: { count: 1, status: 500, route: 'changes', retryAfterSeconds: 0 } });
    await core.sync.sync();
    await core.sync.sync();
    await core.sync.sync();
    const sv = (await storedVisitors(srv)).get(v.server_id)!;
    const l = local(v.local_id)!;
    expect(l.phone).toBe(sv.phone);
  });

  it('two pulls while an update waits: the mirror ends with the latest server value', async () => {
    srv = await server({ seed: 3 });
    core = consoleFor(srv);
    await core.sync.sync();
    const v = rows<{ local_id: string; server_id: string }>(
      core,
      'SELECT local_id, server_id FROM visitors LIMIT 1',
    )[0]!;
    await core.call('visitors:update', { localId: v.local_id, patch: { title: 'Local title' } });
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [{ id: v.server_id, data: { phone: 'P1' } }],
    });
    arm(srv, { failRequests: { count: 1, status: 503, route: 'bulk-sync', retryAfterSeconds: 0 } });
    await core.sync.sync(); // pull merges P1, push 503 -> retrying
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [{ id: v.server_id, data: { phone: 'P2' } }],
    });
    await new Promise((r) => setTimeout(r, 100));
    await core.sync.sync(); // the pull takes P2 and keeps the local title; the push applies the title
    await core.sync.sync();
    const sv = (await storedVisitors(srv)).get(v.server_id)!;
    const l = local(v.local_id)!;
    expect(sv).toMatchObject({ phone: 'P2', title: 'Local title' });
    expect(l).toMatchObject({
      phone: 'P2',
      title: 'Local title',
      server_version: sv.version,
      dirty: 0,
    });
  });

  it('an update or delete after a failed create fails with the reason instead of waiting forever', async () => {
    srv = await server({ seed: 0 });
    core = consoleFor(srv);
    await core.sync.sync();
    const a = await core.call('visitors:create', { values: { name: 'Bad A' } });
    const b = await core.call('visitors:create', { values: { name: 'Bad B' } });
    arm(srv, {
      failOperations: {
        localIdPrefix: a.localId.slice(0, 8),
        error: { code: 'validation', message: 'data.name: no', retryable: false },
      },
    });
    await core.sync.sync();
    srv.faults.clear();
    await core.call('visitors:update', { localId: a.localId, patch: { title: 'later' } });
    await core.call('visitors:delete', { localId: b.localId });
    for (let i = 0; i < 3; i++) await core.sync.sync();
    const ob = rows(core, 'SELECT local_id, action, status, attempts FROM outbox ORDER BY seq');
    expect(ob.filter((o) => (o as { status: string }).status === 'pending')).toEqual([]);
  });

  it('cancel with background syncs on stays cancelled', async () => {
    srv = await server({ seed: 5 });
    core = consoleFor(srv, { chunkSize: 5 });
    await core.sync.sync();
    for (let i = 0; i < 20; i++) await core.call('visitors:create', { values: { name: `C${i}` } });
    arm(srv, { delayResponses: { count: 100, ms: 150 } });
    core.sync.startBackground();
    const run = core.sync.sync();
    await until(
      () =>
        rows<{ n: number }>(core, "SELECT count(*) n FROM outbox WHERE status='in_flight'")[0]!.n >
        0,
    );
    core.sync.cancel();
    await run;
    await new Promise((r) => setTimeout(r, 100));
    const h = core.sync.history(3).map((r) => `${r.trigger}:${r.outcome}`);
    core.sync.stopBackground();
    await until(() => !core.sync.status().running);
    expect(h[0]).toBe('manual:cancelled');
  });

  it('a create whose reply was lost, then edited elsewhere: the mirror ends at the version the server holds', async () => {
    srv = await server({ seed: 0 });
    core = consoleFor(srv);
    await core.sync.sync();
    const c = await core.call('visitors:create', { values: { name: 'Lost Reply' } });
    arm(srv, { dropResponses: { count: 1 } });
    await core.sync.sync();
    const id = [...(await storedVisitors(srv)).values()].find((v) => v.name === 'Lost Reply')!
      .id as string;
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [{ id, data: { title: 'Set elsewhere' } }],
    });
    await new Promise((r) => setTimeout(r, 60));
    await core.sync.sync();
    await core.sync.sync();
    const l = local(c.localId)!;
    const sv = (await storedVisitors(srv)).get(id)!;
    expect(l.title).toBe('Set elsewhere');
    expect(l.server_version).toBe(sv.version);
    expect(rows(core, "SELECT count(*) AS n FROM visitors WHERE name = 'Lost Reply'")).toEqual([
      { n: 1 },
    ]);
  });
});
