import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, cli, count, parseJson, query, spawnCli, tempDir, writeFile } from './helpers';

afterEach(cleanUp);

const N = 30_000;

/** N visitors plus a bad row every 1 000 lines (line numbers are the file's: header is line 1). */
function csv(): string {
  const lines = ['name,company,email'];
  for (let i = 1; i <= N; i++)
    lines.push(
      i % 1000 === 0 ? `Bad ${i},Acme,not-an-email` : `Visitor ${i},Co ${i % 13},v${i}@x.org`,
    );
  return `${lines.join('\n')}\n`;
}

interface Summary {
  rows: number;
  created: number;
  rejected: number;
  resumed: boolean;
  alreadyImported: boolean;
}

describe('cli import: killed part way and run again', () => {
  it('goes on after the last committed batch: every row once, no visitor twice, bad rows counted once', async () => {
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const file = writeFile(dir, 'big.csv', csv());

    const run = spawnCli(['import', file, '--db', db, '--json']);
    // Kill it (SIGKILL: no cleanup of any kind) once a few batches are committed.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const done = (() => {
        try {
          return count(db, 'SELECT coalesce(max(rows), 0) AS n FROM import_runs');
        } catch {
          return 0; // the database or its table is not there yet
        }
      })();
      if (done >= 2000) break;
      if (Date.now() > deadline) throw new Error(`no batch committed in time: ${run.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    run.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');

    const [cut] = query<{ rows: number; created: number; next_line: number; finished_at: null }>(
      db,
      'SELECT rows, created, next_line, finished_at FROM import_runs',
    );
    expect(cut!.finished_at).toBeNull();
    expect(cut!.rows).toBeLessThan(N);
    // What the run says is in, and no more, is in: batch and progress commit together.
    expect(count(db, 'SELECT count(*) AS n FROM visitors')).toBe(cut!.created);

    const again = await cli(['import', file, '--db', db, '--json']);
    expect(again.code).toBe(1); // the bad rows
    const s = parseJson<Summary>(again);
    expect(s).toMatchObject({
      rows: N,
      created: N - N / 1000,
      rejected: N / 1000,
      resumed: true,
      alreadyImported: false,
    });
    // Only the rows after the cut were reported this time.
    const reported = again.stderr.trim().split('\n').filter(Boolean);
    expect(reported.length).toBeLessThanOrEqual(N / 1000);
    expect(
      query(db, 'SELECT count(*) AS n, count(DISTINCT name) AS names FROM visitors')[0],
    ).toEqual({ n: N - N / 1000, names: N - N / 1000 });
    expect(count(db, "SELECT count(*) AS n FROM outbox WHERE action = 'create'")).toBe(
      N - N / 1000,
    );

    // A third time: the file is known as imported; nothing is done again.
    const third = await cli(['import', file, '--db', db, '--json']);
    expect(parseJson<Summary>(third)).toMatchObject({
      alreadyImported: true,
      created: N - N / 1000,
    });
    expect(count(db, 'SELECT count(*) AS n FROM visitors')).toBe(N - N / 1000);
  }, 240_000);
});
