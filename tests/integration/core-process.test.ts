import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/ipc/jobs-contract';
import type { RunningServer } from '../../server/index';
import {
  coreConfig,
  mirrorInto,
  removeDir,
  spawnCoreProcess,
  type CoreProcess,
} from '../fixtures/core-process';
import { makeCore } from '../fixtures/core';
import { seedConflicts } from '../fixtures/conflicts';
import { makeVisitors } from '../fixtures/visitors';
import { ADMIN, adminPost, FAST, server, storedVisitors, until } from './sync/helpers';

/**
 * The core as the app runs it: its own process, reached only over a message
 * channel (a Node child process here, Electron's utilityProcess in the app).
 */

let cores: CoreProcess[] = [];
let dirs: string[] = [];
let srv: RunningServer | undefined;

afterEach(async () => {
  for (const c of cores) await c.stop();
  cores = [];
  dirs.forEach(removeDir);
  dirs = [];
  await srv?.stop();
  srv = undefined;
});

function spawn(config: ReturnType<typeof coreConfig>): CoreProcess {
  const core = spawnCoreProcess(config);
  cores.push(core);
  return core;
}

function config(opts: Parameters<typeof coreConfig>[0] = {}) {
  const c = coreConfig(opts);
  if (!dirs.includes(c.dir)) dirs.push(c.dir);
  return c;
}

const count = (dbPath: string, sql: string): number => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

const jobEvents = (core: CoreProcess) =>
  core.events.filter((e) => e.event === 'jobs:progress').map((e) => e.payload as JobProgress);

/** `n` synthetic field conflicts written into a fresh database (no server needed). */
function withConflicts(n: number) {
  const cfg = config();
  const seeding = makeCore({ dbPath: cfg.dbPath });
  seedConflicts(seeding, n);
  seeding.close();
  return cfg;
}

const RULE = {
  type: 'rules',
  rules: { fields: { phone: 'client', title: 'server' }, default: 'merge' },
} as const;

describe('the core in its own process', () => {
  it('answers over the message channel, pushes its events, and refuses what is not a call', async () => {
    const cfg = config();
    mirrorInto(cfg.dbPath, makeVisitors(25, 4));
    const core = spawn(cfg);
    expect(await core.started).toEqual({ t: 'started', ok: true });
    expect(await core.call('visitors:count', { search: '' })).toEqual({ total: 25 });
    const row = await core.call('visitors:create', { values: { name: 'Ada', interests: [] } });
    expect(core.events.map((e) => e.event)).toContain('visitors:changed');
    expect(count(cfg.dbPath, 'SELECT count(*) AS n FROM outbox')).toBe(1);
    expect((await core.call('visitors:get', { localId: row.localId })).name).toBe('Ada');
    expect(await core.raw('visitors:get', { localId: 'x'.repeat(5_000_000) })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await core.raw('fs:readFile', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
  });

  it('answers only on the ports its parent handed over', async () => {
    const core = spawn(config());
    await core.started;
    const rogue: unknown[] = [];
    // A "port" the parent never announced: its messages reach the process, nobody serves them.
    core.listen('window:rogue', (m) => rogue.push(m));
    core.sendUnannounced('window:rogue', { t: 'call', id: 1, channel: 'app:info', request: {} });
    // A control message that is not one: refused, nothing else happens.
    core.control({ t: 'window', port: 'window:rogue' });
    const port = core.openWindow('second');
    const replies: unknown[] = [];
    port.listen((m) => replies.push(m));
    port.post({ t: 'call', id: 9, channel: 'app:info', request: {} });
    await until(() => replies.length === 1);
    expect(replies[0]).toMatchObject({ t: 'reply', id: 9, result: { ok: true } });
    expect(rogue).toEqual([]);
  });

  it('pages visitors and conflicts while a bulk apply runs, reports progress, and a cancel undoes all of it', async () => {
    const N = 20_000;
    const cfg = withConflicts(N);
    const core = spawn(cfg);
    await core.started;
    const outboxBefore = count(cfg.dbPath, 'SELECT count(*) AS n FROM outbox');

    let applied = false;
    const apply = core.call('conflicts:apply', { target: { filter: {} }, decision: RULE });
    void apply.then(() => (applied = true));
    await until(() => jobEvents(core).some((p) => p.state === 'running' && p.done > 0), 60_000);
    // Reads answer while the apply holds its transaction, and see none of its work yet.
    let pagesDuringApply = 0;
    while (!applied && pagesDuringApply < 5) {
      const page = await core.call('conflicts:page', { offset: 0, limit: 50 });
      const visitors = await core.call('visitors:page', { offset: 1000, limit: 100 });
      if (applied) break;
      expect(page.rows).toHaveLength(50);
      expect(visitors.rows).toHaveLength(100);
      expect((await core.call('conflicts:count', { filter: {} })).open).toBe(N);
      pagesDuringApply++;
    }
    expect(pagesDuringApply).toBeGreaterThan(0);
    const result = await apply;
    expect(result.resolvable).toBe(N);
    const running = jobEvents(core).filter((p) => p.kind === 'bulk_apply' && p.state === 'running');
    expect(running.length).toBeGreaterThan(1);
    expect(running.every((p) => p.total === N && p.unit === 'conflicts')).toBe(true);
    const dones = running.map((p) => p.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(jobEvents(core).at(-1)).toMatchObject({ kind: 'bulk_apply', state: 'done' });
    expect((await core.call('conflicts:count', { filter: {} })).open).toBe(0);

    // Undo, then an apply cancelled halfway: nothing of it stays.
    await core.call('conflicts:undo', {});
    expect((await core.call('conflicts:count', { filter: {} })).open).toBe(N);
    const before = jobEvents(core).length;
    const second = core.raw('conflicts:apply', { target: { filter: {} }, decision: RULE });
    await until(() =>
      jobEvents(core)
        .slice(before)
        .some((p) => p.kind === 'bulk_apply' && p.state === 'running' && p.done > 0),
    );
    const job = jobEvents(core)
      .slice(before)
      .find((p) => p.kind === 'bulk_apply')!;
    expect(await core.call('jobs:cancel', { jobId: job.jobId })).toEqual({ cancelled: true });
    expect(await second).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(jobEvents(core).at(-1)).toMatchObject({ jobId: job.jobId, state: 'cancelled' });
    expect((await core.call('conflicts:count', { filter: {} })).open).toBe(N);
    expect(count(cfg.dbPath, 'SELECT count(*) AS n FROM outbox')).toBe(outboxBefore);
    expect(await core.call('jobs:list', {})).toEqual([]);
  });

  it('a write that arrives during a bulk apply waits its turn and is saved after it', async () => {
    const cfg = withConflicts(8_000);
    const core = spawn(cfg);
    await core.started;
    const apply = core.call('conflicts:apply', { target: { filter: {} }, decision: RULE });
    await until(() => jobEvents(core).some((p) => p.state === 'running' && p.done > 0), 60_000);
    const created = await core.call('visitors:create', { values: { name: 'Late', interests: [] } });
    expect((await apply).resolvable).toBe(8_000);
    expect((await core.call('visitors:get', { localId: created.localId })).name).toBe('Late');
  });
});

describe('the core process killed mid-work, then started again', () => {
  /** `n` real conflicts: both sides edited title and phone of n mirrored records. */
  async function realConflicts(n: number) {
    srv = await server({ seed: n });
    const cfg = config({ syncSettings: FAST });
    const core = spawn(cfg);
    await core.started;
    await core.call('sync:connect', { serverUrl: srv.url, token: ADMIN });
    await core.call('sync:start', {});
    const mirrored = new Database(cfg.dbPath, { readonly: true })
      .prepare('SELECT local_id, server_id FROM visitors ORDER BY server_id')
      .all() as { local_id: string; server_id: string }[];
    for (const m of mirrored)
      await core.call('visitors:update', {
        localId: m.local_id,
        patch: { title: `Ours ${m.server_id.slice(-6)}`, phone: '+1-555-0100' },
      });
    await adminPost(srv, '/api/admin/visitors', {
      visitors: mirrored.map((m) => ({ id: m.server_id, data: { title: 'Theirs', phone: '+44' } })),
    });
    expect((await core.call('sync:start', {})).conflicts).toBe(n);
    return { cfg, core, mirrored };
  }

  it('mid bulk apply: nothing is half applied; applied again and synced, each decision reaches the server once', async () => {
    const N = 3_000;
    const { cfg, core, mirrored } = await realConflicts(N);
    const outboxBefore = count(cfg.dbPath, 'SELECT count(*) AS n FROM outbox');
    const clientWins = { type: 'resolution', resolution: { strategy: 'client_wins' } } as const;
    void core.raw('conflicts:apply', { target: { filter: {} }, decision: clientWins });
    await until(() => jobEvents(core).some((p) => p.state === 'running' && p.done > 100), 60_000);
    await core.kill('SIGKILL');

    const again = spawn(cfg);
    await again.started;
    expect((await again.call('conflicts:count', { filter: {} })).open).toBe(N);
    expect(count(cfg.dbPath, 'SELECT count(*) AS n FROM outbox')).toBe(outboxBefore);
    expect(count(cfg.dbPath, 'SELECT count(*) AS n FROM resolve_batches')).toBe(0);
    expect(count(cfg.dbPath, 'SELECT count(*) AS n FROM audit')).toBe(0);

    const before = await storedVisitors(srv!);
    expect(
      (await again.call('conflicts:apply', { target: { filter: {} }, decision: clientWins }))
        .resolvable,
    ).toBe(N);
    await again.call('sync:connect', { serverUrl: srv!.url, token: ADMIN });
    const summary = await again.call('sync:start', {});
    expect(summary).toMatchObject({ outcome: 'success', updated: N, conflicts: 0 });
    const after = await storedVisitors(srv!);
    for (const m of mirrored) {
      const v = after.get(m.server_id)!;
      expect(v.title).toBe(`Ours ${m.server_id.slice(-6)}`);
      // One more version on the server: the decision was applied exactly once.
      expect(v.version).toBe((before.get(m.server_id)!.version as number) + 1);
    }
    expect(count(cfg.dbPath, 'SELECT count(*) AS n FROM outbox')).toBe(0);
  });

  it('mid push: the next start sends what was left, and every operation is on the server exactly once', async () => {
    const N = 3_000;
    srv = await server();
    const cfg = config({ syncSettings: { ...FAST, chunkSize: 50 } });
    const seeding = makeCore({ dbPath: cfg.dbPath });
    for (let i = 0; i < N; i++)
      await seeding.call('visitors:create', {
        values: { name: `Pushed ${i}`, email: `p${i}@example.org`, interests: [] },
      });
    seeding.close();
    // Each reply held back after the server committed the chunk: the kill lands on a lost answer.
    await adminPost(srv, '/api/admin/faults', { delayResponses: { count: 1000, ms: 60 } });

    const core = spawn(cfg);
    await core.started;
    await core.call('sync:connect', { serverUrl: srv.url, token: ADMIN });
    void core.raw('sync:start', {});
    const applied = async () => (await srv!.store.read((tx) => tx.stats())).appliedOps;
    for (let i = 0; i < 600 && (await applied()) < N / 3; i++)
      await new Promise((r) => setTimeout(r, 50));
    await core.kill('SIGKILL');
    expect(await applied()).toBeGreaterThan(0);
    expect(await applied()).toBeLessThan(N);

    await adminPost(srv, '/api/admin/faults', { delayResponses: null });
    const again = spawn(cfg);
    await again.started;
    await again.call('sync:connect', { serverUrl: srv.url, token: ADMIN });
    const summary = await again.call('sync:start', {});
    expect(summary.outcome).toBe('success');
    expect(await applied()).toBe(N);
    const names = [...(await storedVisitors(srv)).values()].map((v) => v.name);
    expect(names).toHaveLength(N);
    expect(new Set(names).size).toBe(N);
    expect(count(cfg.dbPath, 'SELECT count(*) AS n FROM outbox')).toBe(0);
    expect(count(cfg.dbPath, 'SELECT count(*) AS n FROM visitors WHERE server_id IS NULL')).toBe(0);
  });
});
