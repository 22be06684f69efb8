import { formatNumber } from '../intl';

/**
 * Which rows of a paged table are selected. "All that match the filter" is a
 * mode, not a list: it covers rows never loaded into the window, minus those
 * unticked. Plain data with pure updates, so the rules are unit-tested
 * without React. `Id` is the table's row id (a conflict's number, a visitor's local id).
 */
export interface Selection<Id = number> {
  all: boolean;
  /** all = false: the ticked ids; all = true: the unticked ones. */
  ids: ReadonlySet<Id>;
  /** Where the last click was, for shift-click ranges (a row index). */
  anchor: number | null;
  /**
   * A Shift-click range whose rows are not all loaded: their ids are being
   * asked of the core. Until they come, `ids` holds the range's loaded rows
   * only, so the count is not known and no bulk action may run on it.
   */
  pending?: PendingRange<Id>;
}

/** The part of a Shift-click range waiting for its ids from the core. */
export interface PendingRange<Id> {
  /** The rows [offset, offset + limit) whose ids were asked for. */
  offset: number;
  limit: number;
  /** The selection before the Shift-click: what a change made meanwhile starts from. */
  before: Selection<Id>;
}

export const EMPTY_SELECTION: Selection<never> = { all: false, ids: new Set(), anchor: null };

export function isSelected<Id>(s: Selection<Id>, id: Id): boolean {
  return s.all ? !s.ids.has(id) : s.ids.has(id);
}

export function selectedCount<Id>(s: Selection<Id>, total: number): number {
  return s.all ? Math.max(0, total - s.ids.size) : s.ids.size;
}

/** Whether a Shift-click range still waits for ids: its count is not known yet. */
export function isPending<Id>(s: Selection<Id>): boolean {
  return s.pending !== undefined;
}

/**
 * The selection a new click changes: a range still waiting for its ids is
 * given up (its late answer is then dropped), never kept half-filled.
 */
function settled<Id>(s: Selection<Id>): Selection<Id> {
  return s.pending?.before ?? s;
}

export function toggle<Id>(sel: Selection<Id>, id: Id, index: number): Selection<Id> {
  const s = settled(sel);
  const ids = new Set(s.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { all: s.all, ids, anchor: index };
}

/** The rows [lo, hi] a Shift-click at `index` covers, from the anchor. */
function rangeOf<Id>(s: Selection<Id>, index: number): [number, number] {
  const from = s.anchor ?? index;
  return from <= index ? [from, index] : [index, from];
}

/** `ids` take the state a range gives: selected (in "all" mode: no longer excluded). */
function select<Id>(s: Selection<Id>, ids: Iterable<Id | undefined>): Set<Id> {
  const next = new Set(s.ids);
  for (const id of ids) {
    if (id === undefined) continue;
    // In "all" mode the set holds exclusions: selecting means removing from it.
    if (s.all) next.delete(id);
    else next.add(id);
  }
  return next;
}

function* idsIn<Id>(lo: number, hi: number, idAt: (index: number) => Id | undefined) {
  for (let i = lo; i <= hi; i++) yield idAt(i);
}

/**
 * Shift-click over rows all loaded: every row between the anchor and here
 * takes the state of a plain click here. (`startRange` when some may not be.)
 */
export function range<Id>(
  sel: Selection<Id>,
  index: number,
  idAt: (index: number) => Id | undefined,
): Selection<Id> {
  const s = settled(sel);
  const [lo, hi] = rangeOf(s, index);
  return { all: s.all, ids: select(s, idsIn(lo, hi, idAt)), anchor: s.anchor ?? index };
}

/**
 * A Shift-click whose range may cover rows that are not loaded (after a jump
 * in the scrollbar, or once their blocks were dropped): the loaded rows are
 * selected at once, and the span from the first row not loaded to the last is
 * to be asked of the core (`ask`), the selection pending until `completeRange`.
 * A range fully loaded asks nothing. One longer than `max` rows is refused in
 * words: "Select all matching" covers any number without sending ids.
 */
export function startRange<Id>(
  sel: Selection<Id>,
  index: number,
  idAt: (index: number) => Id | undefined,
  max: number,
):
  | { selection: Selection<Id>; ask: { offset: number; limit: number } | null }
  | { refused: string } {
  const s = settled(sel);
  const [lo, hi] = rangeOf(s, index);
  if (hi - lo + 1 > max)
    return {
      refused: `A Shift-click range can cover at most ${formatNumber(max)} rows; this one covers ${formatNumber(hi - lo + 1)}. Use “Select all matching” (and untick what to leave out) for more.`,
    };
  let first = -1;
  let last = -1;
  for (let i = lo; i <= hi; i++) {
    if (idAt(i) !== undefined) continue;
    if (first < 0) first = i;
    last = i;
  }
  const selection = range(s, index, idAt);
  if (first < 0) return { selection, ask: null };
  const ask = { offset: first, limit: last - first + 1 };
  return { selection: { ...selection, pending: { ...ask, before: s } }, ask };
}

/** The core's ids for a pending range's rows: they take the range's state, and it is settled. */
export function completeRange<Id>(s: Selection<Id>, ids: readonly Id[]): Selection<Id> {
  return { all: s.all, ids: select(s, ids), anchor: s.anchor };
}

/** The range's ids could not be had: the selection is what it was before the Shift-click. */
export function cancelRange<Id>(s: Selection<Id>): Selection<Id> {
  return settled(s);
}

export function selectAllMatching<Id>(): Selection<Id> {
  return { all: true, ids: new Set(), anchor: null };
}
