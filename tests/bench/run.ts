/**
 * npm run bench [-- <name filter>] [-- --full]: runs every
 * tests/bench/*.bench.ts, prints one table and writes the same rows to
 * bench-results/latest.json (and the same table, in Markdown, into README.md
 * between its bench markers):
 *   { at, machine: { cpus, memGiB, node }, results: [ { id, what, value, unit,
 *     baseline, baselineIs, ratio, target, goal, met, file, bench } ] }
 * Each row sits next to a raw baseline measured in the same run on the same
 * machine. A filtered run replaces only the rows of the benchmarks it ran and
 * keeps the others from the previous file, so one area can be re-measured
 * without losing the rest.
 * A benchmark that throws (or a bench file that does not load) becomes one
 * row that says so, with its message, marked not met; the other benchmarks
 * still run, the results are still written, and the run exits with code 1.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { failedResult, toResult, type Benchmark, type BenchResult } from './harness';
import {
  formatFigure as fmt,
  formatMet,
  formatRatio,
  formatTarget,
  markdownTable,
  replaceReadmeTable,
} from './table';

const here = import.meta.dirname;
const root = join(here, '../..');
const args = process.argv.slice(2);
const full = args.includes('--full');
const filter = args.find((a) => !a.startsWith('--'));
const outFile = join(root, 'bench-results/latest.json');

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

const ran = new Set<string>();
/** Bench files that did not load: none of their old rows stand for this run. */
const unloaded = new Set<string>();
const results: BenchResult[] = [];
const started = Date.now();
// A promise a failed benchmark left behind must not end the whole run.
process.on('unhandledRejection', (err) => {
  process.stderr.write(`unhandled rejection (left behind by a benchmark): ${describe(err)}\n`);
  process.exitCode = 1;
});
for (const file of files) {
  let mod: { benchmarks?: Benchmark[] };
  try {
    mod = (await import(pathToFileURL(join(here, file)).href)) as { benchmarks?: Benchmark[] };
  } catch (err) {
    if (filter && !file.includes(filter)) continue;
    process.stderr.write(`${file} did not load: ${describe(err)}\n`);
    unloaded.add(file);
    results.push(failedResult(file, '(loading the file)', err));
    continue;
  }
  for (const bench of mod.benchmarks ?? []) {
    if (filter && !`${file} ${bench.name}`.includes(filter)) continue;
    process.stderr.write(`running ${file} › ${bench.name}…\n`);
    ran.add(`${file}\0${bench.name}`);
    const t0 = Date.now();
    try {
      for (const row of await bench.run({ full })) results.push(toResult(row, file, bench.name));
    } catch (err) {
      process.stderr.write(`${file} › ${bench.name} failed: ${describe(err)}\n`);
      results.push(failedResult(file, bench.name, err));
    }
    // Where the run's minutes go (the default run must stay within 15).
    process.stderr.write(`  ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
}
const failed = results.filter((r) => r.error !== undefined);
if (failed.length) process.exitCode = 1;

// Rows of benchmarks this run did not touch stay as the last run left them.
const previous = readPrevious();
const kept = filter
  ? previous.filter((r) => !ran.has(`${r.file}\0${r.bench}`) && !unloaded.has(r.file))
  : [];
const all = [...kept, ...results].sort(
  (a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }) || a.what.localeCompare(b.what),
);

console.table(
  all.map((r) => ({
    id: r.id,
    what: r.what,
    value: fmt(r.value),
    unit: r.unit,
    baseline: fmt(r.baseline),
    'baseline is': r.baselineIs,
    ratio: formatRatio(r.ratio),
    target: formatTarget(r),
    met: formatMet(r),
  })),
);

const run = {
  at: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  },
  full,
};
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(outFile, JSON.stringify({ ...run, results: all }, null, 2) + '\n');
// README shows the table of the last run, between its markers.
const readmeFile = join(root, 'README.md');
const readme = replaceReadmeTable(readFileSync(readmeFile, 'utf8'), markdownTable(all, run));
// Formatted as the repo's Prettier check wants it, so a bench run leaves the tree clean.
const prettierOptions = (await prettier.resolveConfig(readmeFile)) ?? {};
writeFileSync(
  readmeFile,
  await prettier.format(readme, { ...prettierOptions, filepath: readmeFile }),
);
console.log(
  `${results.length - failed.length} rows measured in ${((Date.now() - started) / 1000).toFixed(0)} s; ${all.length} rows written to bench-results/latest.json`,
);
for (const r of failed) console.log(`FAILED ${r.file} › ${r.bench}: ${r.error}`);
// Everything is written. A benchmark that left something open (a socket, a
// child, a timer) once kept a whole default run from ending long after its
// table was printed: say what is left, so it can be found, and end anyway.
const left = process
  .getActiveResourcesInfo()
  .filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback');
if (left.length) console.log(`still open at the end (ended anyway): ${left.join(', ')}`);
process.exit();

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

function readPrevious(): BenchResult[] {
  if (!existsSync(outFile)) return [];
  try {
    const parsed = JSON.parse(readFileSync(outFile, 'utf8')) as { results?: BenchResult[] };
    return Array.isArray(parsed.results) ? parsed.results : [];
  } catch {
    return [];
  }
}
