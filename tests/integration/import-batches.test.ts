import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/core/clock';
import { Importer } from '../../electron/core/import/importer';
import { fingerprint } from '../../electron/core/import/source';
import type { ImportMapping } from '../../shared/ipc/import-contract';
import { makeCore, type TestCore } from '../fixtures/core';

/**
 * An import's batches are transactions that hold the core's write gate: the
 * core answers nothing while one runs. Their rows are sized by the time
 * batches take, so these tests give the importer's step a clock in which
 * each row written costs a set time (the rows the mirror holds, times that),
 * as a slow or a fast machine would, and watch each batch commit.
 */

let core: TestCore | undefined;
afterEach(() => {
  core?.dispose();
  core = undefined;
});

const N = 600;
const mapping: ImportMapping = [
  { column: 'name', target: 'name' },
  { column: 'email', target: 'email' },
];

async function csvFile(c: TestCore) {
  const path = join(c.dir, 'visitors.csv');
  const lines = ['name,email'];
  for (let i = 1; i <= N; i++) lines.push(`Visitor ${i},v${i}@example.org`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const { sha256 } = await fingerprint(path);
  return { path, name: 'visitors.csv', format: 'csv' as const, fingerprint: sha256 };
}

const count = (c: TestCore, sql: string) => (c.db.prepare(sql).get() as { n: number }).n;

/** Imports the file with `msPerRow` as the cost of a row; the rows of each batch as it commits. */
async function batchesAt(msPerRow: number): Promise<number[]> {
  core = makeCore();
  const c = core;
  const file = await csvFile(c);
  const visitors = () => count(c, 'SELECT count(*) AS n FROM visitors');
  const sizes: number[] = [];
  let before = 0;
  const summary = await new Importer(c.repos, systemClock).run(file, mapping, {
    write: (fn) => c.gate.run(fn),
    committed: () => {
      const run = c.db.prepare('SELECT rows, next_line AS nextLine FROM import_runs').get() as {
        rows: number;
        nextLine: number;
      };
      // Crash-safe as before: each batch commits with how far the file got, and nothing else.
      expect(run.rows).toBe(visitors());
      expect(run.nextLine).toBe(run.rows + 2 /* the header is line 1 */);
      sizes.push(run.rows - before);
      before = run.rows;
    },
    step: {
      first: 20,
      min: 5,
      max: 160,
      targetMs: 25,
      now: () => visitors() * msPerRow,
    },
  });
  expect(summary).toMatchObject({ rows: N, created: N, rejected: 0 });
  return sizes;
}

describe('an import’s batches are sized by time', () => {
  it('a slow machine gets smaller batches at once, each about the target', async () => {
    // 5 ms a row: the first 20 rows take 100 ms, so the next batches take 25 ms' worth.
    const sizes = await batchesAt(5);
    expect(sizes.slice(0, 4)).toEqual([20, 5, 5, 5]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(N);
  });

  it('a fast machine gets larger batches, twice the last at most, up to the ceiling', async () => {
    // 0.1 ms a row: 250 rows would fit in 25 ms.
    const sizes = await batchesAt(0.1);
    expect(sizes.slice(0, 5)).toEqual([20, 40, 80, 160, 160]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(N);
  });
});

describe('an import’s statement journals', () => {
  it('are kept in memory while a batch writes, and the connection’s setting comes back after', async () => {
    core = makeCore();
    const c = core;
    const path = join(c.dir, 'journals.csv');
    // Line 3 has no name: it is refused from inside its batch's transaction.
    writeFileSync(
      path,
      'name,email\nAda,ada@example.org\n,nobody@example.org\nBob,bob@example.org\n',
    );
    const { sha256 } = await fingerprint(path);
    const tempStore = () => c.db.pragma('temp_store', { simple: true }) as number;
    const before = tempStore();
    expect(before).not.toBe(2 /* memory */);
    const during: number[] = [];
    const summary = await new Importer(c.repos, systemClock).run(
      { path, name: 'journals.csv', format: 'csv', fingerprint: sha256 },
      mapping,
      { write: (fn) => c.gate.run(fn), rejected: () => during.push(tempStore()) },
    );
    expect(summary).toMatchObject({ created: 2, rejected: 1 });
    expect(during).toEqual([2]);
    expect(tempStore()).toBe(before);
  });
});
