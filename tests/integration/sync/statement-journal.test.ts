import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { consoleFor, makeLocalChanges, rows, server, until } from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

/** SQLite's temp_store: 0 the build's default (a file), 2 memory. */
const tempStore = () => core.db.pragma('temp_store', { simple: true }) as number;
const mirrored = () => rows<{ n: number }>(core, 'SELECT count(*) AS n FROM visitors')[0]!.n;

// The visitors table has the search index's triggers, so every pulled
// record's upsert takes a statement journal; on file that is a temporary-file
// write per record, most of a first mirror's time (tests/bench/README.md, T1).
describe('statement journals during a run', () => {
  it('stay in memory while pages are pulled and chunks pushed, and the setting comes back after', async () => {
    srv = await server({ seed: 30, changesPageSize: 10 });
    core = consoleFor(srv, { pageSize: 10, chunkSize: 5 });
    const before = tempStore();
    expect(before).not.toBe(2);
    // Every reply held back a little: the run is caught between pages.
    srv.faults.set(FaultsRequestSchema.parse({ delayResponses: { count: 100, ms: 150 } }));
    const first = core.sync.sync();
    await until(() => mirrored() >= 10);
    expect(mirrored()).toBeLessThan(30);
    expect(tempStore()).toBe(2);
    expect((await first).pulled).toBe(30);
    expect(tempStore()).toBe(before);

    await makeLocalChanges(core, { creates: 10, updates: 0, deletes: 0 }, 'Journal');
    const second = core.sync.sync();
    // Caught while a chunk is out (the replies are still held back): the push, not the pull.
    const inFlight = () =>
      rows<{ n: number }>(core, "SELECT count(*) AS n FROM outbox WHERE status = 'in_flight'")[0]!
        .n;
    await until(() => inFlight() > 0);
    expect(tempStore()).toBe(2);
    expect((await second).created).toBe(10);
    expect(tempStore()).toBe(before);
  });

  it('a run that fails gives the setting back too', async () => {
    srv = await server({ seed: 5 });
    core = consoleFor(srv);
    const before = tempStore();
    await srv.stop();
    const summary = await core.sync.sync();
    expect(summary.outcome).toBe('failed');
    expect(tempStore()).toBe(before);
  });
});
