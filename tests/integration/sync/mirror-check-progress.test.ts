import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import { AppErrorException, appError } from '../../../shared/errors';
import { openReader } from '../../../electron/core/db/open';
import {
  integrityHere,
  integrityInWorker,
  type IntegrityCheck,
} from '../../../electron/core/sync/integrity-check';
import { checkMirror, type CheckProgress } from '../../../electron/core/sync/mirror-check';
import { ServerApi } from '../../../electron/core/sync/server-api';
import { VisitorsRepo } from '../../../electron/core/visitors/visitors-repo';
import type { TestCore } from '../../fixtures/core';
import { consoleFor, server, STAFF } from './helpers';

/**
 * The mirror check is a job that promises progress at least every 250 ms
 * and a Cancel. Its two long parts are hashing the mirror's side of each
 * range (a read of thousands of records) and SQLite's integrity_check (one
 * statement: ~3 s at 200 000 visitors). These tests watch where the check
 * reports progress against a real server and a real mirror.
 */

let srv: RunningServer | undefined;
let core: TestCore | undefined;
afterEach(async () => {
  core?.dispose();
  core = undefined;
  await srv?.stop();
  srv = undefined;
});

const RECORDS = 2_000;

async function mirrored(seed = RECORDS) {
  srv = await server({ seed });
  core = consoleFor(srv);
  expect((await core.sync.sync()).pulled).toBe(seed);
  const api = new ServerApi({
    serverUrl: srv.url,
    token: STAFF,
    clientId: 'mirror-check',
    timeoutMs: 30_000,
  });
  return { core, api };
}

const cancelled = () =>
  new AppErrorException(appError('cancelled', 'Check the mirror: cancelled.', false));

/** The real worker's check, its answer held back until `release`: a check that is still running. */
function heldIntegrity() {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const seen = { stopped: false, released: false };
  const check: IntegrityCheck = (db) => {
    const run = integrityInWorker(db);
    return {
      result: held.then(() => run.result),
      stop: () => {
        seen.stopped = true;
        run.stop();
      },
    };
  };
  return {
    check,
    seen,
    release: () => {
      seen.released = true;
      release();
    },
  };
}

describe('the mirror check reports progress', () => {
  it('between pages of its hashing, each page sized by time', async () => {
    const { core: c, api } = await mirrored();
    // A clock in which every stretch of hashing takes 500 ms: a slow machine, pages at the floor.
    let t = 0;
    let stretches = 0;
    let sinceProgress = 0;
    const between: number[] = [];
    const { report } = await checkMirror({
      api,
      db: c.read.db,
      visitors: c.read.visitors,
      hashing: {
        first: 50,
        min: 10,
        max: 1_000,
        now: () => {
          // StepSize reads the clock as a stretch starts and as it ends.
          if (++stretches % 2 === 0) sinceProgress++;
          return (t += 500);
        },
      },
      onProgress: () => {
        between.push(sinceProgress);
        sinceProgress = 0;
      },
    });
    expect(report).toMatchObject({ equal: true, serverRecords: RECORDS, integrity: [] });
    // 2 000 records in pages of 10 (the first of 50): over 200 pages, each one step…
    expect(stretches / 2).toBeGreaterThanOrEqual(RECORDS / 10);
    // …with progress reported between every two of them.
    expect(Math.max(...between)).toBe(1);
  });

  it('finds the same differences in pages of 1 to 7 records as in its usual pages', async () => {
    const { core: c, api } = await mirrored();
    c.db.exec(`
      DELETE FROM visitors WHERE local_id IN (SELECT local_id FROM visitors ORDER BY server_id LIMIT 4 OFFSET 10);
      UPDATE visitors SET email = 'tampered@example.org' WHERE local_id IN (SELECT local_id FROM visitors ORDER BY server_id LIMIT 3 OFFSET 900);
      UPDATE visitors SET server_version = server_version + 1 WHERE local_id IN (SELECT local_id FROM visitors ORDER BY server_id LIMIT 2 OFFSET 1500);`);
    const usual = await checkMirror({ api, db: c.read.db, visitors: c.read.visitors });
    const tiny = await checkMirror({
      api,
      db: c.read.db,
      visitors: c.read.visitors,
      hashing: { first: 3, min: 1, max: 7 },
      onProgress: () => undefined,
    });
    expect(usual.report.differences).toHaveLength(9);
    expect(tiny.report).toEqual(usual.report);
    expect([...tiny.fetched.keys()].sort()).toEqual([...usual.fetched.keys()].sort());
  });

  it('while SQLite’s integrity_check runs, and then reports what it found', async () => {
    const { core: c, api } = await mirrored();
    const integrity = heldIntegrity();
    let whileHeld = 0;
    const { report } = await checkMirror({
      api,
      db: c.read.db,
      visitors: c.read.visitors,
      integrity: integrity.check,
      onProgress: ({ done, total }: CheckProgress) => {
        // Every range is settled: all that is left is the integrity_check, held back.
        if (total === RECORDS && done === total && !integrity.seen.released)
          if (++whileHeld === 3) integrity.release();
      },
    });
    expect(whileHeld).toBe(3);
    expect(report).toMatchObject({ equal: true, integrity: [] });
    expect(integrity.seen.stopped).toBe(false);
  });

  it('and a cancel while integrity_check runs stops the check at once and gives the check up', async () => {
    const { core: c, api } = await mirrored();
    const integrity = heldIntegrity();
    let ticks = 0;
    const check = checkMirror({
      api,
      db: c.read.db,
      visitors: c.read.visitors,
      integrity: integrity.check,
      onProgress: ({ done, total }) => {
        if (total === RECORDS && done === total && ++ticks === 2) throw cancelled();
      },
    });
    await expect(check).rejects.toMatchObject({ error: { code: 'cancelled' } });
    expect(integrity.seen).toEqual({ stopped: true, released: false });
    integrity.release();
  });
});

describe('integrity_check off the core’s thread', () => {
  it('says what SQLite says on the core’s thread, and the check reports it', async () => {
    const { core: c, api } = await mirrored(300);
    const file = c.dbPath;
    c.close();
    // An index whose definition no longer matches its entries: SQLite lists each row it misses.
    const raw = new Database(file);
    raw.unsafeMode(true);
    raw.pragma('writable_schema = ON');
    raw.exec(
      "UPDATE sqlite_schema SET sql = replace(sql, 'ifnull(company', 'ifnull(title') WHERE name = 'visitors_by_company'",
    );
    raw.close();
    const db = openReader(file);
    try {
      const here = integrityHere(db);
      expect(here.length).toBeGreaterThan(0);
      expect(here[0]).toMatch(/missing from index visitors_by_company/);
      expect(await integrityInWorker(db).result).toEqual(here);
      const { report } = await checkMirror({ api, db, visitors: new VisitorsRepo(db) });
      expect(report).toMatchObject({ equal: false, differences: [], integrity: here });
    } finally {
      db.close();
    }
  });
});
