import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, retryDelayMs } from '../../electron/core/sync/backoff';
import { chunk, halve } from '../../electron/core/sync/chunker';
import { baseAfterAck, mergePulled } from '../../electron/core/sync/merge-pulled';
import { pageRetryDelayMs, type FailedPageRead } from '../../electron/core/sync/page-retry';
import { parseRetryAfter, shouldGzip } from '../../electron/core/sync/server-api';
import { EMPTY_VALUES, type VisitorValues } from '../../shared/visitor';

describe('retryDelayMs', () => {
  const exact = { ...DEFAULT_BACKOFF, jitter: 0 };
  it('waits 1 s after the first attempt and doubles, as the seed does', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, exact))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });
  it('gives up after the maximum attempts', () => {
    expect(retryDelayMs(5, exact)).toBeNull();
    expect(retryDelayMs(6, exact)).toBeNull();
  });
  it('keeps jitter within ±20 % of the nominal delay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const nominal = 1_000 * 2 ** (attempt - 1);
          const d = retryDelayMs(attempt, DEFAULT_BACKOFF, () => r)!;
          return d >= nominal * 0.8 - 1 && d <= nominal * 1.2 + 1;
        },
      ),
    );
  });
  it('uses every setting', () => {
    expect(retryDelayMs(3, { baseMs: 50, factor: 3, maxAttempts: 10, jitter: 0 })).toBe(450);
  });
  it('never comes back before the server said to', () => {
    expect(retryDelayMs(1, exact, Math.random, 30_000)).toBe(30_000);
    expect(retryDelayMs(4, exact, Math.random, 10)).toBe(8_000);
  });
});

describe('pageRetryDelayMs', () => {
  const exact = { ...DEFAULT_BACKOFF, jitter: 0 };
  const read = (over: Partial<FailedPageRead> = {}): FailedPageRead => ({
    error: { retryable: true },
    attempts: 1,
    reached: true,
    now: 0,
    retryUntil: 120_000,
    ...over,
  });
  it('waits as the push does after each failed read of the page, and gives up after its attempts', () => {
    expect([1, 2, 3, 4, 5].map((attempts) => pageRetryDelayMs(read({ attempts }), exact))).toEqual([
      1_000,
      2_000,
      4_000,
      8_000,
      null,
    ]);
  });
  it('obeys a Retry-After', () => {
    expect(
      pageRetryDelayMs(read({ error: { retryable: true, retryAfterMs: 30_000 } }), exact),
    ).toBe(30_000);
  });
  it('never starts a retry past the run’s limit', () => {
    expect(pageRetryDelayMs(read({ now: 119_000 }), exact)).toBe(1_000);
    expect(pageRetryDelayMs(read({ now: 119_001 }), exact)).toBeNull();
    expect(
      pageRetryDelayMs(read({ error: { retryable: true, retryAfterMs: 200_000 } }), exact),
    ).toBeNull();
  });
  it('does not retry what is not retryable', () => {
    expect(pageRetryDelayMs(read({ error: { retryable: false } }), exact)).toBeNull();
  });
  it('says at once that nothing answers before anything did, and waits out a server that went away', () => {
    const unreached = { retryable: true, unreached: true as const };
    expect(pageRetryDelayMs(read({ error: unreached, reached: false }), exact)).toBeNull();
    expect(pageRetryDelayMs(read({ error: unreached, reached: true }), exact)).toBe(1_000);
  });
});

describe('chunk / halve', () => {
  it('splits in order, the last chunk shorter', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 500)).toEqual([]);
  });
  it('refuses a size that is not a positive integer', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
    expect(() => chunk([1], 1.5)).toThrow(RangeError);
  });
  it('keeps every item exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer()),
        fc.integer({ min: 1, max: 50 }),
        (xs, n) => chunk(xs, n).flat().join() === xs.join(),
      ),
    );
  });
  it('halves a chunk the server found too large, and not a single operation', () => {
    expect(halve([1, 2, 3])).toEqual([[1, 2], [3]]);
    expect(halve([1])).toBeNull();
  });
});

const v = (over: Partial<VisitorValues>): VisitorValues => ({
  ...EMPTY_VALUES,
  name: 'Ada',
  ...over,
});

describe('mergePulled', () => {
  it('keeps local edits and takes the server for every other field', () => {
    const base = v({ title: 'A', phone: '1', interests: ['x'] });
    const current = { ...base, title: 'Local' };
    const server = { ...base, phone: '2', company: 'Server Co' };
    expect(mergePulled(current, base, server)).toEqual({ ...server, title: 'Local' });
  });
  it('keeps a local edit even when the server changed the same field (the push reports the conflict)', () => {
    const base = v({ title: 'A' });
    expect(mergePulled({ ...base, title: 'Local' }, base, { ...base, title: 'Server' }).title).toBe(
      'Local',
    );
  });
  it('is the server record when nothing changed locally', () => {
    const base = v({ title: 'A' });
    const server = v({ title: 'B', interests: ['y'] });
    expect(mergePulled(base, base, server)).toEqual(server);
  });
});

describe('baseAfterAck', () => {
  it('is the current record when nothing later is pending', () => {
    const current = v({ title: 'T', phone: '9' });
    expect(baseAfterAck(current, v({}), { title: 'T' }, new Set())).toEqual(current);
  });
  it('keeps fields of later, unsent operations at what the server now has', () => {
    const oldBase = v({ title: 'A', phone: '1' });
    const current = v({ title: 'C', phone: '2' }); // title C from a later edit; phone 2 sent now
    const base = baseAfterAck(current, oldBase, { title: 'B', phone: '2' }, new Set(['title']));
    expect(base).toEqual(v({ title: 'B', phone: '2' }));
    const untouched = baseAfterAck(current, oldBase, { phone: '2' }, new Set(['title']));
    expect(untouched.title).toBe('A');
  });
});

describe('shouldGzip', () => {
  it('compresses only chunks of more than 100 operations to a server not on this host', () => {
    expect(shouldGzip('https://sync.example.com', 101)).toBe(true);
    expect(shouldGzip('https://sync.example.com', 100)).toBe(false);
    for (const local of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']) {
      expect(shouldGzip(local, 5_000)).toBe(false);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores nonsense', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(' 3 ')).toBe(3_000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')),
    ).toBe(60_000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 08:00:00 GMT')),
    ).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(['5', '9'])).toBe(5_000);
  });
});
