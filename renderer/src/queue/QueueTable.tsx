import { createColumnHelper, flexRender } from '@tanstack/react-table';
import { useServerSortedTable, useWindowedRows } from '../paging/windowed-table';
import { TableHead } from '../paging/TableHead';
import { useRef, type KeyboardEvent } from 'react';
import { CLASS_INFO } from '../../../shared/queue/classify';
import type { QueueItem, QueueSort } from '../../../shared/ipc/queue-contract';
import { countdown, shortTime, statusText } from './format';
import { gridTemplate, type ColumnSpec } from '../paging/table-layout';
import { useTableLayout } from '../paging/use-table-layout';
import { ShapedFrame } from '../paging/ShapedFrame';

/** The columns as shipped: a person reorders, hides and resizes them (Columns). */
const SPECS: ColumnSpec[] = [
  { id: 'visitor', label: 'Visitor', width: 160, required: true },
  { id: 'action', label: 'Action', width: 80 },
  { id: 'status', label: 'Status', width: 130 },
  { id: 'code', label: 'Error', width: 300 },
  { id: 'attempts', label: 'Attempts', width: 84 },
  { id: 'nextAttempt', label: 'Next attempt', width: 120 },
  { id: 'firstAttempt', label: 'First attempt', width: 140 },
  { id: 'lastAttempt', label: 'Last attempt', width: 140 },
];
const LEADING = ['select'];
const NO_LEADING: string[] = [];
/** Cut cells show their whole value on hover; the detail panel shows the operation in full. */
const FULL_ON_HOVER = new Set(['visitor', 'status']);

const ROW_HEIGHT = 36;

type Cell = QueueItem | { opId: string; placeholder: true };
const isLoaded = (c: Cell): c is QueueItem => !('placeholder' in c);
const col = createColumnHelper<Cell>();
const get =
  <T,>(f: (r: QueueItem) => T, empty: T) =>
  (c: Cell): T =>
    isLoaded(c) ? f(c) : empty;

function columns(
  now: number,
  selectable: boolean,
  selected: ReadonlySet<string>,
  tick: (id: string, index: number, shift: boolean) => void,
  /** The table row of the k-th line drawn. */
  indexOf: (k: number) => number,
) {
  return [
    ...(selectable
      ? [
          col.display({
            id: 'select',
            header: '',
            cell: (info) => {
              const r = info.row.original;
              if (!isLoaded(r)) return null;
              return (
                <input
                  type="checkbox"
                  aria-label={`Select operation for ${r.visitorName || r.localId}`}
                  checked={selected.has(r.opId)}
                  title="Shift-click: tick every row from the last one ticked"
                  onClick={(e) => e.stopPropagation()}
                  onChange={(e) =>
                    tick(
                      r.opId,
                      indexOf(info.row.index),
                      (e.nativeEvent as unknown as MouseEvent).shiftKey,
                    )
                  }
                />
              );
            },
          }),
        ]
      : []),
    col.accessor(
      get((r) => r.visitorName || r.localId, ''),
      {
        id: 'visitor',
        header: 'Visitor',
        enableSorting: true,
      },
    ),
    col.accessor(
      get((r) => r.action, ''),
      {
        id: 'action',
        header: 'Action',
        enableSorting: true,
        cell: (info) => <span className={`badge badge-${info.getValue()}`}>{info.getValue()}</span>,
      },
    ),
    col.accessor(
      get((r) => statusText(r), ''),
      {
        id: 'status',
        header: 'Status',
        enableSorting: false,
        cell: (info) => {
          const r = info.row.original;
          return isLoaded(r) ? (
            <span className={`q-status q-status-${r.source === 'conflict' ? 'loop' : r.status}`}>
              {info.getValue()}
            </span>
          ) : null;
        },
      },
    ),
    col.accessor(
      get((r) => r.code, ''),
      {
        id: 'code',
        header: 'Error',
        enableSorting: true,
        cell: (info) => {
          const r = info.row.original;
          if (!isLoaded(r)) return null;
          return (
            <span title={`${r.code}: ${r.message}`}>
              <span className={`q-class q-class-${r.cls}`}>{CLASS_INFO[r.cls].label}</span>{' '}
              {r.message}
            </span>
          );
        },
      },
    ),
    col.accessor(
      get((r) => r.attempts, 0),
      {
        id: 'attempts',
        header: 'Attempts',
        enableSorting: true,
      },
    ),
    col.accessor(
      get((r) => r.nextAttemptAt, null),
      {
        id: 'nextAttempt',
        header: 'Next attempt',
        enableSorting: true,
        cell: (info) => {
          const r = info.row.original;
          return isLoaded(r) && r.status === 'retrying' ? countdown(info.getValue(), now) : '—';
        },
      },
    ),
    col.accessor(
      get((r) => r.firstAttemptAt, null),
      {
        id: 'firstAttempt',
        header: 'First attempt',
        enableSorting: true,
        cell: (info) => shortTime(info.getValue()),
      },
    ),
    col.accessor(
      get((r) => r.lastAttemptAt, null),
      {
        id: 'lastAttempt',
        header: 'Last attempt',
        enableSorting: true,
        cell: (info) => shortTime(info.getValue()),
      },
    ),
  ];
}

/** The queue as a virtualised table: only the rows near the viewport exist, fetched from main. */
export function QueueTable(props: {
  total: number;
  getRow: (index: number) => QueueItem | undefined;
  ensureRange: (start: number, end: number) => void;
  sort: QueueSort;
  onSort: (sort: QueueSort) => void;
  currentId: string | null;
  onOpen: (opId: string) => void;
  selectable: boolean;
  selected: ReadonlySet<string>;
  /** A tick on row `index`; with Shift, the range from the last tick. */
  onTick: (opId: string, index: number, shift: boolean) => void;
  now: number;
}) {
  const { total, getRow, ensureRange, sort, onSort, currentId, onOpen } = props;
  const {
    scrollRef,
    rows: items,
    totalSize,
    scrollToIndex,
    first,
    last,
  } = useWindowedRows({
    count: total,
    rowHeight: ROW_HEIGHT,
    overscan: 12,
    ensureRange,
  });

  const data: Cell[] = items.map(
    (it) => getRow(it.index) ?? { opId: `loading-${it.index}`, placeholder: true },
  );
  const shaping = useTableLayout('queue', SPECS);
  const grid = gridTemplate(shaping.layout, props.selectable ? ['36px'] : []);
  const table = useServerSortedTable({
    data,
    columns: columns(
      props.now,
      props.selectable,
      props.selected,
      props.onTick,
      (k) => items[k]?.index ?? k,
    ),
    sort,
    onSort,
    getRowId: (c) => c.opId,
    shaping,
    leadingColumns: props.selectable ? LEADING : NO_LEADING,
  });
  const rows = table.getRowModel().rows;

  // Where the open row was last seen, so keys still act on it once it is scrolled out of view.
  const openAt = useRef<{ id: string; index: number } | null>(null);
  const open = (id: string, index: number) => {
    openAt.current = { id, index };
    onOpen(id);
  };
  const openIndex = (): number => {
    for (let i = first; i <= last; i++) if (getRow(i)?.opId === currentId) return i;
    const at = openAt.current;
    return at && at.id === currentId && getRow(at.index)?.opId === currentId ? at.index : -1;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const index = openIndex();
    if (e.key === ' ' && currentId && props.selectable) {
      e.preventDefault();
      // Shift+Space: the range from the last tick to the open row.
      if (index < 0) return;
      props.onTick(currentId, index, e.shiftKey);
      scrollToIndex(index);
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const next = Math.min(total - 1, Math.max(0, index + (e.key === 'ArrowDown' ? 1 : -1)));
    const row = getRow(next);
    if (row) {
      open(row.opId, next);
      scrollToIndex(next);
    }
  };

  return (
    <ShapedFrame shaping={shaping}>
      <div
        className={`vtable qtable${props.selectable ? ' selectable' : ''}`}
        role="table"
        aria-label="Failed and retrying operations"
        aria-rowcount={total + 1}
      >
        <TableHead table={table} shaping={shaping} grid={grid} />
        <div
          className="vtable-body"
          ref={scrollRef}
          role="rowgroup"
          tabIndex={0}
          onKeyDown={onKeyDown}
          data-testid="queue-rows"
          aria-label="Operations; arrow keys move, space ticks, Shift+Space ticks from the last tick"
        >
          {total === 0 && (
            <div className="empty" role="row">
              <span role="cell">Nothing matches: no operation is waiting or failed here.</span>
            </div>
          )}
          <div style={{ height: totalSize, position: 'relative' }} role="presentation">
            {items.map((it, k) => {
              const row = rows[k];
              if (!row) return null;
              const loaded = isLoaded(row.original);
              const id = row.original.opId;
              return (
                <div
                  key={it.key}
                  role="row"
                  aria-rowindex={it.index + 2}
                  aria-selected={loaded && id === currentId}
                  data-op-id={loaded ? id : undefined}
                  data-testid={loaded ? 'queue-row' : undefined}
                  className={`vtable-row${loaded ? '' : ' loading'}${loaded && id === currentId ? ' selected' : ''}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: it.size,
                    transform: `translateY(${it.start}px)`,
                    gridTemplateColumns: grid,
                  }}
                  onClick={loaded ? () => open(id, it.index) : undefined}
                >
                  {row.getVisibleCells().map((cell) => (
                    <div
                      key={cell.id}
                      role="cell"
                      className={`vtable-cell col-${cell.column.id}`}
                      data-testid={`cell-${cell.column.id}`}
                      title={
                        loaded && FULL_ON_HOVER.has(cell.column.id)
                          ? String(cell.getValue() ?? '') || undefined
                          : undefined
                      }
                    >
                      {loaded ? (
                        flexRender(cell.column.columnDef.cell, cell.getContext())
                      ) : (
                        <span className="skeleton" />
                      )}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </ShapedFrame>
  );
}
