import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CountsNotifier } from '../../electron/core/outbox/counts-notifier';
import type { OutboxCounts } from '../../shared/ipc/visitors-contract';

const counts = (pending: number): OutboxCounts => ({
  total: pending,
  create: 0,
  update: pending,
  delete: 0,
  pending,
  inFlight: 0,
  retrying: 0,
  failed: 0,
});

describe('outbox counts to the windows, at most once per interval', () => {
  let queued = 0;
  let counted = 0;
  let sent: OutboxCounts[] = [];
  let notifier: CountsNotifier;
  beforeEach(() => {
    vi.useFakeTimers();
    queued = 0;
    counted = 0;
    sent = [];
    notifier = new CountsNotifier(
      () => {
        counted++;
        return counts(queued);
      },
      (c) => sent.push(c),
      100,
    );
  });
  afterEach(() => {
    notifier.dispose();
    vi.useRealTimers();
  });

  it('a single change is told at once', () => {
    queued = 1;
    notifier.changed();
    expect(sent.map((c) => c.pending)).toEqual([1]);
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(1);
  });

  it('a burst: the first at once, then only the last, counted once, within the interval', () => {
    for (let i = 1; i <= 50; i++) {
      queued = i;
      notifier.changed();
    }
    expect(sent.map((c) => c.pending)).toEqual([1]);
    vi.advanceTimersByTime(99);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent.map((c) => c.pending)).toEqual([1, 50]);
    expect(counted).toBe(2);
  });

  it('a change after a quiet interval is told at once again', () => {
    notifier.changed();
    vi.advanceTimersByTime(100);
    queued = 7;
    notifier.changed();
    expect(sent.map((c) => c.pending)).toEqual([0, 7]);
  });

  it('a steady stream is told every interval, and its end is never dropped', () => {
    for (let ms = 0; ms < 1000; ms += 10) {
      queued++;
      notifier.changed();
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(100);
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(sent.at(-1)!.pending).toBe(100);
  });

  it('nothing is told after dispose (the core is closing)', () => {
    notifier.changed();
    notifier.changed();
    notifier.dispose();
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(1);
  });

  it('a count that fails neither throws to the edit nor from the timer; the next change counts again', () => {
    const errors: unknown[] = [];
    let broken = true;
    const flaky = new CountsNotifier(
      () => {
        if (broken) throw new Error('database is locked');
        return counts(queued);
      },
      (c) => sent.push(c),
      100,
      (err) => errors.push(err),
    );
    expect(() => flaky.changed()).not.toThrow();
    flaky.changed();
    // The trailing count runs from the timer, where a throw would stop the core.
    expect(() => vi.advanceTimersByTime(100)).not.toThrow();
    expect(errors).toHaveLength(2);
    expect(sent).toHaveLength(0);
    broken = false;
    queued = 3;
    vi.advanceTimersByTime(100);
    flaky.changed();
    expect(sent.map((c) => c.pending)).toEqual([3]);
    flaky.dispose();
  });
});
