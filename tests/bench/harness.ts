/**
 * Benchmarks compare against a raw baseline measured in the same run, so a
 * noisy machine moves both numbers together. `ratio` = value / baseline.
 */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The raw baseline, in the same unit, measured in the same run. */
  baseline: number;
  /** What the baseline is, e.g. "raw better-sqlite3 SELECT". */
  baselineLabel: string;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchRow[]>;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
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
