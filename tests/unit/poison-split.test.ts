import { describe, expect, it } from 'vitest';
import { appError } from '../../shared/errors';
import { PoisonSplitter, shouldSplit } from '../../electron/core/sync/poison-split';

const ops = (...attempts: number[]) => attempts.map((a) => ({ attempts: a }));
const server500 = { ...appError('server', 'HTTP 500', true), status: 500 };
const bad400 = { ...appError('rejected', 'HTTP 400'), status: 400 };
const reset = appError('network', 'cut', true);

describe('poison isolation: when a refused chunk is split', () => {
  it('not on the first retryable refusal: it may be the server, not the chunk', () => {
    expect(shouldSplit(ops(1, 1, 1), server500)).toBe(false);
    expect(shouldSplit(ops(1, 1, 1), reset)).toBe(false);
  });

  it('on the second refusal (5xx, timeout, reset, a reply that does not fit)', () => {
    expect(shouldSplit(ops(2, 1), server500)).toBe(true);
    expect(shouldSplit(ops(3, 3), reset)).toBe(true);
    expect(shouldSplit(ops(2, 2), appError('timeout', 't', true))).toBe(true);
    expect(shouldSplit(ops(2, 2), appError('bad_response', 'b', true))).toBe(true);
  });

  it('at once on a refusal that would fail every operation (a 400)', () => {
    expect(shouldSplit(ops(1, 1), bad400)).toBe(true);
  });

  it('never for one operation, an overloaded server or what the chunk cannot provoke', () => {
    expect(shouldSplit(ops(4), server500)).toBe(false);
    expect(shouldSplit(ops(2, 2), { ...server500, status: 503, retryAfterMs: 1000 })).toBe(false);
    expect(shouldSplit(ops(2, 2), { ...appError('rate_limited', 'r', true), status: 429 })).toBe(
      false,
    );
    for (const code of ['auth', 'forbidden', 'cancelled', 'too_large'])
      expect(shouldSplit(ops(2, 2), appError(code, code))).toBe(false);
  });

  it('stops for the run when both halves fail on the connection: a server that is down', () => {
    const s = new PoisonSplitter();
    expect(s.decide(ops(2, 2), reset)).toBe(true);
    s.halvesDone(null, reset); // one half went through: still a poison hunt
    expect(s.decide(ops(2, 2), reset)).toBe(true);
    s.halvesDone(server500, server500); // the server answered both: two poisons, go on
    expect(s.decide(ops(2, 2), server500)).toBe(true);
    s.halvesDone(reset, appError('timeout', 't', true));
    expect(s.decide(ops(2, 2), reset)).toBe(false);
    expect(s.decide(ops(2, 2), server500)).toBe(false);
  });
});
