/**
 * Benchmarks compare against a raw baseline measured in the same run, so a
 * noisy machine (the build machines drift about ±12 % between runs) moves
 * both numbers together. `ratio` = value / baseline; a target says which way
 * is good (`atLeast` for rates, `atMost` for times and sizes). A few limits
 * are absolute (a page within 250 ms however busy the core is):
 * `valueAtMost` is checked on the value itself, the ratio shown beside it.
 */
export type BenchTarget = { atLeast: number } | { atMost: number } | { valueAtMost: number };

export interface BenchRow {
  /** A stable id for the row: the throughput issue's T1…T7, or a short name of our own. */
  id: string;
  /** What is measured, in words. */
  name: string;
  value: number;
  unit: string;
  /** The raw baseline, in the same unit, measured in the same run. */
  baseline: number;
  /** What the baseline is, e.g. "raw better-sqlite3 SELECT". */
  baselineLabel: string;
  /** The ratio this row must reach; absent for figures kept for information. */
  target?: BenchTarget;
}

export interface BenchOptions {
  /** `npm run bench -- --full`: the large sizes (1 000 000 visitors) as well. */
  full: boolean;
}

export interface Benchmark {
  name: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}

/** The row as written to bench-results/latest.json. */
export interface BenchResult {
  id: string;
  what: string;
  value: number;
  unit: string;
  baseline: number;
  baselineIs: string;
  ratio: number;
  /** The ratio to reach, or null for a figure kept for information. */
  target: number | null;
  /** Which side of the target is good; `valueAtMost` compares the value, not the ratio. */
  goal: 'atLeast' | 'atMost' | 'valueAtMost' | null;
  met: boolean | null;
  file: string;
  bench: string;
  /** Only on the one row of a benchmark that threw: its message (its figures are NaN, null in JSON). */
  error?: string;
}

export function toResult(row: BenchRow, file: string, bench: string): BenchResult {
  const ratio = row.value / row.baseline;
  const [goal, target] = row.target
    ? 'atLeast' in row.target
      ? (['atLeast', row.target.atLeast] as const)
      : 'atMost' in row.target
        ? (['atMost', row.target.atMost] as const)
        : (['valueAtMost', row.target.valueAtMost] as const)
    : ([null, null] as const);
  const compared = goal === 'valueAtMost' ? row.value : ratio;
  const met =
    target === null
      ? null
      : !Number.isFinite(compared)
        ? false
        : goal === 'atLeast'
          ? compared >= target
          : compared <= target;
  return {
    id: row.id,
    what: row.name,
    value: row.value,
    unit: row.unit,
    baseline: row.baseline,
    baselineIs: row.baselineLabel,
    ratio,
    target,
    goal,
    met,
    file,
    bench,
  };
}

/**
 * The row standing for a benchmark that threw: it measured nothing, so it
 * carries the message instead of figures and counts as not met.
 */
export function failedResult(file: string, bench: string, err: unknown): BenchResult {
  const message = err instanceof Error ? err.message : String(err);
  return {
    id: `${file.replace(/\.bench\.ts$/, '')} (failed)`,
    what: `${bench}: failed: ${message}`,
    value: NaN,
    unit: '',
    baseline: NaN,
    baselineIs: 'not measured, the benchmark failed',
    ratio: NaN,
    target: null,
    goal: null,
    met: false,
    file,
    bench,
    error: message,
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Milliseconds taken by fn, as the median of `repeat` runs. */
export async function timeMs(fn: () => unknown, repeat = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
