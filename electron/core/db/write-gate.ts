import { AsyncLocalStorage } from 'node:async_hooks';
import { AppErrorException, appError } from '../../../shared/errors';
import type { Db } from './open';

/**
 * One writer at a time on the core's connection, in the order they asked.
 *
 * better-sqlite3 is synchronous, so a short write (an edit, a settled chunk)
 * simply runs; but a long job (a bulk apply over 50 000 conflicts) keeps one
 * transaction open across many turns of the event loop, so that reads (on
 * their own connection) and progress events go on while it works and a
 * cancel can roll it all back. While a job holds the gate, every other write
 * waits for it: otherwise it would land inside the job's transaction and be
 * rolled back with it.
 */
export class WriteGate {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private holder: string | null = null;
  private readonly insideJob = new AsyncLocalStorage<true>();

  /** What holds the gate now (a job's label), or null. */
  get busyWith(): string | null {
    return this.holder;
  }

  /**
   * A short write: runs now when nothing holds the gate (the common case,
   * with no extra turn of the event loop), otherwise after what is ahead of it.
   */
  run<T>(fn: () => T): Promise<T> {
    // Inside the job that holds the gate, its own writes go straight in.
    if ((this.waiting === 0 && this.holder === null) || this.insideJob.getStore()) {
      try {
        return Promise.resolve(fn());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.enqueue(async () => fn());
  }

  /** A long job: holds the gate across awaits until `fn` settles. */
  hold<T>(label: string, fn: () => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      this.holder = label;
      try {
        return await this.insideJob.run(true, fn);
      } finally {
        this.holder = null;
      }
    });
  }

  /** Refuses a write that would land inside another job's transaction. */
  assertMayWrite(): void {
    if (this.holder !== null && !this.insideJob.getStore())
      throw new AppErrorException(
        appError(
          'db_busy',
          `The console is busy (${this.holder}); the change was not saved. Try again when it ends.`,
          true,
        ),
      );
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => void this.waiting--,
      () => void this.waiting--,
    );
    return result;
  }
}

/**
 * Makes every `db.transaction(...)` call of this connection check the gate
 * first: a write that forgot to wait for it fails in words (`db_busy`)
 * instead of joining a long job's open transaction.
 */
export function guardTransactions(db: Db, gate: WriteGate): void {
  const original = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const tx = original(fn);
    const guarded = <F extends (...args: never[]) => unknown>(variant: F) =>
      ((...args: Parameters<F>) => {
        gate.assertMayWrite();
        return variant(...args);
      }) as F;
    return Object.assign(guarded(tx), {
      default: guarded(tx.default),
      deferred: guarded(tx.deferred),
      immediate: guarded(tx.immediate),
      exclusive: guarded(tx.exclusive),
    });
  }) as Db['transaction'];
}
