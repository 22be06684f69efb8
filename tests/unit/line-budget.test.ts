import { describe, expect, it } from 'vitest';
import { linesToDraw } from '../../renderer/src/paging/line-budget';

/** Lines first..last of a window, those in [viewFrom, viewTo] in the viewport. */
const window = (first: number, last: number, viewFrom: number, viewTo: number) =>
  Array.from({ length: last - first + 1 }, (_, k) => ({
    id: first + k,
    inView: first + k >= viewFrom && first + k <= viewTo,
  }));
const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);

describe('linesToDraw: which lines a scrolling table draws in a render', () => {
  it('at rest draws every line of the window', () => {
    const full = linesToDraw({
      lines: window(0, 34, 10, 24),
      drawn: new Set<number>(),
      room: Infinity,
      direction: null,
    });
    expect(sorted(full)).toEqual(range(0, 34));
  });

  it('after a jump, while scrolling, draws the viewport and leaves the lines beyond it for later', () => {
    // The pages of a jump land: none of the 35 lines is drawn yet, 15 are in view.
    const full = linesToDraw({
      lines: window(100, 134, 110, 124),
      drawn: new Set<number>(),
      room: 10,
      direction: 'forward',
    });
    expect(sorted(full)).toEqual(range(110, 124));
  });

  it('a steady scroll draws the ten new lines ahead, keeping those already drawn', () => {
    // One step of ten lines down: 110..144 in the window, 120..134 in view, 100..134 drawn before.
    const full = linesToDraw({
      lines: window(110, 144, 120, 134),
      drawn: new Set(range(100, 134)),
      room: 10,
      direction: 'forward',
    });
    expect(sorted(full)).toEqual(range(110, 144));
  });

  it('draws first the new lines ahead of the scroll, nearest the viewport first', () => {
    const lines = window(0, 39, 15, 24);
    const drawn = new Set(range(15, 24));
    expect(sorted(linesToDraw({ lines, drawn, room: 5, direction: 'forward' }))).toEqual(
      range(15, 29),
    );
    expect(sorted(linesToDraw({ lines, drawn, room: 5, direction: 'backward' }))).toEqual(
      range(10, 24),
    );
    // Room beyond one side goes to the other.
    expect(sorted(linesToDraw({ lines, drawn, room: 18, direction: 'forward' }))).toEqual(
      range(12, 39),
    );
  });
});
