import { parseChaosArgs } from './args';
import { FAULTS } from './faults/index';
import { describeProperty, runInterleavings, type PropertyResult } from './interleavings';
import { runScenario, type Outcome } from './scenario';

/**
 * `npm run chaos -- --seeds N` runs every fault with seeds 1..N;
 * `npm run chaos -- --seed 17 --fault server-kill` replays one run.
 * Each run prints one line with its seed; the table at the end sums them.
 * --jobs J runs J at a time (each run has its own server, files and ports);
 * --max-minutes M starts no new run after M minutes (the table says how many ran).
 * --histories N also runs the interleaving property with N histories (1 000
 * when every fault runs, none when --fault narrows the run), in a vitest
 * process that takes one of the J places; --seed S gives it fast-check's seed.
 * Exit 1 if any run lost, duplicated, left stuck or mirrored wrong, or its
 * faulted sync did not do what the fault expects of it (e.g. pull-cut: exit 0),
 * or the property failed.
 */

const parsed = parseChaosArgs(
  process.argv.slice(2),
  FAULTS.map((f) => f.name),
);
if (!parsed.ok) {
  process.stderr.write(`${parsed.message}\n`);
  process.exit(2);
}
const { faults: chosen, seeds, jobs, maxMinutes, histories, interleavingSeed } = parsed.options;
const started = Date.now();

const rows = new Map<string, Outcome[]>();
let bad = 0;
// Seed-major order: a run cut short by --max-minutes still covers every fault evenly.
// The property goes first: it is the longest single task, so it starts while
// the fault runs share the other places.
type Task = { property: number } | { fault: (typeof FAULTS)[number]; seed: number };
const tasks: Task[] = [
  ...(histories > 0 ? [{ property: histories }] : []),
  ...seeds.flatMap((seed) =>
    FAULTS.filter((f) => chosen.includes(f.name)).map((fault) => ({ fault, seed })),
  ),
];
const stopAt = maxMinutes === null ? Infinity : Date.now() + maxMinutes * 60_000;
let skipped = 0;
let property: PropertyResult | null = null;
async function worker(): Promise<void> {
  for (let task = tasks.shift(); task; task = tasks.shift()) {
    if ('property' in task) {
      process.stdout.write(`interleavings: ${task.property} histories started\n`);
      property = await runInterleavings(task.property, interleavingSeed);
      if (!property.passed) bad++;
      process.stdout.write(`${describeProperty(property)}\n`);
      continue;
    }
    const { fault, seed } = task;
    if (Date.now() > stopAt) {
      skipped++;
      continue;
    }
    let o: Outcome;
    try {
      o = await runScenario(fault, seed);
    } catch (error) {
      bad++;
      process.stdout.write(`seed=${seed} fault=${fault.name} ERROR ${(error as Error).message}\n`);
      continue;
    }
    const ok = o.lost + o.duplicated + o.stuck + o.wrongMirror === 0 && o.broken.length === 0;
    if (!ok) bad++;
    rows.set(fault.name, [...(rows.get(fault.name) ?? []), o]);
    process.stdout.write(
      `seed=${seed} fault=${fault.name} lost=${o.lost} duplicated=${o.duplicated} stuck=${o.stuck} wrongMirror=${o.wrongMirror} ${(o.ms / 1000).toFixed(1)}s ${ok ? 'ok' : 'FAIL'} | ${o.notes.join('; ')}${o.broken.length ? ` | not as expected: ${o.broken.join('; ')}` : ''}${o.lost + o.duplicated + o.stuck + o.wrongMirror ? ` | ${o.details.join('; ')}` : ''}\n`,
    );
  }
}
await Promise.all(Array.from({ length: jobs }, () => worker()));

const sum = (os: Outcome[], k: 'lost' | 'duplicated' | 'stuck' | 'wrongMirror') =>
  os.reduce((a, o) => a + o[k], 0);
const lines =
  seeds.length === 0
    ? ['no fault runs (--seeds 0)']
    : [
        '| fault | seeds | fired | lost | duplicated | stuck | wrong mirror |',
        '| --- | --: | --: | --: | --: | --: | --: |',
      ];
for (const name of seeds.length === 0 ? [] : chosen) {
  const os = rows.get(name) ?? [];
  lines.push(
    `| ${name} | ${os.length} | ${os.filter((o) => o.notes.some((n) => n.startsWith('fired'))).length} | ${sum(os, 'lost')} | ${sum(os, 'duplicated')} | ${sum(os, 'stuck')} | ${sum(os, 'wrongMirror')} |`,
  );
}
const unexpected = [...rows.values()].flat().filter((o) => o.broken.length > 0).length;
if (unexpected > 0)
  lines.push(
    `\n${unexpected} runs: the faulted sync did not do what its fault expects (see above)`,
  );
if (skipped > 0) lines.push(`\n${skipped} runs not started: --max-minutes reached`);
lines.push(
  '',
  property === null
    ? `interleavings: not run (${parsed.options.historiesSkipped})`
    : describeProperty(property),
  `${[...rows.values()].flat().length} fault runs in ${((Date.now() - started) / 60_000).toFixed(1)} min, ${jobs} at a time`,
);
process.stdout.write(`\n${lines.join('\n')}\n`);
process.exit(bad > 0 ? 1 : 0);
