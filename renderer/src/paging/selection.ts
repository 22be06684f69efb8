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
}

export const EMPTY_SELECTION: Selection<never> = { all: false, ids: new Set(), anchor: null };

export function isSelected<Id>(s: Selection<Id>, id: Id): boolean {
  return s.all ? !s.ids.has(id) : s.ids.has(id);
}

export function selectedCount<Id>(s: Selection<Id>, total: number): number {
  return s.all ? Math.max(0, total - s.ids.size) : s.ids.size;
}

export function toggle<Id>(s: Selection<Id>, id: Id, index: number): Selection<Id> {
  const ids = new Set(s.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { all: s.all, ids, anchor: index };
}

/** Shift-click: every row between the anchor and here takes the state of a plain click here. */
export function range<Id>(
  s: Selection<Id>,
  index: number,
  idAt: (index: number) => Id | undefined,
): Selection<Id> {
  const from = s.anchor ?? index;
  const [lo, hi] = from <= index ? [from, index] : [index, from];
  const ids = new Set(s.ids);
  for (let i = lo; i <= hi; i++) {
    const id = idAt(i);
    if (id === undefined) continue;
    // In "all" mode the set holds exclusions: selecting means removing from it.
    if (s.all) ids.delete(id);
    else ids.add(id);
  }
  return { all: s.all, ids, anchor: s.anchor ?? index };
}

export function selectAllMatching<Id>(): Selection<Id> {
  return { all: true, ids: new Set(), anchor: null };
}
