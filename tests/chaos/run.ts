import { parseArgs } from 'node:util';
import { FAULTS } from './faults/index';
import { runScenario, type Outcome } from './scenario';

/**
 * `npm run chaos -- --seeds N` runs every fault with seeds 1..N;
 * `npm run chaos -- --seed 17 --fault server-kill` replays one run.
 * Each run prints one line with its seed; the table at the end sums them.
 * --jobs J runs J at a time (each run has its own server, files and ports);
 * --max-minutes M starts no new run after M minutes (the table says how many ran).
 * Exit 1 if any run lost, duplicated, left stuck or mirrored wrong, or its
 * faulted sync did not do what the fault expects of it (e.g. pull-cut: exit 0).
 */

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    seed: { type: 'string' },
    fault: { type: 'string', multiple: true },
    jobs: { type: 'string', default: '1' },
    'max-minutes': { type: 'string' },
  },
});
const names = FAULTS.map((f) => f.name);
const chosen = values.fault ?? names;
for (const n of chosen)
  if (!names.includes(n)) {
    process.stderr.write(`unknown fault "${n}"; one of: ${names.join(', ')}\n`);
    process.exit(2);
  }
const seeds = values.seed
  ? [Number(values.seed)]
  : Array.from({ length: Number(values.seeds ?? '3') }, (_, i) => i + 1);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) {
  process.stderr.write('--seed/--seeds: a whole number\n');
  process.exit(2);
}

const rows = new Map<string, Outcome[]>();
let bad = 0;
// Seed-major order: a run cut short by --max-minutes still covers every fault evenly.
const tasks = seeds.flatMap((seed) =>
  FAULTS.filter((f) => chosen.includes(f.name)).map((fault) => ({ fault, seed })),
);
const stopAt = values['max-minutes']
  ? Date.now() + Number(values['max-minutes']) * 60_000
  : Infinity;
let skipped = 0;
async function worker(): Promise<void> {
  for (let task = tasks.shift(); task; task = tasks.shift()) {
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
await Promise.all(Array.from({ length: Math.max(1, Number(values.jobs)) }, () => worker()));

const sum = (os: Outcome[], k: 'lost' | 'duplicated' | 'stuck' | 'wrongMirror') =>
  os.reduce((a, o) => a + o[k], 0);
const lines = [
  '| fault | seeds | fired | lost | duplicated | stuck | wrong mirror |',
  '| --- | --: | --: | --: | --: | --: | --: |',
];
for (const name of chosen) {
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
process.stdout.write(`\n${lines.join('\n')}\n`);
process.exit(bad > 0 ? 1 : 0);
