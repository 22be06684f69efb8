import { describe, expect, it } from 'vitest';
import { encodeCursor, nextPosition, parseLimit, parseSince } from '../../../server/sync/cursor';

describe('change-feed cursors', () => {
  it('round-trips seq and optional time floor', () => {
    for (const pos of [
      { afterSeq: 0, sinceMs: null },
      { afterSeq: 12345, sinceMs: null },
      { afterSeq: 7, sinceMs: Date.parse('2023-12-01T09:00:00.000Z') },
    ]) {
      expect(parseSince(encodeCursor(pos))).toEqual({ ok: true, position: pos });
    }
  });

  it('absent or empty since means everything', () => {
    expect(parseSince(undefined)).toEqual({ ok: true, position: { afterSeq: 0, sinceMs: null } });
    expect(parseSince(null)).toEqual({ ok: true, position: { afterSeq: 0, sinceMs: null } });
    expect(parseSince('')).toEqual({ ok: true, position: { afterSeq: 0, sinceMs: null } });
  });

  it('accepts an ISO timestamp (seed compatibility)', () => {
    expect(parseSince('2023-12-01T09:00:00.000Z')).toEqual({
      ok: true,
      position: { afterSeq: 0, sinceMs: Date.parse('2023-12-01T09:00:00.000Z') },
    });
    expect(parseSince('2023-12-01T09:00:00+02:00').ok).toBe(true);
  });

  it.each(['abc', 'c', 'c-1', 'c1.t', 'c1.x5', '2023-13-45', 'c9999999999999999', '12', ' c1'])(
    'rejects %j naming since',
    (since) => {
      const r = parseSince(since);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toMatch(/^since: /);
    },
  );

  it('limit: default, bounds and junk', () => {
    expect(parseLimit(null, 1000, 10_000)).toEqual({ ok: true, limit: 1000 });
    expect(parseLimit('1', 1000, 10_000)).toEqual({ ok: true, limit: 1 });
    expect(parseLimit('10000', 1000, 10_000)).toEqual({ ok: true, limit: 10_000 });
    for (const bad of ['0', '10001', '-1', '1.5', 'abc', '', '1e3', '9999999']) {
      expect(parseLimit(bad, 1000, 10_000).ok).toBe(false);
    }
  });

  it('next position: last row mid-feed, head at the end, never backwards', () => {
    expect(nextPosition({ afterSeq: 10, sinceMs: null }, 20, true, 50)).toEqual({
      afterSeq: 20,
      sinceMs: null,
    });
    expect(nextPosition({ afterSeq: 10, sinceMs: 5 }, 20, false, 50)).toEqual({
      afterSeq: 50,
      sinceMs: 5,
    });
    expect(nextPosition({ afterSeq: 10, sinceMs: null }, null, false, 50)).toEqual({
      afterSeq: 50,
      sinceMs: null,
    });
    expect(nextPosition({ afterSeq: 60, sinceMs: null }, null, false, 50)).toEqual({
      afterSeq: 60,
      sinceMs: null,
    });
  });
});
