import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from '../../../shared/settings/column-widths';
import type { TableLayout } from '../../../shared/settings/table-layout';

/** A column as its table declares it: the layout may reorder, hide and resize it. */
export interface ColumnSpec {
  id: string;
  label: string;
  /** The width before anyone drags it, in CSS pixels. */
  width: number;
  /** Columns that identify the row (a name) stay on screen. */
  required?: boolean;
}

/** A layout as a table uses it: every column of today's table, in order, hidden or not. */
export interface ResolvedLayout {
  order: string[];
  hidden: ReadonlySet<string>;
  widths: Record<string, number>;
}

/**
 * The stored layout applied to the table's columns as they are now: names the
 * table no longer has are dropped, new columns take their declared place, and
 * a required column is never hidden. Pure, so the rules are unit-tested.
 */
export function resolveLayout(
  specs: readonly ColumnSpec[],
  stored: TableLayout | undefined,
): ResolvedLayout {
  const known = new Map(specs.map((s) => [s.id, s]));
  const order = (stored?.order ?? []).filter(
    (id, i, all) => known.has(id) && all.indexOf(id) === i,
  );
  // A column the stored order does not know goes after the known column declared just before it.
  specs.forEach((s, i) => {
    if (order.includes(s.id)) return;
    const before = specs
      .slice(0, i)
      .reverse()
      .find((p) => order.includes(p.id));
    order.splice(before ? order.indexOf(before.id) + 1 : 0, 0, s.id);
  });
  const hidden = new Set(
    (stored?.hidden ?? []).filter((id) => known.has(id) && !known.get(id)!.required),
  );
  const widths: Record<string, number> = {};
  for (const s of specs) widths[s.id] = clampWidth(stored?.widths[s.id] ?? s.width);
  return { order, hidden, widths };
}

export function clampWidth(px: number): number {
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, px)));
}

/** The layout to store: only what differs from the table's own defaults is worth keeping. */
export function toStored(specs: readonly ColumnSpec[], l: ResolvedLayout): TableLayout {
  const widths: Record<string, number> = {};
  for (const s of specs) if (l.widths[s.id] !== s.width) widths[s.id] = l.widths[s.id]!;
  return { order: [...l.order], hidden: [...l.hidden], widths };
}

/** One column moved `by` places among the visible ones (the chooser's ↑ and ↓). */
export function moveColumn(l: ResolvedLayout, id: string, by: -1 | 1): ResolvedLayout {
  const visible = l.order.filter((c) => !l.hidden.has(c));
  const at = visible.indexOf(id);
  const swapWith = visible[at + by];
  if (at < 0 || swapWith === undefined) return l;
  const order = [...l.order];
  const i = order.indexOf(id);
  const j = order.indexOf(swapWith);
  [order[i], order[j]] = [order[j]!, order[i]!];
  return { ...l, order };
}

/** A column dropped onto another (dragging a header): it takes that column's place. */
export function moveColumnTo(l: ResolvedLayout, id: string, target: string): ResolvedLayout {
  if (id === target || !l.order.includes(id) || !l.order.includes(target)) return l;
  const order = l.order.filter((c) => c !== id);
  const at = order.indexOf(target);
  const from = l.order.indexOf(id);
  const to = l.order.indexOf(target);
  order.splice(from < to ? at + 1 : at, 0, id);
  return { ...l, order };
}

export function setHidden(
  specs: readonly ColumnSpec[],
  l: ResolvedLayout,
  id: string,
  hide: boolean,
): ResolvedLayout {
  if (hide && specs.find((s) => s.id === id)?.required) return l;
  const hidden = new Set(l.hidden);
  if (hide) hidden.add(id);
  else hidden.delete(id);
  return { ...l, hidden };
}

/**
 * The CSS grid of a row: the leading fixed tracks (e.g. a checkbox), then each
 * visible column at its width; the last one also takes what is left, so the
 * table fills its panel without a gap.
 */
export function gridTemplate(l: ResolvedLayout, leading: string[] = []): string {
  const visible = l.order.filter((c) => !l.hidden.has(c));
  const tracks = visible.map((id, i) =>
    i === visible.length - 1 ? `minmax(${l.widths[id]}px, 1fr)` : `${l.widths[id]}px`,
  );
  return [...leading, ...tracks].join(' ');
}
