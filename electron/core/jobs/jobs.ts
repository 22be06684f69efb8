import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppErrorException, appError } from '../../../shared/errors';
import type { JobKind, JobProgress } from '../../../shared/ipc/jobs-contract';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { WriteGate } from '../db/write-gate';
import type { EventSink } from '../events';

/** Longest stretch a job works before it lets reads and progress through. */
const SLICE_MS = 12;
/**
 * Progress goes out this often while a job runs, at the first tick past it.
 * The promise is 250 ms: the rest is for what may come between the due time
 * and that tick, one step the job cannot tick inside and the reads it lets
 * through (on a loaded 2-core machine, 50-150 ms together; at 200 ms, gaps
 * went to 250-350 ms).
 */
export const JOB_PROGRESS_EVERY_MS = 150;

export interface JobSpec {
  kind: JobKind;
  label: string;
  unit: string;
  total: number | null;
  /** Roll back at the end whatever happened (a preview is apply, undone). */
  dryRun?: boolean;
}

/** What the job's code sees: it reports where it is, and learns whether to stop. */
export interface JobControl {
  readonly id: string;
  /**
   * Call after each item, and between the statements of a longer step. Sends
   * progress when it is due; every ~12 ms it yields to the event loop (reads,
   * other windows) and throws `cancelled` when asked to stop.
   */
  tick(done: number): Promise<void>;
  setTotal(total: number): void;
}

interface Running {
  progress: JobProgress;
  started: number;
  cancelled: boolean;
  /** What a cancel keeps, in words, for a job that commits as it goes; null: nothing is kept. */
  cancelWords?: string;
}

const cancelledError = (r: Running) =>
  new AppErrorException(
    appError(
      'cancelled',
      r.cancelWords ?? `${r.progress.label}: cancelled. Nothing of it was saved.`,
      false,
    ),
  );

/**
 * Long work in the core: one SQLite transaction held across many turns of
 * the event loop, with progress and cancel. A cancelled, failed or dry-run
 * job is rolled back whole, and a crash rolls it back too (it never
 * committed), so nothing is ever half applied.
 */
export class Jobs {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly deps: { db: Db; gate: WriteGate; events: EventSink; clock: Clock },
  ) {}

  list(): JobProgress[] {
    return [...this.running.values()].map((r) => this.snapshot(r));
  }

  cancel(jobId: string): boolean {
    const r = this.running.get(jobId);
    if (!r || !r.progress.cancellable) return false;
    r.cancelled = true;
    return true;
  }

  /** Runs `work` inside one transaction that holds the write gate until it commits or rolls back. */
  transaction<T>(spec: JobSpec, work: (job: JobControl) => Promise<T>): Promise<T> {
    const { db, gate } = this.deps;
    return gate.hold(spec.label, async () => {
      const r = this.begin(spec);
      db.exec('BEGIN IMMEDIATE');
      let committed = false;
      try {
        const result = await work(this.control(r));
        if (r.cancelled) throw cancelledError(r);
        // Past this point stopping would change nothing: the commit is one step.
        r.progress.cancellable = false;
        if (spec.dryRun) db.exec('ROLLBACK');
        else db.exec('COMMIT');
        committed = true;
        this.end(r, 'done', null);
        return result;
      } catch (err) {
        if (!committed && db.inTransaction) db.exec('ROLLBACK');
        const cancelled = err instanceof AppErrorException && err.error.code === 'cancelled';
        this.end(
          r,
          cancelled ? 'cancelled' : 'failed',
          err instanceof AppErrorException ? err.error : null,
        );
        throw err;
      }
    });
  }

  /**
   * Long work that commits its own steps or mostly waits on the network (an
   * import's batches, the mirror check): the same progress and Cancel, but no
   * transaction and no hold on the write gate; its writes go through the gate
   * themselves, each in its own transaction. A cancel stops it between steps
   * and keeps what was committed: `cancelled`, when given, is the words the
   * person then sees (how to go on).
   */
  async track<T>(
    spec: Omit<JobSpec, 'dryRun'> & { cancelled?: string },
    work: (job: JobControl) => Promise<T>,
  ): Promise<T> {
    const r = this.begin(spec);
    if (spec.cancelled !== undefined) r.cancelWords = spec.cancelled;
    try {
      const result = await work(this.control(r));
      this.end(r, 'done', null);
      return result;
    } catch (err) {
      const cancelled = err instanceof AppErrorException && err.error.code === 'cancelled';
      this.end(
        r,
        cancelled ? 'cancelled' : 'failed',
        err instanceof AppErrorException ? err.error : null,
      );
      throw err;
    }
  }
  /** An import's batches: track() with the words a cancel leaves. */
  steps<T>(
    spec: Omit<JobSpec, 'dryRun'> & { cancelled: string },
    work: (job: JobControl) => Promise<T>,
  ): Promise<T> {
    return this.track(spec, work);
  }

  private begin(spec: JobSpec): Running {
    const started = performance.now();
    const r: Running = {
      started,
      cancelled: false,
      progress: {
        jobId: randomUUID(),
        kind: spec.kind,
        label: spec.label,
        state: 'running',
        done: 0,
        total: spec.total,
        unit: spec.unit,
        startedAt: this.deps.clock.now().toISOString(),
        elapsedMs: 0,
        etaSeconds: null,
        cancellable: true,
        error: null,
      },
    };
    this.running.set(r.progress.jobId, r);
    // No event yet: a job that ends within its first 150 ms (one conflict) never flashes a
    // progress bar; a longer one sends its first event then, and about every 150 ms after.
    return r;
  }

  private control(r: Running): JobControl {
    let sliceStart = performance.now();
    let lastEmit = r.started;
    return {
      id: r.progress.jobId,
      setTotal: (total) => {
        r.progress.total = total;
      },
      tick: async (done) => {
        r.progress.done = done;
        const now = performance.now();
        // Checked at every tick, not only where a slice ends: right after a yield that served
        // reads for a while, progress goes out before the next slice, not after it.
        if (now - lastEmit >= JOB_PROGRESS_EVERY_MS) {
          this.emit(r);
          lastEmit = now;
        }
        if (now - sliceStart < SLICE_MS) return;
        await nextTurn();
        sliceStart = performance.now();
        if (r.cancelled) throw cancelledError(r);
      },
    };
  }

  private end(r: Running, state: JobProgress['state'], error: JobProgress['error']): void {
    r.progress.state = state;
    r.progress.error = error;
    r.progress.cancellable = false;
    this.running.delete(r.progress.jobId);
    // Always said, so a window that saw the job start sees it end.
    this.emit(r);
  }

  private snapshot(r: Running): JobProgress {
    const elapsedMs = performance.now() - r.started;
    const { done, total } = r.progress;
    const rate = done / Math.max(elapsedMs, 1);
    return {
      ...r.progress,
      elapsedMs,
      etaSeconds:
        total !== null && done > 0 && r.progress.state === 'running'
          ? Math.max(0, (total - done) / rate / 1000)
          : null,
    };
  }

  private emit(r: Running): void {
    this.deps.events.emit('jobs:progress', this.snapshot(r));
  }
}
