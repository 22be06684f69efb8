import type { OutboxCounts } from '../../../shared/ipc/visitors-contract';

/** How often, at most, a burst of edits recounts the outbox for the windows. */
export const COUNTS_EVERY_MS = 100;

/**
 * Tells the windows the outbox's counts after a change, at most once per
 * `everyMs`: the first change at once, the last of a burst within `everyMs`.
 * Counting reads every queued operation (0.13 ms at 2 000, milliseconds at
 * 50 000), and each push makes the status bar, the queue and the conflicts
 * side reload; once per edit made a run of quick edits pay that every time.
 */
export class CountsNotifier {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pending = false;

  constructor(
    private readonly count: () => OutboxCounts,
    private readonly emit: (counts: OutboxCounts) => void,
    private readonly everyMs = COUNTS_EVERY_MS,
    /** A count that could not be read or sent; the next change tries again. */
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  changed(): void {
    if (this.timer) {
      this.pending = true;
      return;
    }
    this.send();
  }

  /** No push after this (the core is closing). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = false;
  }

  private send(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.pending) return;
      this.pending = false;
      this.send();
    }, this.everyMs);
    this.timer.unref?.();
    // The edit that asked is already committed: a count that fails (the read
    // connection busy or gone) must neither fail that edit nor, from the
    // timer, stop the core. The windows keep the last counts until the next
    // change.
    try {
      this.emit(this.count());
    } catch (err) {
      this.onError(err);
    }
  }
}
