/**
 * About how long one set-based step of a long job may last. A job's progress
 * goes out at its next tick once JOB_PROGRESS_EVERY_MS have passed, so a step
 * that starts just before an event is due delays it by the step's length:
 * 25 ms keeps the promised 250 ms with room for the reads the job lets through.
 */
export const STEP_MS = 25;

export interface StepSizeOptions {
  /** Items of the first step, before anything was measured. */
  first: number;
  min: number;
  max: number;
  targetMs?: number;
  /** Milliseconds, monotonic; injected by tests. */
  now?: () => number;
}

/**
 * How many items the next set-based step of a long job takes: one statement
 * over a page of rows cannot stop halfway to let progress and reads through,
 * so the page is sized by time, measured as the job goes, for a step to last
 * about `targetMs` on this machine under its load of the moment (however wide
 * the rows, slow the disk or busy the other core). A slow step shrinks the
 * next at once; a fast one lets it grow at most twofold, as one fast step (on
 * pages still in the cache) promises little about the next.
 */
export class StepSize {
  private n: number;
  private spent = 0;
  private readonly targetMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: StepSizeOptions) {
    this.targetMs = opts.targetMs ?? STEP_MS;
    this.now = opts.now ?? (() => performance.now());
    this.n = this.clamp(opts.first);
  }

  /** Items the next step takes. */
  get size(): number {
    return this.n;
  }

  /**
   * Runs one stretch of the step under way and counts its time (a step whose
   * statements the job ticks between is timed as the sum of its stretches).
   */
  time<T>(stretch: () => T): T {
    const t0 = this.now();
    try {
      return stretch();
    } finally {
      this.spent += this.now() - t0;
    }
  }

  /** The step under way covered `items` items: the next is sized from its pace. */
  end(items: number): void {
    const spent = this.spent;
    this.spent = 0;
    if (items <= 0) return;
    // A step too quick for the clock to see counts as 0.01 ms: grow, within the twofold.
    const fits = (items * this.targetMs) / Math.max(spent, 0.01);
    this.n = this.clamp(Math.min(fits, this.n * 2));
  }

  private clamp(n: number): number {
    return Math.max(this.opts.min, Math.min(this.opts.max, Math.floor(n)));
  }
}
