import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  VisitorCreateDataSchema,
  isEmailAddress,
  isIsoTimestamp,
  wellFormed,
} from '../../../shared/visitor';
import { ServerClock } from '../../../server/clock';
import { MAX_JSON_DEPTH, nestsDeeperThan, parseJsonBody } from '../../../server/http/json-body';
import { HttpError } from '../../../server/http/errors';
import { RateLimiter } from '../../../server/rate-limit';
import { comparePoints, encodeCursor, nextPoint, parseSince } from '../../../server/sync/cursor';

/** The checks that keep one client from stalling the server, as pure functions. */

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

describe('email addresses in linear time', () => {
  it('agrees with the pattern it replaces on arbitrary strings', () => {
    const alphabet = fc.constantFrom('a', 'b', '@', '.', ' ', '\t', '-', 'é');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }), (chars) => {
        const s = chars.join('');
        expect(isEmailAddress(s)).toBe(EMAIL_PATTERN.test(s));
      }),
      { numRuns: 5_000 },
    );
  });

  it('answers "a@" + 100 000 dots + a space at once', () => {
    const s = `a@${'.'.repeat(100_000)} `;
    const t0 = performance.now();
    expect(isEmailAddress(s)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('a string over its length runs no later check (no pattern, no refinement)', () => {
    let calls = 0;
    const schema = wellFormed(10).refine(() => {
      calls++;
      return true;
    });
    expect(schema.safeParse('x'.repeat(11)).success).toBe(false);
    expect(calls).toBe(0);
    const r = VisitorCreateDataSchema.safeParse({ name: 'A', email: `a@${'.'.repeat(400)} ` });
    expect(r.error?.issues.map((i) => i.message)).toEqual(['must be at most 320 characters']);
  });

  it('NUL characters are refused (PostgreSQL cannot store them)', () => {
    const r = VisitorCreateDataSchema.safeParse({ name: 'A\u0000B' });
    expect(r.error?.issues[0]?.message).toBe('contains a NUL character');
  });
});

describe('strict calendar timestamps', () => {
  it.each([
    '2023-12-01T10:30:00.000Z',
    '2024-02-29T00:00:00Z',
    '2000-02-29T23:59:59.999+05:30',
    '2023-12-01T10:30Z',
    '2023-12-01T10:30:00-0800',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
  ])('accepts %s', (s) => expect(isIsoTimestamp(s)).toBe(true));

  it.each([
    '2023-02-30T10:00:00Z',
    '2023-02-29T10:00:00Z',
    '1900-02-29T10:00:00Z',
    '2023-04-31T10:00:00Z',
    '2023-13-01T10:00:00Z',
    '2023-00-10T10:00:00Z',
    '2023-01-00T10:00:00Z',
    '2023-01-01T24:00:00Z',
    '2023-01-01T10:60:00Z',
    '2023-01-01T10:00:60Z',
    '2023-01-01T10:00:00+24:00',
    '9999-12-31T23:59:59.999-14:00',
    '0000-01-01T00:00:00+01:00',
    '2023-01-01',
    '2023-01-01T10:00:00',
    `2023-01-01T10:00:00.${'1'.repeat(40)}Z`,
  ])('refuses %s', (s) => expect(isIsoTimestamp(s)).toBe(false));
});

describe('JSON nesting before parsing', () => {
  const depth = (s: string) => nestsDeeperThan(Buffer.from(s), 3);

  it('counts arrays and objects, not brackets inside strings', () => {
    expect(depth('[[[1]]]')).toBe(false);
    expect(depth('[[[[1]]]]')).toBe(true);
    expect(depth('{"a":{"b":{"c":1}}}')).toBe(false);
    expect(depth('{"a":{"b":{"c":{}}}}')).toBe(true);
    expect(depth('["[[[[[", "\\"[[[[", {"]]]]": 1}]')).toBe(false);
    expect(depth('[1],[2],[3],[4],[5]')).toBe(false);
  });

  it('refuses 8 MiB of "[" quickly, with a 400 that says why', () => {
    const body = Buffer.from('['.repeat(8 * 1024 * 1024));
    const t0 = performance.now();
    let error: unknown;
    try {
      parseJsonBody(body, 'application/json');
    } catch (e) {
      error = e;
    }
    expect(performance.now() - t0).toBeLessThan(500);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect((error as HttpError).message).toBe(
      `body: JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
  });

  it('keeps __proto__ as data (a per-operation error later), and refuses other charsets', () => {
    const parsed = parseJsonBody(
      Buffer.from('{"__proto__":{"x":1}}'),
      'application/json',
    ) as object;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(() => parseJsonBody(Buffer.from('{}'), 'application/json; charset=utf-16')).toThrow(
      /charset/,
    );
    expect(() => parseJsonBody(Buffer.from([0x22, 0xff, 0x22]), 'application/json')).toThrow(
      /UTF-8/,
    );
  });
});

describe('failed sign-ins per address', () => {
  it('peek does not take; an empty bucket says when to come back', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 0.5 }, () => now);
    expect(limiter.peek('1.2.3.4').ok).toBe(true);
    limiter.take('1.2.3.4');
    limiter.take('1.2.3.4');
    expect(limiter.peek('1.2.3.4')).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(limiter.peek('5.6.7.8').ok).toBe(true);
    now += 2_000;
    expect(limiter.peek('1.2.3.4').ok).toBe(true);
  });
});

describe('the clock mark of a write transaction', () => {
  it('no later stamp is below it, and it does not push the next stamp', () => {
    let wall = 1_000;
    const clock = new ServerClock(() => wall);
    expect(clock.nextStampFloor()).toBe(1_000);
    expect(clock.stamp()).toBe(1_000);
    expect(clock.nextStampFloor()).toBe(1_001);
    wall = 500; // the wall clock steps back
    expect(clock.stamp()).toBe(1_001);
  });
});

describe('PostgreSQL feed points in cursors', () => {
  it('round-trips x<tx>.c<seq>[.t<ms>], ordered by transaction then seq', () => {
    for (const pos of [
      { afterSeq: 0, sinceMs: null, afterTx: 812 },
      { afterSeq: 40, sinceMs: 1_700_000_000_000, afterTx: 9 },
    ]) {
      expect(parseSince(encodeCursor(pos))).toEqual({ ok: true, position: pos });
    }
    expect(encodeCursor({ afterSeq: 40, sinceMs: null, afterTx: 9 })).toBe('x9.c40');
    expect(comparePoints({ tx: 2, seq: 1 }, { tx: 1, seq: 99 })).toBeGreaterThan(0);
    expect(nextPoint({ tx: 5, seq: 3 }, { tx: 7, seq: 1 }, false, { tx: 9, seq: 0 })).toEqual({
      tx: 9,
      seq: 0,
    });
    expect(nextPoint({ tx: 5, seq: 3 }, { tx: 7, seq: 1 }, true, { tx: 9, seq: 0 })).toEqual({
      tx: 7,
      seq: 1,
    });
  });
});
