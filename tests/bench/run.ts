/**
 * npm run bench [-- name-filter]: runs every tests/bench/*.bench.ts, prints
 * one table and writes the same rows to bench-results/latest.json. Each row
 * sits next to a raw baseline measured in the same run on the same machine.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Benchmark, BenchRow } from './harness';

const here = import.meta.dirname;
const root = join(here, '../..');
const filter = process.argv[2];

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

const results: (BenchRow & { ratio: number; file: string })[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { benchmarks?: Benchmark[] };
  for (const bench of mod.benchmarks ?? []) {
    if (filter && !`${file} ${bench.name}`.includes(filter)) continue;
    process.stderr.write(`running ${file} › ${bench.name}…\n`);
    for (const row of await bench.run()) {
      results.push({ ...row, ratio: row.value / row.baseline, file });
    }
  }
}

const fmt = (n: number) =>
  Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
const table = results.map((r) => ({
  name: r.name,
  value: fmt(r.value),
  unit: r.unit,
  baseline: fmt(r.baseline),
  'baseline is': r.baselineLabel,
  ratio: r.ratio.toFixed(2),
}));
console.table(table);

mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(
  join(root, 'bench-results/latest.json'),
  JSON.stringify({ at: new Date().toISOString(), node: process.version, rows: results }, null, 2) +
    '\n',
);
console.log(`${results.length} rows written to bench-results/latest.json`);
