import { BLOCK_SIZE } from './fetch-plan';

/**
 * How many blocks of rows a paged table keeps, fresh and stale together.
 *
 * A block of conflicts is ~140 kB (each row carries its whole `resolvable`),
 * so a store that never dropped one held the whole set once scrolled through:
 * ~140 MB of JS heap for 100 000 conflicts. Fifty blocks are 5 000 rows,
 * ~7 MB of conflicts: the window (a screenful or two) and the 200 rows the
 * fetch plan asks for ahead of it are a handful of blocks, so this leaves
 * thousands of rows either way for scrolling back without a new query.
 */
export const MAX_BLOCKS = 50;

/** How far block `b` is from the window's blocks, in blocks (0 inside it). */
function distance(b: number, window: readonly [number, number]): number {
  const first = Math.floor(window[0] / BLOCK_SIZE);
  const last = Math.floor(window[1] / BLOCK_SIZE);
  return b < first ? first - b : b > last ? b - last : 0;
}

/**
 * Which of the `held` blocks to drop so that at most `max` remain: the ones
 * farthest from the window (rows, inclusive), never `pinned` (the block of a
 * row the screen shows outside the window, such as the focused conflict in
 * the detail pane), nor one of the window's own (dropping those would only
 * ask for them again). A dropped block is only a later query when it scrolls
 * back in (by OFFSET unless the block before it is held, as after a jump).
 */
export function blocksToDrop(opts: {
  held: Iterable<number>;
  window: readonly [number, number];
  pinned?: number | null;
  max?: number;
}): number[] {
  const max = opts.max ?? MAX_BLOCKS;
  const held = [...opts.held];
  if (held.length <= max) return [];
  const candidates = held
    .filter((b) => b !== opts.pinned)
    .map((b) => ({ b, d: distance(b, opts.window) }))
    .filter((c) => c.d > 0)
    // Farthest first; of two as far, the one further down (the top is where tables start).
    .sort((x, y) => y.d - x.d || y.b - x.b);
  return candidates.slice(0, held.length - max).map((c) => c.b);
}
