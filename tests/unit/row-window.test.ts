import { describe, expect, it } from 'vitest';
import { NO_ROWS, rowRange, scrollTopFor } from '../../renderer/src/paging/row-window';

describe('rowRange', () => {
  it('covers the rows in view, partly seen ones included, plus the overscan', () => {
    // 34 px rows, 100 px high: from 340 px, rows 10..12 are in view (12 partly, to 440).
    expect(rowRange({ scrollTop: 340, height: 100 }, 34, 1000, 5)).toEqual({
      first: 5,
      last: 17,
      startIndex: 10,
      endIndex: 12,
    });
    // A row cut at the top is in view too.
    expect(rowRange({ scrollTop: 350, height: 100 }, 34, 1000, 0)).toMatchObject({
      startIndex: 10,
      endIndex: 13,
    });
  });

  it('clamps to the rows there are, at both ends', () => {
    expect(rowRange({ scrollTop: 0, height: 500 }, 40, 3, 10)).toEqual({
      first: 0,
      last: 2,
      startIndex: 0,
      endIndex: 2,
    });
    // Scrolled past the end (the count just dropped): the last screenful, where the
    // browser is about to put the scroll, not the last row alone.
    expect(rowRange({ scrollTop: 40_000, height: 400 }, 40, 50, 2)).toEqual({
      first: 38,
      last: 49,
      startIndex: 40,
      endIndex: 49,
    });
    // An overscrolled bounce (negative offset) reads as the top.
    expect(rowRange({ scrollTop: -30, height: 80 }, 40, 50, 0)).toMatchObject({
      startIndex: 0,
      endIndex: 1,
    });
  });

  it('draws nothing with no rows or before the scroller has a height', () => {
    expect(rowRange({ scrollTop: 0, height: 500 }, 40, 0, 10)).toEqual(NO_ROWS);
    expect(rowRange({ scrollTop: 0, height: 0 }, 40, 100, 10)).toEqual(NO_ROWS);
  });

  it('costs the same at a million rows as at ten: arithmetic, no per-row state', () => {
    const r = rowRange({ scrollTop: 999_000 * 32, height: 640 }, 32, 1_000_000, 12);
    expect(r).toEqual({ first: 998_988, last: 999_031, startIndex: 999_000, endIndex: 999_019 });
  });
});

describe('scrollTopFor', () => {
  const view = { scrollTop: 400, height: 200 }; // rows 10..14 of 40 px in full view
  it("does not move for 'auto' when the row is in full view", () => {
    expect(scrollTopFor(10, 'auto', view, 40, 100)).toBeNull();
    expect(scrollTopFor(14, 'auto', view, 40, 100)).toBeNull();
  });
  it("moves the least for 'auto': to the top from above, to the bottom from below", () => {
    expect(scrollTopFor(9, 'auto', view, 40, 100)).toBe(360);
    expect(scrollTopFor(15, 'auto', view, 40, 100)).toBe(440);
    // Partly cut at the bottom counts as not in view.
    expect(scrollTopFor(14, 'auto', { scrollTop: 390, height: 200 }, 40, 100)).toBe(400);
  });
  it('aligns start, center and end, within the scroll range', () => {
    expect(scrollTopFor(50, 'start', view, 40, 100)).toBe(2000);
    expect(scrollTopFor(50, 'end', view, 40, 100)).toBe(1840);
    expect(scrollTopFor(50, 'center', view, 40, 100)).toBe(1920);
    expect(scrollTopFor(0, 'center', view, 40, 100)).toBe(0);
    expect(scrollTopFor(99, 'start', view, 40, 100)).toBe(3800);
  });
  it('clamps an index out of range to the rows there are, and has nowhere to go with none', () => {
    expect(scrollTopFor(500, 'auto', view, 40, 100)).toBe(3800);
    expect(scrollTopFor(-3, 'auto', view, 40, 100)).toBe(0);
    expect(scrollTopFor(3, 'auto', view, 40, 0)).toBeNull();
  });
});
