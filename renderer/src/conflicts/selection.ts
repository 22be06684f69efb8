import type { ConflictFilterIn, ConflictTargetIn } from '../../../shared/ipc/conflicts-contract';

/**
 * Which conflicts are selected. "All that match the filter" is a mode, not a
 * list: it covers rows never loaded into the window, minus those unticked.
 * Plain data with pure updates, so the rules are unit-tested without React.
 */
export interface Selection {
  all: boolean;
  /** all = false: the ticked ids; all = true: the unticked ones. */
  ids: ReadonlySet<number>;
  /** Where the last click was, for shift-click ranges (a row index). */
  anchor: number | null;
}

export const EMPTY_SELECTION: Selection = { all: false, ids: new Set(), anchor: null };

export function isSelected(s: Selection, id: number): boolean {
  return s.all ? !s.ids.has(id) : s.ids.has(id);
}

export function selectedCount(s: Selection, total: number): number {
  return s.all ? Math.max(0, total - s.ids.size) : s.ids.size;
}

export function toggle(s: Selection, id: number, index: number): Selection {
  const ids = new Set(s.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { all: s.all, ids, anchor: index };
}

/** Shift-click: every row between the anchor and here takes the state of a plain click here. */
export function range(
  s: Selection,
  index: number,
  idAt: (index: number) => number | undefined,
): Selection {
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

export function selectAllMatching(): Selection {
  return { all: true, ids: new Set(), anchor: null };
}

/** What main's bulk calls take: the ids, or the filter with its exceptions. */
export function toTarget(s: Selection, filter: ConflictFilterIn): ConflictTargetIn | null {
  if (s.all) return { filter, exceptIds: [...s.ids] };
  return s.ids.size ? { ids: [...s.ids] } : null;
}
