import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
  type Table,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, type RefObject } from 'react';
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from '../../../shared/settings/table-layout';
import type { TableShaping } from './use-table-layout';

/**
 * The rows near the viewport of a scroller over `count` rows, and the wish
 * to have them loaded (ensureRange): every virtual table pages this way.
 */
export function useWindowedRows(opts: {
  count: number;
  rowHeight: number;
  overscan?: number;
  ensureRange: (start: number, end: number) => void;
}): {
  scrollRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  first: number;
  last: number;
} {
  const { count, rowHeight, overscan = 12, ensureRange } = opts;
  const scrollRef = useRef<HTMLDivElement>(null);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const estimateSize = useCallback(() => rowHeight, [rowHeight]);
  // The virtualizer is a mutable instance; React Compiler leaves its users alone.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count, getScrollElement, estimateSize, overscan });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (last >= first) ensureRange(first, last);
  }, [first, last, ensureRange]);
  return { scrollRef, virtualizer, first, last };
}

/**
 * TanStack Table over the rows on screen only, sorted by main: sorting,
 * filtering and paging happen in SQLite (FACTS.md: client-side row models over
 * 100 000 rows cost seconds). The data is a new array on every render, so the
 * client-side auto-resets would loop forever: they are off.
 */
export function useServerSortedTable<Row, Column extends string>(opts: {
  data: Row[];
  columns: ColumnDef<Row, never>[];
  sort: { column: Column; direction: 'asc' | 'desc' };
  onSort: (sort: { column: Column; direction: 'asc' | 'desc' }) => void;
  getRowId: (row: Row) => string;
  /** The person's layout (order, hidden columns, widths) and where width drags go. */
  shaping?: TableShaping;
  /** Columns before the shaped ones, fixed in place (e.g. the selection checkbox). */
  leadingColumns?: string[];
}): Table<Row> {
  const { sort, onSort, shaping } = opts;
  const layout = shaping?.layout;
  const leading = opts.leadingColumns;
  const shapeState = useMemo(() => {
    if (!layout) return {};
    const columnVisibility: VisibilityState = {};
    for (const id of layout.order) columnVisibility[id] = !layout.hidden.has(id);
    return {
      columnOrder: [...(leading ?? []), ...layout.order],
      columnVisibility,
      columnSizing: layout.widths,
    };
  }, [layout, leading]);
  const sorting: SortingState = useMemo(
    () => [{ id: sort.column, desc: sort.direction === 'desc' }],
    [sort],
  );
  // TanStack Table returns a mutable instance too.
  // eslint-disable-next-line react-hooks/incompatible-library
  return useReactTable({
    data: opts.data,
    columns: opts.columns,
    state: { sorting, ...shapeState },
    defaultColumn: { minSize: MIN_COLUMN_WIDTH, maxSize: MAX_COLUMN_WIDTH },
    enableColumnResizing: !!shaping,
    columnResizeMode: 'onChange',
    onColumnSizingChange: (updater) => {
      if (!shaping || !layout) return;
      const next = typeof updater === 'function' ? updater(layout.widths) : updater;
      for (const [id, px] of Object.entries(next))
        if (layout.widths[id] !== px) shaping.setWidth(id, px);
    },
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    autoResetAll: false,
    enableSortingRemoval: false,
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const s = next[0];
      if (s) onSort({ column: s.id as Column, direction: s.desc ? 'desc' : 'asc' });
    },
    getCoreRowModel: getCoreRowModel(),
    getRowId: opts.getRowId,
  });
}
