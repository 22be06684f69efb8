/**
 * What the renderer's main thread did in each frame of a traced scroll:
 *   T7_TRACE=/tmp/t7.json npm run bench -- conflicts.bench
 *   npx tsx tests/bench/trace-frames.ts /tmp/t7.json
 * A frame is the time between two `step-N` marks the scroll script leaves.
 * Figures are the thread's CPU time (a trace event's `tdur`), not wall time:
 * on a loaded machine the thread waits for a core, and only the work it did
 * is the console's. "page in" is the browser receiving messages from the
 * test process, which is how a page of rows reaches the window in the bench.
 */
import { readFileSync } from 'node:fs';

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: {
    name?: string;
    chrome_mojo_event_info?: { data_num_bytes?: number };
  };
}

const PHASE: [string, RegExp][] = [
  [
    'script',
    /^(FunctionCall|EventDispatch|FireAnimationFrame|RunMicrotasks|TimerFire|v8\.callFunction)$/,
  ],
  ['style', /^UpdateLayoutTree$/],
  ['layout', /^Layout$/],
  ['paint', /^(PrePaint|Paint|Layerize|Commit)$/],
  ['gc', /^(MinorGC|MajorGC)$/],
];
const phaseOf = (name: string) => PHASE.find(([, re]) => re.test(name))?.[0];

const file = process.argv[2];
if (!file) throw new Error('usage: tsx tests/bench/trace-frames.ts <trace.json>');
const events = (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] })
  .traceEvents;
const marks = new Map<number, TraceEvent>();
for (const e of events)
  if (e.cat?.includes('user_timing') && /^step-\d+$/.test(e.name))
    marks.set(Number(e.name.slice(5)), marks.get(Number(e.name.slice(5))) ?? e);
const first = marks.values().next().value;
if (!first) throw new Error('no step-N marks: was the trace taken with T7_TRACE?');
const main = events.find(
  (e) => e.pid === first.pid && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
);
const onMain = events
  .filter((e) => e.pid === first.pid && e.tid === main?.tid && e.ph === 'X')
  .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));

interface Frame {
  step: number;
  wall: number;
  cpu: number;
  pageIn: number;
  phases: Record<string, number>;
}
const steps = [...marks.entries()].sort((a, b) => a[0] - b[0]);
const frames: Frame[] = [];
for (let i = 0; i + 1 < steps.length; i++) {
  const [step, from] = steps[i]!;
  const to = steps[i + 1]![1].ts;
  const f: Frame = { step, wall: (to - from.ts) / 1000, cpu: 0, pageIn: 0, phases: {} };
  // Only the outermost event of a phase counts, and a task's CPU once.
  let taskEnd = -1;
  let phaseEnd = -1;
  for (const e of onMain) {
    if (e.ts < from.ts || e.ts >= to) continue;
    const end = e.ts + (e.dur ?? 0);
    const cpu = (e.tdur ?? 0) / 1000;
    if (e.name === 'RunTask' && e.ts >= taskEnd) {
      f.cpu += cpu;
      taskEnd = end;
    }
    if (
      e.name === 'Receive mojo message' &&
      (e.args?.chrome_mojo_event_info?.data_num_bytes ?? 0) > 20_000
    )
      f.pageIn += cpu;
    const phase = phaseOf(e.name);
    if (phase && e.ts >= phaseEnd) {
      f.phases[phase] = (f.phases[phase] ?? 0) + cpu;
      phaseEnd = end;
    }
  }
  frames.push(f);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (n: number | undefined) => (n ?? 0).toFixed(1).padStart(5);
const line = (f: Frame) =>
  `step ${String(f.step).padStart(3)}  wall ${ms(f.wall)}  cpu ${ms(f.cpu)}  page in ${ms(f.pageIn)}  ` +
  PHASE.map(([p]) => `${p} ${ms(f.phases[p])}`).join('  ');
const summary = (label: string, fs: Frame[]) =>
  `${label} (${fs.length}): cpu p50 ${ms(
    pct(
      fs.map((f) => f.cpu),
      50,
    ),
  )} p95 ${ms(
    pct(
      fs.map((f) => f.cpu),
      95,
    ),
  )}` +
  `  wall p50 ${ms(
    pct(
      fs.map((f) => f.wall),
      50,
    ),
  )} p95 ${ms(
    pct(
      fs.map((f) => f.wall),
      95,
    ),
  )}  mean ` +
  PHASE.map(([p]) => `${p} ${ms(fs.reduce((s, f) => s + (f.phases[p] ?? 0), 0) / fs.length)}`).join(
    '  ',
  );
console.log(summary('all frames', frames));
console.log(
  summary(
    'a page landing',
    frames.filter((f) => f.pageIn > 0),
  ),
);
console.log(
  summary(
    'no page',
    frames.filter((f) => f.pageIn === 0),
  ),
);
console.log('\nthe 15 frames with the most CPU:');
for (const f of [...frames].sort((a, b) => b.cpu - a.cpu).slice(0, 15)) console.log(line(f));
