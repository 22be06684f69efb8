import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import { makeCore, type TestCore } from '../../fixtures/core';
import { FAST, rows, server } from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

const DAY = 24 * 3_600_000;

async function mirroredCore(clock?: { now(): Date }): Promise<TestCore> {
  srv = await server({ seed: 5 });
  const c = makeCore({ settings: () => FAST, ...(clock ? { clock } : {}) });
  c.sync.configure({ serverUrl: srv.url, token: 'staff-token' });
  expect((await c.sync.sync()).pulled).toBe(5);
  return c;
}

async function editOne(c: TestCore, title: string): Promise<string> {
  const [row] = rows<{ local_id: string }>(c, 'SELECT local_id FROM visitors LIMIT 1');
  await c.call('visitors:update', { localId: row!.local_id, patch: { title } });
  return row!.local_id;
}

describe("the run's end", () => {
  it('a retry scheduled while the clock ran 24 h fast is due once the clock is right again', async () => {
    let offset = DAY;
    core = await mirroredCore({ now: () => new Date(Date.now() + offset) });
    await editOne(core, 'Clock');
    srv.faults.set(
      FaultsRequestSchema.parse({
        failRequests: { count: 1, status: 503, retryAfterSeconds: 0, route: 'bulk-sync' },
      }),
    );
    expect((await core.sync.sync()).retried).toBe(1);
    const [{ next }] = rows<{ next: string }>(
      core,
      "SELECT next_attempt_at AS next FROM outbox WHERE status = 'retrying'",
    ) as [{ next: string }];
    expect(Date.parse(next) - Date.now()).toBeGreaterThan(DAY - 60_000);
    offset = 0; // the clock is put right
    expect(Date.parse(core.sync.status().nextRetryAt!)).toBeLessThanOrEqual(Date.now());
    const after = await core.sync.sync();
    expect(after).toMatchObject({ updated: 1, retrying: 0, pending: 0 });
  });

  it('a full disk while the run ends leaves no run "running": the next sync goes ahead', async () => {
    core = await mirroredCore();
    await editOne(core, 'Disk');
    // A real SQLITE_FULL at the run's last write: the database may grow by a few
    // pages only, and writing the last-sync time drags in a megabyte.
    core.db.exec(`
      CREATE TABLE filler (x BLOB);
      CREATE TRIGGER fill_on_end AFTER UPDATE ON sync_state WHEN NEW.key = 'lastSyncAt'
      BEGIN INSERT INTO filler VALUES (randomblob(1000000)); END;
      CREATE TRIGGER fill_on_first_end AFTER INSERT ON sync_state WHEN NEW.key = 'lastSyncAt'
      BEGIN INSERT INTO filler VALUES (randomblob(1000000)); END;`);
    const pages = core.db.pragma('page_count', { simple: true }) as number;
    core.db.pragma(`max_page_count = ${pages + 8}`);
    const lastBefore = rows<{ value: string }>(
      core,
      "SELECT value FROM sync_state WHERE key = 'lastSyncAt'",
    )[0]!.value;

    const full = await core.sync.sync();
    expect(full.outcome).toBe('failed');
    expect(full.lastError).toMatchObject({ code: 'disk_full', retryable: true });
    expect(full.lastError!.message).toMatch(/disk .* is full/);
    expect(core.sync.status().running).toBe(false);
    // The update did reach the server and was settled; only the run's end was lost.
    expect(full.updated).toBe(1);
    expect(
      rows<{ value: string }>(core, "SELECT value FROM sync_state WHERE key = 'lastSyncAt'")[0]!
        .value,
    ).toBe(lastBefore);

    core.db.exec('DROP TRIGGER fill_on_end; DROP TRIGGER fill_on_first_end;');
    core.db.pragma('max_page_count = 1073741823');
    const next = await core.sync.sync();
    expect(next.outcome).toBe('success');
    expect(core.sync.history(5).map((r) => r.outcome)).toEqual(
      expect.arrayContaining(['success', 'failed']),
    );
  });

  it('a run that ends on an unexpected error is recorded as failed, with the error, and does not move lastSyncAt', async () => {
    core = await mirroredCore();
    await editOne(core, 'Broken');
    const before = rows<{ value: string }>(
      core,
      "SELECT value FROM sync_state WHERE key = 'lastSyncAt'",
    )[0]!.value;
    // Settling the reply hits an error no protocol rule knows.
    core.db.exec(`CREATE TRIGGER broken BEFORE DELETE ON outbox
      BEGIN SELECT RAISE(ABORT, 'settling went wrong'); END;`);
    const run = await core.sync.sync();
    expect(run.outcome).toBe('failed');
    expect(run.lastError).toMatchObject({ code: 'internal' });
    expect(run.lastError!.message).toMatch(/settling went wrong/);
    const [last] = core.sync.history(1);
    expect(last).toMatchObject({ outcome: 'failed', lastError: { code: 'internal' } });
    expect(
      rows<{ value: string }>(core, "SELECT value FROM sync_state WHERE key = 'lastSyncAt'")[0]!
        .value,
    ).toBe(before);
    expect(core.sync.status().running).toBe(false);
    // Once the fault is gone, the same operation goes through exactly once.
    core.db.exec('DROP TRIGGER broken');
    const again = await core.sync.sync();
    expect(again.updated).toBe(1);
    expect(rows(core, 'SELECT * FROM outbox')).toEqual([]);
  });
});
