import type { SyncProgress } from '../../../shared/ipc/contract';

/** Running totals of a run, and the progress event built from them. */
export class Progress {
  phase: SyncProgress['phase'] = 'pull';
  chunk = 0;
  chunks = 0;
  done = 0;
  total = 0;
  pulled = 0;
  created = 0;
  updated = 0;
  deleted = 0;
  conflicts = 0;
  errors = 0;
  retried = 0;
  bytesSent = 0;
  bytesReceived = 0;
  private pushStartedAt: number | null = null;

  constructor(
    readonly runId: number,
    private readonly startedAt: number,
    private readonly now: () => number,
  ) {}

  startPush(total: number): void {
    this.phase = 'push';
    this.total = total;
    this.pushStartedAt ??= this.now();
  }

  add(c: {
    created: number;
    updated: number;
    deleted: number;
    conflicts: number;
    errors: number;
    retried: number;
  }): void {
    this.created += c.created;
    this.updated += c.updated;
    this.deleted += c.deleted;
    this.conflicts += c.conflicts;
    this.errors += c.errors;
    this.retried += c.retried;
    this.done += c.created + c.updated + c.deleted + c.conflicts + c.errors + c.retried;
  }

  snapshot(): SyncProgress {
    const now = this.now();
    const elapsedMs = now - this.startedAt;
    const pushMs = this.pushStartedAt === null ? 0 : now - this.pushStartedAt;
    const opsPerSecond = pushMs > 0 ? (this.done / pushMs) * 1000 : 0;
    const left = Math.max(0, this.total - this.done);
    return {
      runId: this.runId,
      phase: this.phase,
      chunk: this.chunk,
      chunks: this.chunks,
      done: this.done,
      total: this.total,
      pulled: this.pulled,
      created: this.created,
      updated: this.updated,
      deleted: this.deleted,
      conflicts: this.conflicts,
      errors: this.errors,
      retried: this.retried,
      bytes: this.bytesSent + this.bytesReceived,
      opsPerSecond: Math.round(opsPerSecond),
      etaSeconds: this.phase === 'push' && opsPerSecond > 0 ? Math.ceil(left / opsPerSecond) : null,
      elapsedMs,
    };
  }
}
