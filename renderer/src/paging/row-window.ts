/**
 * Which rows of a scroller of fixed-height rows are on screen, by arithmetic.
 *
 * Every table here has rows of one height, so the rows in view follow from
 * the scroll offset alone. A general virtualizer keeps a measurement object
 * per row instead and rebuilds them all whenever the row count changes:
 * 200 000 objects took 100 ms of the window's first paint, and again at every
 * new count (a filter, a sync landing rows).
 */

/** The scroller as last seen: its offset and its visible height, in px. */
export interface Viewport {
  scrollTop: number;
  height: number;
}

/** The rows to draw (`first`..`last`, overscan included) and those in view. */
export interface RowRange {
  first: number;
  last: number;
  /** In view, overscan not included: `startIndex`..`endIndex`. */
  startIndex: number;
  endIndex: number;
}

/** No rows to draw: `last` < `first`. */
export const NO_ROWS: RowRange = { first: 0, last: -1, startIndex: 0, endIndex: -1 };

export function rowRange(
  view: Viewport,
  rowHeight: number,
  count: number,
  overscan: number,
): RowRange {
  if (count <= 0 || view.height <= 0 || rowHeight <= 0) return NO_ROWS;
  // An offset past the end (the count just dropped, the browser has not cut the
  // scroll back yet) is read where the browser will put it: the last screenful,
  // so that frame draws full rows instead of the last one alone.
  const top = Math.min(Math.max(0, view.scrollTop), Math.max(0, count * rowHeight - view.height));
  const startIndex = Math.min(count - 1, Math.floor(top / rowHeight));
  const endIndex = Math.min(count - 1, Math.ceil((top + view.height) / rowHeight) - 1);
  return {
    first: Math.max(0, startIndex - overscan),
    last: Math.min(count - 1, Math.max(startIndex, endIndex) + overscan),
    startIndex,
    endIndex: Math.max(startIndex, endIndex),
  };
}

export function sameRange(a: RowRange, b: RowRange): boolean {
  return (
    a.first === b.first &&
    a.last === b.last &&
    a.startIndex === b.startIndex &&
    a.endIndex === b.endIndex
  );
}

export type Align = 'auto' | 'start' | 'center' | 'end';

/**
 * The scroll offset that shows row `index`, or null when it is already in
 * full view and `align` is 'auto' (then nothing moves: a keyboard step
 * inside the viewport does not jolt the list). 'auto' otherwise moves the
 * least: the row lands at the top when it was above, at the bottom when below.
 */
export function scrollTopFor(
  index: number,
  align: Align,
  view: Viewport,
  rowHeight: number,
  count: number,
): number | null {
  if (count <= 0) return null;
  const i = Math.min(count - 1, Math.max(0, Math.floor(index)));
  const top = i * rowHeight;
  const bottom = top + rowHeight;
  const maxTop = Math.max(0, count * rowHeight - view.height);
  let target: number;
  if (align === 'start') target = top;
  else if (align === 'end') target = bottom - view.height;
  else if (align === 'center') target = top - (view.height - rowHeight) / 2;
  else if (top >= view.scrollTop && bottom <= view.scrollTop + view.height) return null;
  else target = top < view.scrollTop ? top : bottom - view.height;
  return Math.min(maxTop, Math.max(0, target));
}
