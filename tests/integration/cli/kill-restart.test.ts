import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import {
  cleanUp,
  cli,
  count,
  csvCell,
  parseJson,
  query,
  server,
  serverVisitors,
  spawnCli,
  syncArgs,
  tempDir,
  writeFile,
} from './helpers';

/**
 * The crash test: a CLI sync is SIGKILLed in the middle of a push of
 * 5 000 local changes (4 000 creates, 1 000 updates, chunks of 50, each reply
 * held back 80 ms by the server), at a moment when the server has committed a
 * chunk the client has not heard back about; then the CLI runs again. Nothing
 * may be lost or duplicated: every change is on the server exactly once, the
 * outbox is empty, and no record is there twice locally.
 */

const SEEDED = 1_000;
const CREATES = 4_000;
const UPDATES = 1_000;
const TOTAL = CREATES + UPDATES;
const CHUNK = 50;
/** How long the server holds back each bulk-sync reply after committing it. */
const DELAY_MS = 80;

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

const appliedOnServer = async (s: RunningServer) =>
  (await s.store.read((tx) => tx.stats())).appliedOps;

/** Reads a count from the CLI's database, or null while the file is busy or not there yet. */
function tryCount(db: string, sql: string): number | null {
  try {
    return count(db, sql);
  } catch {
    return null;
  }
}

describe('cli sync: SIGKILL in the middle of a push, then restart', () => {
  // Chunks 1–80 carry the creates, 81–100 the updates: the third kill lands among updates.
  for (const [round, killAfter] of [
    [1, 3],
    [2, 41],
    [3, 88],
  ] as const) {
    it(`round ${round}: killed after ${killAfter} of ${TOTAL / CHUNK} chunks, nothing lost or duplicated`, async () => {
      srv = await server({ seed: SEEDED });
      const dir = tempDir();
      const db = `${dir}/console.sqlite`;

      // The mirror, then 5 000 local changes through the same outbox path as the app.
      const mirror = await cli(syncArgs(srv, db, '--quiet'));
      expect(mirror.code, mirror.stderr).toBe(0);
      const seeded = query<{ local_id: string; server_id: string }>(
        db,
        'SELECT local_id, server_id FROM visitors ORDER BY server_id',
      );
      expect(seeded).toHaveLength(SEEDED);

      const name = (i: number) => `Round${round} Visitor ${i}`;
      const email = (i: number) => `r${round}.v${i}@example.org`;
      const creates = ['name,email,company,notes'];
      for (let i = 0; i < CREATES; i++)
        creates.push(
          [name(i), email(i), `Co ${i % 37}, Ltd`, i % 5 === 0 ? `note\n${i}` : null]
            .map(csvCell)
            .join(','),
        );
      const c = await cli([
        'import',
        writeFile(dir, 'creates.csv', creates.join('\r\n')),
        '--db',
        db,
      ]);
      expect(c.code, c.stderr).toBe(0);
      const updates = seeded.map((v, i) =>
        JSON.stringify({ id: v.server_id, title: `Title r${round}.${i}`, notes: `updated ${i}` }),
      );
      const u = await cli([
        'import',
        writeFile(dir, 'updates.jsonl', updates.join('\n')),
        '--db',
        db,
      ]);
      expect(u.code, u.stderr).toBe(0);
      expect(count(db, 'SELECT count(*) AS n FROM outbox')).toBe(TOTAL);

      // Slow replies: the push takes several seconds, and each chunk is committed on the
      // server DELAY_MS before the client hears about it.
      srv.faults.set(
        FaultsRequestSchema.parse({ delayResponses: { count: 1_000_000, ms: DELAY_MS } }),
      );
      const run = spawnCli(syncArgs(srv, db, '--chunk-size', String(CHUNK)));
      // Kill when `killAfter` chunks are settled here and the server has committed one more
      // that the client has not heard back about (its reply is held back for DELAY_MS).
      let inFlight = 0;
      const deadline = Date.now() + 90_000;
      for (;;) {
        const applied = await appliedOnServer(srv); // first: then `left` cannot be staler
        const left = tryCount(db, 'SELECT count(*) AS n FROM outbox');
        const flying = tryCount(db, "SELECT count(*) AS n FROM outbox WHERE status = 'in_flight'");
        if (left !== null && flying !== null) {
          const settled = TOTAL - left;
          inFlight = flying;
          if (settled >= killAfter * CHUNK && flying > 0 && applied > settled) break;
        }
        if (Date.now() > deadline || run.child.exitCode !== null)
          throw new Error(`never saw chunk ${killAfter + 1} committed in flight; ${run.stderr()}`);
        await new Promise((r) => setTimeout(r, 2));
      }
      run.kill('SIGKILL');
      const killed = await run.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(run.stdout()).toBe(''); // it never got to its summary

      const appliedAtKill = await appliedOnServer(srv);
      const leftAtKill = count(db, 'SELECT count(*) AS n FROM outbox');
      expect(leftAtKill).toBeGreaterThan(0);
      expect(leftAtKill).toBeLessThan(TOTAL);
      // The server had applied more than the client knew of: a lost reply to recover from.
      expect(appliedAtKill).toBeGreaterThan(TOTAL - leftAtKill);
      expect(count(db, "SELECT count(*) AS n FROM outbox WHERE status = 'in_flight'")).toBe(
        inFlight,
      );
      expect(
        query(db, 'SELECT outcome, finished_at FROM sync_runs ORDER BY id DESC LIMIT 1'),
      ).toEqual([{ outcome: null, finished_at: null }]);

      // Restart.
      srv.faults.clear();
      const restart = await cli(syncArgs(srv, db, '--json', '--quiet'));
      expect(restart.code, restart.stderr).toBe(0);
      expect(parseJson(restart)).toMatchObject({
        outcome: 'success',
        conflicts: 0,
        errors: 0,
        pending: 0,
        retrying: 0,
        failed: 0,
        openConflicts: 0,
      });
      expect(query(db, 'SELECT outcome FROM sync_runs ORDER BY id')).toEqual([
        { outcome: 'success' },
        { outcome: 'interrupted' },
        { outcome: 'success' },
      ]);

      // The server: every change exactly once.
      expect(await appliedOnServer(srv)).toBe(TOTAL);
      const onServer = [...(await serverVisitors(srv)).values()];
      expect(onServer).toHaveLength(SEEDED + CREATES);
      const createdThere = new Map<string, Record<string, unknown>[]>();
      for (const v of onServer) {
        const n = String(v.name);
        if (n.startsWith(`Round${round} Visitor `))
          createdThere.set(n, [...(createdThere.get(n) ?? []), v]);
      }
      expect(createdThere.size).toBe(CREATES);
      for (let i = 0; i < CREATES; i++) {
        const copies = createdThere.get(name(i)) ?? [];
        expect(copies, name(i)).toHaveLength(1);
        expect(copies[0]).toMatchObject({
          email: email(i),
          company: `Co ${i % 37}, Ltd`,
          notes: i % 5 === 0 ? `note\n${i}` : null,
          version: 1,
        });
      }
      const byId = new Map(onServer.map((v) => [String(v.id), v]));
      seeded.forEach((v, i) => {
        expect(byId.get(v.server_id), v.server_id).toMatchObject({
          title: `Title r${round}.${i}`,
          notes: `updated ${i}`,
          version: 2,
        });
      });

      // Here: the outbox is empty, each record once, all synced.
      expect(count(db, 'SELECT count(*) AS n FROM outbox')).toBe(0);
      expect(count(db, 'SELECT count(*) AS n FROM visitors')).toBe(SEEDED + CREATES);
      expect(
        count(
          db,
          'SELECT count(DISTINCT server_id) AS n FROM visitors WHERE server_id IS NOT NULL',
        ),
      ).toBe(SEEDED + CREATES);
      expect(count(db, 'SELECT count(*) AS n FROM visitors WHERE dirty = 1 OR deleted = 1')).toBe(
        0,
      );
      expect(
        query(
          db,
          "SELECT name, count(*) AS n FROM visitors WHERE name LIKE 'Round%' GROUP BY name HAVING n > 1",
        ),
      ).toEqual([]);
      expect(count(db, 'SELECT count(*) AS n FROM conflicts')).toBe(0);
    });
  }
});
