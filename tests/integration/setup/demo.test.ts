import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import { makeCore, type TestCore } from '../../fixtures/core';
import { STAFF, server, storedVisitors } from '../sync/helpers';

/** The demo default: the real reference server inside this process, the real engine, a real SQLite file. */
let core: TestCore | null = null;
let real: RunningServer | null = null;
afterEach(async () => {
  core?.dispose();
  core = null;
  await real?.stop();
  real = null;
});

const n = (c: TestCore, sql: string) => (c.db.prepare(sql).get() as { n: number }).n;

describe('the demo', () => {
  it('starts the server on 127.0.0.1, mirrors it, and leaves conflicts of each kind and a retrying create', async () => {
    core = makeCore({ firstRun: true, ports: { demoVisitors: 300 } });
    const status = await core.call('setup:startDemo', {});
    expect(status).toMatchObject({ state: 'running', step: 'ready', visitors: 300, error: null });
    expect(status.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(core.dir, 'demo-server.sqlite'))).toBe(true);

    const state = await core.call('setup:state', {});
    expect(state).toMatchObject({ welcome: false, connection: { kind: 'demo' } });

    // the mirror holds the generated visitors (plus the simulator's and the demo's creates)
    expect(
      n(core, 'SELECT count(*) n FROM visitors WHERE server_id IS NOT NULL'),
    ).toBeGreaterThanOrEqual(300);
    // the scripted day: 12 title conflicts, 3 updates of deleted records, 1 delete of an edited one
    const kinds = core.db
      .prepare("SELECT kind, count(*) n FROM conflicts WHERE status = 'open' GROUP BY 1 ORDER BY 1")
      .all();
    expect(status.conflicts).toBeGreaterThanOrEqual(16);
    expect(kinds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'field' }),
        expect.objectContaining({ kind: 'update_deleted' }),
        expect.objectContaining({ kind: 'delete_modified' }),
      ]),
    );
    expect(status.retrying).toBe(1);
    // the retried create goes through by itself on its third attempt (background retries)
    await expect
      .poll(() => n(core!, "SELECT count(*) n FROM outbox WHERE status IN ('retrying','failed')"), {
        timeout: 20_000,
        interval: 250,
      })
      .toBe(0);
    const runs = core.db.prepare('SELECT trigger, outcome FROM sync_runs ORDER BY id').all();
    expect(runs.slice(0, 2)).toEqual([
      { trigger: 'demo', outcome: 'success' },
      { trigger: 'demo', outcome: 'partial' },
    ]);
  });

  it('refuses to connect to a real server while the demo owns the database', async () => {
    core = makeCore({ firstRun: true, ports: { demoVisitors: 60 } });
    await core.call('setup:startDemo', {});
    const r = await core.raw('setup:connect', { serverUrl: 'http://127.0.0.1:9', token: 'abc' });
    expect(r).toMatchObject({ ok: false, error: { code: 'demo_running' } });
  });

  // "Demo visitors must never reach a real server" (issue 7), whichever channel is used.
  it('refuses to point a running demo at a real server through any channel', async () => {
    core = makeCore({ firstRun: true, ports: { demoVisitors: 60 } });
    await core.call('setup:startDemo', {});
    // A real server with a longer history than the demo's (its change cursor is further on).
    real = await server({ seed: 500 });
    expect(await core.raw('setup:connect', { serverUrl: real.url, token: STAFF })).toMatchObject({
      ok: false,
      error: { code: 'demo_running' },
    });
    // The demo's scripted create (made to fail twice on the demo server) is still queued.
    const queued = core.db
      .prepare("SELECT count(*) AS n FROM outbox WHERE action = 'create' AND status = 'retrying'")
      .get() as { n: number };
    expect(queued.n).toBe(1);
    // The same thing through the Sync screen's channel (ConnectionCard → sync-store → sync:connect):
    const r = await core.raw('sync:connect', { serverUrl: real.url, token: STAFF });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'demo_running',
        message: expect.stringContaining('Leave the demo') as string,
        retryable: false,
      },
    });
    if (r.ok) {
      core.db.prepare("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z'").run();
      for (let i = 0; i < 200 && core.sync.status().running; i++)
        await new Promise((res) => setTimeout(res, 25));
      await core.call('sync:start', {});
    }
    const onReal = await storedVisitors(real);
    const demoNames = [...onReal.values()].filter((v) =>
      ['Ada Brightwater', 'Tomás Okafor', 'Mei Lindqvist'].includes(v.name as string),
    );
    expect({ accepted: r.ok, demoVisitorsOnRealServer: demoNames.length }).toEqual({
      accepted: false,
      demoVisitorsOnRealServer: 0,
    });
    // The engine still points at the demo server.
    expect(core.sync.status().serverUrl).toBe((await core.call('setup:state', {})).demo.serverUrl);
  });
});
