import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { TableId } from '../../../shared/settings/table-layout';
import { getApi } from '../api';
import {
  clampWidth,
  moveColumn,
  moveColumnTo,
  resolveLayout,
  setHidden,
  toStored,
  type ColumnSpec,
  type ResolvedLayout,
} from './table-layout';
import { tableLayouts } from './table-layout-store';

/** What a table and its column chooser do with the person's layout. */
export interface TableShaping {
  id: TableId;
  specs: readonly ColumnSpec[];
  layout: ResolvedLayout;
  setWidth(column: string, px: number): void;
  move(column: string, by: -1 | 1): void;
  moveTo(column: string, target: string): void;
  setVisible(column: string, visible: boolean): void;
  reset(): void;
  /** The layout could not be saved (it still applies for this session). */
  problem: string | null;
}

/** One table's layout, remembered in the settings (across restarts) and shared by its views. */
export function useTableLayout(id: TableId, specs: readonly ColumnSpec[]): TableShaping {
  const store = tableLayouts(getApi());
  const layouts = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const stored = layouts[id];
  const layout = useMemo(() => resolveLayout(specs, stored), [specs, stored]);
  const save = useCallback(
    (next: ResolvedLayout) => store.set(id, toStored(specs, next)),
    [store, id, specs],
  );
  return {
    id,
    specs,
    layout,
    setWidth: (column, px) =>
      save({ ...layout, widths: { ...layout.widths, [column]: clampWidth(px) } }),
    move: (column, by) => save(moveColumn(layout, column, by)),
    moveTo: (column, target) => save(moveColumnTo(layout, column, target)),
    setVisible: (column, visible) => save(setHidden(specs, layout, column, !visible)),
    reset: () => store.set(id, undefined),
    problem: store.problem,
  };
}
