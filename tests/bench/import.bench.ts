import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './harness';

const here = import.meta.dirname;
/**
 * `--full` imports a million rows; the default run 200 000, to stay within 15
 * minutes. The baseline import is big enough to be past the start's own
 * growth (measured peak RSS: 155 MiB at 10 000 rows, 218 at 50 000, 221 at
 * 100 000, 232 at 200 000, 219 at 1 000 000): flat from there is what
 * "constant memory" means.
 */
const sizes = (full: boolean) =>
  full ? { BIG: 1_000_000, SMALL: 100_000 } : { BIG: 200_000, SMALL: 50_000 };

/** A CSV of n visitors (about 90 bytes a row), written as a stream. */
export async function writeCsv(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write('name,company,email,notes\n');
  for (let i = 1; i <= n; i++)
    await write(`Visitor ${i},Company ${i % 997},visitor${i}@example.org,"row ${i}, imported"\n`);
  await new Promise<void>((r) => out.end(() => r()));
}

interface ChildResult {
  rows: number;
  created: number;
  ms: number;
  maxRssMiB: number;
}

function importInChild(file: string, db: string): ChildResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'import-rss-child.ts'), file, db],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out) as ChildResult;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'import of CSV rows in constant memory (1 000 000 with --full, 200 000 without)',
    async run({ full }) {
      const { BIG, SMALL } = sizes(full);
      const dir = mkdtempSync(join(tmpdir(), 'vrc-bench-import-'));
      try {
        await writeCsv(join(dir, 'small.csv'), SMALL);
        await writeCsv(join(dir, 'big.csv'), BIG);
        const small = importInChild(join(dir, 'small.csv'), join(dir, 'small.sqlite'));
        const big = importInChild(join(dir, 'big.csv'), join(dir, 'big.sqlite'));
        if (big.created !== BIG || small.created !== SMALL)
          throw new Error(`imported ${big.created} and ${small.created} rows`);
        return [
          {
            id: 'I-import-rss',
            name: `peak memory (RSS) of the CLI importing ${BIG.toLocaleString('en-US')} rows`,
            value: big.maxRssMiB,
            unit: 'MiB',
            baseline: small.maxRssMiB,
            baselineLabel: `the same import of ${SMALL.toLocaleString('en-US')} rows`,
            // Constant memory: four (ten with --full) times the rows, at most a quarter more memory.
            target: { atMost: 1.25 },
          },
          {
            id: 'I-import-rate',
            name: `rows imported per second (${BIG.toLocaleString('en-US')} rows, through the edit service and the outbox)`,
            value: big.rows / (big.ms / 1000),
            unit: 'rows/s',
            baseline: small.rows / (small.ms / 1000),
            baselineLabel: `the same import of ${SMALL.toLocaleString('en-US')} rows`,
          },
        ];
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
