import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema } from '../../../server/faults';
import type { RunningServer } from '../../../server/index';
import type { SyncProgress } from '../../../shared/ipc/contract';
import type { TestCore } from '../../fixtures/core';
import { makeCore } from '../../fixtures/core';
import { FAST, expectExactlyOnce, makeLocalChanges, rows, server, STAFF } from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

describe('at scale', () => {
  it('mirrors 50 000 visitors through the paged feed, one transaction per page, with progress', async () => {
    srv = await server({ seed: 50_000, changesPageSize: 5_000 });
    const progress: SyncProgress[] = [];
    core = makeCore({
      settings: () => ({ ...FAST, pageSize: 5_000 }),
      onEvent: (event, payload) =>
        event === 'sync:progress' && progress.push(payload as SyncProgress),
    });
    core.sync.configure({ serverUrl: srv.url, token: STAFF });
    const summary = await core.sync.sync();
    expect(summary).toMatchObject({ outcome: 'success', pulled: 50_000 });
    expect(
      rows(
        core,
        'SELECT count(*) AS n, count(DISTINCT server_id) AS ids, sum(dirty) AS dirty FROM visitors',
      ),
    ).toEqual([{ n: 50_000, ids: 50_000, dirty: 0 }]);
    // Every record carries its version and its merge base.
    expect(
      rows(core, 'SELECT count(*) AS n FROM visitors WHERE server_version IS NULL OR base IS NULL'),
    ).toEqual([{ n: 0 }]);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', pulled: 50_000 });
    // An incremental pull afterwards brings only what changed.
    await srv.simulate({ edits: 25, deletes: 5, creates: 10 });
    const again = await core.sync.sync();
    expect(again.pulled).toBe(40);
    expect(rows(core, 'SELECT count(*) AS n FROM visitors')).toEqual([{ n: 50_005 }]);
  }, 300_000);

  it('pushes 10 000 mixed operations in chunks with live progress, each exactly once', async () => {
    srv = await server({ seed: 4_000 });
    const progress: SyncProgress[] = [];
    core = makeCore({
      settings: () => ({ ...FAST, chunkSize: 500 }),
      onEvent: (event, payload) =>
        event === 'sync:progress' && progress.push(payload as SyncProgress),
    });
    core.sync.configure({ serverUrl: srv.url, token: STAFF });
    await core.sync.sync();
    const scenario = await makeLocalChanges(
      core,
      { creates: 6_000, updates: 3_000, deletes: 1_000 },
      'Scale',
    );
    // Progress is timed (every 250 ms), not per chunk, and a fast machine
    // pushes 10 000 operations in under a second: each of the 20 replies is
    // held 150 ms so the push lasts 3 s or more on any machine, and the
    // events below are a measure of liveness, not of the machine's speed.
    srv.faults.set(FaultsRequestSchema.parse({ delayResponses: { count: 20, ms: 150 } }));
    const summary = await core.sync.sync();
    expect(summary.lastError).toBeNull();
    expect(summary).toMatchObject({
      outcome: 'success',
      created: 6_000,
      updated: 3_000,
      deleted: 1_000,
      conflicts: 0,
      pending: 0,
    });
    // Live events during the push (one every 250 ms), counting up, then the final one.
    const push = progress.filter((p) => p.phase === 'push');
    expect(push.length).toBeGreaterThanOrEqual(8);
    expect(push.map((p) => p.done)).toEqual([...push.map((p) => p.done)].sort((a, b) => a - b));
    expect(push.some((p) => p.opsPerSecond > 0 && p.etaSeconds !== null && p.chunk > 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({
      phase: 'done',
      chunks: 20,
      chunk: 20,
      done: 10_000,
      total: 10_000,
      created: 6_000,
    });
    await expectExactlyOnce(srv, core, scenario);
  }, 300_000);
});
