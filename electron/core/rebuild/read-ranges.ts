/**
 * Reading a table whose b-tree has damaged pages: a query that has to cross
 * a bad page fails as a whole, so the rows are read by rowid ranges, and a
 * range that fails is halved until what fails is as small as it can be. One
 * bad page then costs only the rows on it. Pure: the reading is a callback
 * (SQL in salvage.ts), so the narrowing can be tested on its own.
 */

/** Rows with lo ≤ rowid ≤ hi; throws when a page on the way cannot be read. */
export type RangeReader<R> = (lo: number, hi: number) => R[];

export interface RangeOutcome<R> {
  rows: R[];
  /** Rowids known to exist (an index of the table names them) whose row could not be read. */
  lostIds: number[];
  /**
   * Without known rowids: how many rowid values could not be read. An upper
   * bound on the rows lost (a value in a gap of the ids counts too).
   */
  failedValues: number;
  /** The budget of queries ran out before every failing range was narrowed down. */
  exhausted: boolean;
  queries: number;
}

const empty = <R>(): RangeOutcome<R> => ({
  rows: [],
  lostIds: [],
  failedValues: 0,
  exhausted: false,
  queries: 0,
});

/**
 * Reads the rows of `ids` (sorted, as an index of the table lists them): a
 * range from the first to the last id, halved on failure down to single ids.
 * `isDamage` tells damage (narrow it down) from any other error (rethrown).
 * Past `budget` queries the ids not narrowed down yet count as lost.
 */
export function readKnownIds<R>(
  read: RangeReader<R>,
  ids: readonly number[],
  isDamage: (err: unknown) => boolean,
  budget = 200_000,
): RangeOutcome<R> {
  const out = empty<R>();
  const go = (from: number, to: number): void => {
    // ids[from..to], inclusive
    if (out.queries >= budget) {
      out.exhausted = true;
      for (let i = from; i <= to; i++) out.lostIds.push(ids[i]!);
      return;
    }
    out.queries++;
    try {
      out.rows.push(...read(ids[from]!, ids[to]!));
    } catch (err) {
      if (!isDamage(err)) throw err;
      if (from === to) {
        out.lostIds.push(ids[from]!);
        return;
      }
      const mid = Math.floor((from + to) / 2);
      go(from, mid);
      go(mid + 1, to);
    }
  };
  if (ids.length > 0) go(0, ids.length - 1);
  return out;
}

/**
 * Reads every row with lo ≤ rowid ≤ hi when no index says which rowids
 * exist: numeric halving down to single values. Past `budget` queries it
 * stops (`exhausted`: how many rows were lost is then unknown).
 */
export function readSpan<R>(
  read: RangeReader<R>,
  lo: number,
  hi: number,
  isDamage: (err: unknown) => boolean,
  budget = 200_000,
): RangeOutcome<R> {
  const out = empty<R>();
  const go = (a: number, b: number): void => {
    if (out.queries >= budget) {
      out.exhausted = true;
      return;
    }
    out.queries++;
    try {
      out.rows.push(...read(a, b));
    } catch (err) {
      if (!isDamage(err)) throw err;
      if (a === b) {
        out.failedValues++;
        return;
      }
      const mid = a + Math.floor((b - a) / 2);
      go(a, mid);
      go(mid + 1, b);
    }
  };
  if (hi >= lo) go(lo, hi);
  return out;
}
