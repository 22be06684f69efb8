/**
 * Which blocks of a paged table to ask for, and how: a pure function of the
 * window, the scroll's way and what the store holds.
 *
 * The T7 count of "Loading…" lines: after each jump the table ran off its
 * rows for 4–17 steps, then again a few steps later. The store asked for one
 * block ahead (the one a hundred rows past the window), and downwards only
 * once the block before it was known (so that it is a keyset seek, not an
 * OFFSET); a block skipped while its predecessor was on its way was asked for
 * only when it entered the window, by OFFSET, and so on down the chain. So
 * now the whole stretch from the window to AHEAD rows past it is asked for,
 * in as few requests as possible (consecutive blocks in one query: at
 * 100 000 conflicts an OFFSET costs up to ~25 ms of the core's time, the
 * rows after it ~0.7 ms per hundred); a jump asks for the window and the
 * rows below it at once; and a block past the window whose predecessor is
 * on its way still waits for its cursor, which the store asks for again as
 * soon as that predecessor lands (not at the next scroll).
 */

export const BLOCK_SIZE = 100;
/**
 * How far past the window (in rows) the scroll's way is asked for: the rows
 * a fast scroll (ten rows a frame) passes while a page is on its way. In the
 * T7 bench a keyset page took 14–160 ms there and back on the loaded 2-core
 * machine, up to ten frames: a hundred rows ahead ran out now and then.
 */
export const AHEAD = 2 * BLOCK_SIZE;
/** The most blocks one request asks for (the conflicts' page limit is 500 rows). */
export const MAX_BLOCKS_PER_FETCH = 5;

/**
 * What the store holds of a block: its rows and the cursor of its last row
 * (`keyed`, the next block can be a keyset seek), its rows only (`known`, a
 * block in the middle of a larger request, or a short one), a request on its
 * way (`loading`), or nothing.
 */
export type BlockState = 'keyed' | 'known' | 'loading' | 'missing';

/** The scroll's way since the last window; `jump` when the windows do not overlap. */
export type Motion = 'down' | 'up' | 'jump' | 'still';

export interface Fetch {
  /** The first block asked for, and how many blocks from it. */
  block: number;
  blocks: number;
  /** Seek after the last row of block `block - 1`, or (false) skip `block * BLOCK_SIZE` rows. */
  keyset: boolean;
}

/** How the window moved from `was` to `now` (rows, inclusive). */
export function motionOf(was: readonly [number, number], now: readonly [number, number]): Motion {
  if (now[0] > was[1] || now[1] < was[0]) return 'jump';
  return now[0] > was[0] ? 'down' : now[0] < was[0] ? 'up' : 'still';
}

export function planFetches(opts: {
  /** The rows on screen and the overscan, inclusive. */
  window: readonly [number, number];
  motion: Motion;
  /** The row count, once known: nothing past the window is asked for before it. */
  total: number | null;
  state: (block: number) => BlockState;
}): Fetch[] {
  const [start, end] = opts.window;
  const { total, motion } = opts;
  const known = total !== null;
  // A jump asks ahead downwards only: the blocks below wait for its cursor, so
  // it must bring them itself, while the blocks above are OFFSET seeks anyway,
  // asked for at the first step up.
  const below = known && (motion === 'down' || motion === 'jump') ? AHEAD : 0;
  const above = known && motion === 'up' ? AHEAD : 0;
  const lastRow = known ? Math.min(total - 1, end + below) : end;
  const first = Math.floor(Math.max(0, start - above) / BLOCK_SIZE);
  const last = Math.floor(lastRow / BLOCK_SIZE);
  const windowFirst = Math.floor(start / BLOCK_SIZE);
  const windowLast = Math.floor(end / BLOCK_SIZE);

  const fetches: Fetch[] = [];
  /** Blocks this plan asks for: their cursors are on their way too. */
  const planned = new Set<number>();
  let b = first;
  while (b <= last) {
    if (opts.state(b) !== 'missing') {
      b++;
      continue;
    }
    let n = 1;
    while (n < MAX_BLOCKS_PER_FETCH && b + n <= last && opts.state(b + n) === 'missing') n++;
    const before = b > 0 ? opts.state(b - 1) : 'keyed';
    const keyset = b > 0 && before === 'keyed';
    const inWindow = b <= windowLast && b + n - 1 >= windowFirst;
    // Past the window, a block whose predecessor is on its way waits for its cursor.
    const waits =
      !keyset && !inWindow && b > windowLast && (before === 'loading' || planned.has(b - 1));
    if (!waits) {
      fetches.push({ block: b, blocks: n, keyset });
      for (let k = b; k < b + n; k++) planned.add(k);
    }
    b += n;
  }
  return fetches;
}
