import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
  type Table,
  type VisibilityState,
} from '@tanstack/react-table';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type RefObject,
} from 'react';
import { flushSync } from 'react-dom';
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from '../../../shared/settings/column-widths';
import { rowRange, scrollTopFor, type Align, type Viewport } from './row-window';
import type { TableShaping } from './use-table-layout';

/** A row to draw: its index, a key for React, and where it sits in the scroller. */
export interface WindowRow {
  index: number;
  key: number;
  start: number;
  size: number;
}

export type ScrollDirection = 'forward' | 'backward' | null;

interface Motion {
  isScrolling: boolean;
  scrollDirection: ScrollDirection;
}
const STILL: Motion = { isScrolling: false, scrollDirection: null };
/** How long after the last scroll event the scroll counts as at rest. */
const REST_MS = 150;

/** The rows a viewport covers, before clamping to the count: it changes only every row height. */
const rowsKey = (v: Viewport, rowHeight: number) =>
  `${Math.floor(v.scrollTop / rowHeight)}:${Math.ceil((v.scrollTop + v.height) / rowHeight)}`;

/**
 * The rows near the viewport of a scroller over `count` rows of one height,
 * and the wish to have them loaded (ensureRange): every virtual table pages
 * this way. The window redraws only when the rows in view change or the
 * scroll starts or rests, never per pixel (row-window.ts says why by
 * arithmetic and not a virtualizer).
 */
export function useWindowedRows(opts: {
  count: number;
  rowHeight: number;
  overscan?: number;
  ensureRange: (start: number, end: number) => void;
}): {
  scrollRef: RefObject<HTMLDivElement | null>;
  /** The rows to draw, overscan included. */
  rows: WindowRow[];
  /** The height of all rows: the scroller's content. */
  totalSize: number;
  /** The rows in full or partial view, overscan not included. */
  inView: { startIndex: number; endIndex: number };
  isScrolling: boolean;
  scrollDirection: ScrollDirection;
  /** Brings row `index` into view ('auto': only if it is not, moving the least). Stable. */
  scrollToIndex: (index: number, opts?: { align?: Align }) => void;
  first: number;
  last: number;
} {
  const { count, rowHeight, overscan = 12, ensureRange } = opts;
  const scrollRef = useRef<HTMLDivElement>(null);
  // The viewport as of the last change of rows in view: within one row it is not updated,
  // and the range computed from it is the same for any count (rowsKey).
  const [view, setView] = useState<Viewport>({ scrollTop: 0, height: 0 });
  const [motion, setMotion] = useState<Motion>(STILL);
  const sizes = useRef({ rowHeight, count });
  useLayoutEffect(() => {
    sizes.current = { rowHeight, count };
  }, [rowHeight, count]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const read = (): Viewport => ({ scrollTop: el.scrollTop, height: el.clientHeight });
    const update = (next: Viewport) =>
      setView((prev) => (rowsKey(prev, rowHeight) === rowsKey(next, rowHeight) ? prev : next));
    update(read());
    let lastTop = el.scrollTop;
    let rest = 0;
    const onScroll = () => {
      const next = read();
      const direction: ScrollDirection = next.scrollTop >= lastTop ? 'forward' : 'backward';
      lastTop = next.scrollTop;
      // Drawn in the scroll's own frame, so the rows never lag a frame behind the offset.
      flushSync(() => {
        update(next);
        setMotion((m) =>
          m.isScrolling && m.scrollDirection === direction
            ? m
            : { isScrolling: true, scrollDirection: direction },
        );
      });
      clearTimeout(rest);
      rest = window.setTimeout(() => setMotion(STILL), REST_MS);
    };
    const resized = new ResizeObserver(() => update(read()));
    resized.observe(el);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      clearTimeout(rest);
      resized.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, [rowHeight]);

  const range = rowRange(view, rowHeight, count, overscan);
  const { first, last } = range;
  const rows = useMemo(() => {
    const out: WindowRow[] = [];
    for (let i = first; i <= last; i++)
      out.push({ index: i, key: i, start: i * rowHeight, size: rowHeight });
    return out;
  }, [first, last, rowHeight]);
  useEffect(() => {
    if (last >= first) ensureRange(first, last);
  }, [first, last, ensureRange]);

  const scrollToIndex = useCallback((index: number, o?: { align?: Align }) => {
    const el = scrollRef.current;
    if (!el) return;
    const { rowHeight: h, count: n } = sizes.current;
    const viewport = { scrollTop: el.scrollTop, height: el.clientHeight };
    const top = scrollTopFor(index, o?.align ?? 'auto', viewport, h, n);
    if (top !== null) el.scrollTop = top;
  }, []);

  return {
    scrollRef,
    rows,
    totalSize: Math.max(0, count) * rowHeight,
    inView: { startIndex: range.startIndex, endIndex: range.endIndex },
    isScrolling: motion.isScrolling,
    scrollDirection: motion.scrollDirection,
    scrollToIndex,
    first,
    last,
  };
}

/**
 * TanStack Table over the rows on screen only, sorted by main: sorting,
 * filtering and paging happen in SQLite (docs/measured-facts.md: client-side row models over
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
