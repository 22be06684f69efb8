import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKOFF,
  retryDelayMs,
  type BackoffSettings,
} from '../../electron/core/sync/backoff';

/** The retry queue's schedule: what "next attempt" counts down to. */
describe('backoff schedule', () => {
  const settings = fc.record({
    baseMs: fc.integer({ min: 1, max: 60_000 }),
    factor: fc.double({ min: 1, max: 4, noNaN: true }),
    maxAttempts: fc.integer({ min: 1, max: 12 }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('stays within ±jitter of base × factor^(n−1) for every attempt and random draw', () => {
    fc.assert(
      fc.property(
        settings,
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (s: BackoffSettings, attempts, r) => {
          const d = retryDelayMs(attempts, s, () => r);
          if (attempts >= s.maxAttempts) return d === null;
          const raw = s.baseMs * s.factor ** (attempts - 1);
          return (
            d !== null &&
            d >= Math.floor(raw * (1 - s.jitter)) &&
            d <= Math.ceil(raw * (1 + s.jitter))
          );
        },
      ),
    );
  });

  it('reaches both jitter bounds at the extreme draws (1 s ± 20 % by default)', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, () => 0)).toBe(800);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, () => 0.999_999_9)).toBe(1_200);
    expect(retryDelayMs(4, DEFAULT_BACKOFF, () => 0)).toBe(6_400);
    expect(retryDelayMs(4, DEFAULT_BACKOFF, () => 0.999_999_9)).toBe(9_600);
  });

  it('spreads a thousand operations that failed together', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    const delays = new Set(
      Array.from({ length: 1000 }, () => retryDelayMs(1, DEFAULT_BACKOFF, rand)),
    );
    expect(delays.size).toBeGreaterThan(200);
  });

  it('gives up after maxAttempts: the test settings (shortened) included', () => {
    const fast = { baseMs: 300, factor: 2, maxAttempts: 3, jitter: 0 };
    expect([1, 2, 3].map((a) => retryDelayMs(a, fast))).toEqual([300, 600, null]);
  });

  it('never undercuts a Retry-After, whatever the jitter', () => {
    fc.assert(
      fc.property(
        settings,
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (s, after, r) => {
          const d = retryDelayMs(1, s, () => r, after);
          return s.maxAttempts <= 1 ? d === null : d !== null && d >= after;
        },
      ),
    );
  });
});
