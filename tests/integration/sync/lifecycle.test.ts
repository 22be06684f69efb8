import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import { makeCore, type TestCore } from '../../fixtures/core';
import {
  FAST,
  STAFF,
  consoleFor,
  drain,
  expectExactlyOnce,
  makeLocalChanges,
  rows,
  server,
  until,
} from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

describe('one run at a time, cancellable, online-aware', () => {
  it('answers a second request that a sync is in progress, and cancels on request', async () => {
    srv = await server({ seed: 50 });
    core = consoleFor(srv, { chunkSize: 10 });
    await core.sync.sync();
    const scenario = await makeLocalChanges(
      core,
      { creates: 60, updates: 0, deletes: 0 },
      'Cancel',
    );
    srv.faults.set(FaultsRequestSchema.parse({ delayResponses: { count: 100, ms: 150 } }));
    const running = core.sync.sync();
    await until(() => core.sync.status().running);
    await expect(core.sync.sync()).rejects.toMatchObject({
      error: { code: 'sync_in_progress', retryable: true },
    });
    expect((await core.raw('sync:start', {})).ok).toBe(false);
    // A chunk settled (the next is claimed before its reply, so the pending
    // count alone does not say one has).
    await until(() => (core.sync.status().progress?.created ?? 0) >= 10);
    expect(core.sync.cancel()).toBe(true);
    const cancelled = await running;
    expect(cancelled.outcome).toBe('cancelled');
    expect(cancelled.created).toBeGreaterThan(0);
    expect(cancelled.created).toBeLessThan(60);
    expect(core.sync.cancel()).toBe(false);
    srv.faults.clear();
    await new Promise((r) => setTimeout(r, 300)); // the cut request may still land on the server
    await drain(core);
    await expectExactlyOnce(srv, core, scenario);
  });

  it('offline pauses the run and refuses new ones; back online, a sync starts by itself', async () => {
    srv = await server({ seed: 20 });
    core = consoleFor(srv, { chunkSize: 5 });
    await core.sync.sync();
    const scenario = await makeLocalChanges(
      core,
      { creates: 30, updates: 0, deletes: 0 },
      'Offline',
    );
    srv.faults.set(FaultsRequestSchema.parse({ delayResponses: { count: 100, ms: 100 } }));
    const running = core.sync.sync();
    await until(() => core.sync.status().progress?.created === 5);
    core.sync.setOnline(false);
    expect((await running).outcome).toBe('cancelled');
    await expect(core.sync.sync()).rejects.toMatchObject({ error: { code: 'offline' } });
    expect(core.sync.status().online).toBe(false);
    srv.faults.clear();
    core.sync.setOnline(true);
    await until(
      () =>
        core.sync.history(1)[0]?.trigger === 'online' &&
        core.sync.history(1)[0]?.finishedAt !== null,
    );
    await drain(core);
    await expectExactlyOnce(srv, core, scenario);
    expect(
      core.events.some(
        (e) => e.event === 'sync:status' && (e.payload as { online: boolean }).online === false,
      ),
    ).toBe(true);
  });

  it('runs background syncs on the interval, and a retry run when a retry falls due', async () => {
    srv = await server({ seed: 5 });
    const settings = { ...FAST, autoSyncIntervalMs: 150 };
    core = makeCore({ settings: () => settings });
    core.sync.configure({ serverUrl: srv.url, token: STAFF });
    core.sync.startBackground();
    await until(() => core.sync.history(10).filter((r) => r.trigger === 'interval').length >= 2);
    core.sync.stopBackground();

    settings.autoSyncIntervalMs = 0;
    await until(() => !core.sync.status().running);
    const row = await core.call('visitors:create', {
      values: { name: 'Retried in the background' },
    });
    srv.faults.set(
      FaultsRequestSchema.parse({ failOperations: { localIdPrefix: row.localId, count: 1 } }),
    );
    core.sync.startBackground();
    const first = await core.sync.sync();
    expect(first.retrying).toBe(1);
    await until(() => rows(core, 'SELECT * FROM outbox').length === 0);
    expect(core.sync.history(5).some((r) => r.trigger === 'retry' && r.created === 1)).toBe(true);
  });

  it('refuses to run with no server set up, in words', async () => {
    core = makeCore();
    await expect(core.sync.sync()).rejects.toMatchObject({ error: { code: 'not_configured' } });
    expect(core.sync.status()).toMatchObject({ configured: false, running: false, lastRun: null });
  });
});

describe('after a crash', () => {
  it('marks the unfinished run interrupted and sends what was in flight again, once', async () => {
    srv = await server({ seed: 30 });
    core = consoleFor(srv);
    await core.sync.sync();
    const scenario = await makeLocalChanges(core, { creates: 20, updates: 5, deletes: 5 }, 'Crash');
    // Simulate dying after the chunk went out and the server applied it, before the reply was stored:
    // send it for real with a dropped response, then leave the rows as a killed process would.
    srv.faults.set(FaultsRequestSchema.parse({ dropResponses: { count: 1 } }));
    core.db.exec(
      "INSERT INTO sync_runs (trigger, started_at) VALUES ('manual', '2026-01-01T00:00:00.000Z')",
    );
    const sent = await core.sync.sync();
    expect(sent.retried).toBe(30);
    core.db.exec("UPDATE outbox SET status = 'in_flight'");
    const { dbPath } = core;
    core.close();
    core = makeCore({ dbPath, settings: () => FAST });
    expect(rows(core, "SELECT count(*) AS n FROM outbox WHERE status = 'retrying'")).toEqual([
      { n: 30 },
    ]);
    expect(
      rows(core, "SELECT outcome FROM sync_runs WHERE started_at = '2026-01-01T00:00:00.000Z'"),
    ).toEqual([{ outcome: 'interrupted' }]);
    core.sync.configure({ serverUrl: srv.url, token: STAFF });
    await drain(core);
    await expectExactlyOnce(srv, core, scenario);
  });
});

describe('two processes on one database (the app and the CLI)', () => {
  const foreignLease = () => JSON.stringify({ pid: process.ppid, at: Date.now() });

  it('a second console neither disturbs the running sync nor starts its own', async () => {
    srv = await server({ seed: 5 });
    core = consoleFor(srv);
    await core.sync.sync();
    await core.call('visitors:create', { values: { name: 'In flight elsewhere' } });
    // Another live process is mid-run: its operation is in flight and it holds the lease.
    core.db.exec("UPDATE outbox SET status = 'in_flight', attempts = 1");
    core.db
      .prepare("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('runLease', ?)")
      .run(foreignLease());
    const second = makeCore({ dbPath: core.dbPath, settings: () => FAST });
    try {
      expect(rows(second, 'SELECT status FROM outbox')).toEqual([{ status: 'in_flight' }]);
      second.sync.configure({ serverUrl: srv.url, token: STAFF });
      await expect(second.sync.sync()).rejects.toMatchObject({
        error: { code: 'sync_in_progress', message: expect.stringContaining('command-line tool') },
      });
      // The holder finishes (or dies): then the next run takes over and sends it, once.
      core.db.exec("DELETE FROM sync_state WHERE key = 'runLease'");
      await expect(second.sync.sync()).resolves.toMatchObject({
        created: 1,
        pending: 0,
        retrying: 0,
      });
    } finally {
      second.close();
    }
  });
});
