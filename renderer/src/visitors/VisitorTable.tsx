import { createColumnHelper, flexRender } from '@tanstack/react-table';
import { useServerSortedTable, useWindowedRows } from '../paging/windowed-table';
import { TableHead } from '../paging/TableHead';
import type { KeyboardEvent, MouseEvent } from 'react';
import type { VisitorRow, VisitorSort } from '../../../shared/ipc/contract';
import { gridTemplate, type ColumnSpec } from '../paging/table-layout';
import { useTableLayout } from '../paging/use-table-layout';
import { ShapedFrame } from '../paging/ShapedFrame';
import { formatDateTime } from '../intl';

const ROW_HEIGHT = 34;

type Cell = VisitorRow | { localId: string; placeholder: true };
const isLoaded = (c: Cell): c is VisitorRow => !('placeholder' in c);

const col = createColumnHelper<Cell>();
const text = (get: (r: VisitorRow) => string | null) => (c: Cell) =>
  isLoaded(c) ? (get(c) ?? '') : '';

const PENDING_LABEL = { create: 'New', update: 'Edited', delete: 'Deleted' } as const;

/** The columns as shipped: a person reorders, hides and resizes them (Columns). */
const SPECS: ColumnSpec[] = [
  { id: 'name', label: 'Name', width: 170, required: true },
  { id: 'company', label: 'Company', width: 150 },
  { id: 'email', label: 'Email', width: 200 },
  { id: 'title', label: 'Title', width: 150 },
  { id: 'phone', label: 'Phone', width: 130 },
  { id: 'interests', label: 'Interests', width: 170 },
  { id: 'sync', label: 'Sync', width: 80 },
  { id: 'updatedAt', label: 'Changed', width: 150 },
];
/** Cut cells show their whole value on hover; the record panel shows every field in full. */
const FULL_ON_HOVER = new Set(['name', 'company', 'email', 'title', 'phone', 'interests']);

const columns = [
  col.accessor(
    text((r) => r.name),
    { id: 'name', header: 'Name', enableSorting: true },
  ),
  col.accessor(
    text((r) => r.company),
    { id: 'company', header: 'Company', enableSorting: true },
  ),
  col.accessor(
    text((r) => r.email),
    { id: 'email', header: 'Email', enableSorting: true },
  ),
  col.accessor(
    text((r) => r.title),
    { id: 'title', header: 'Title', enableSorting: true },
  ),
  col.accessor(
    text((r) => r.phone),
    { id: 'phone', header: 'Phone', enableSorting: true },
  ),
  col.accessor(
    text((r) => r.interests.join(', ')),
    { id: 'interests', header: 'Interests', enableSorting: true },
  ),
  col.accessor((c) => (isLoaded(c) ? c.pending : null), {
    id: 'sync',
    header: 'Sync',
    enableSorting: false,
    cell: (info) => {
      const p = info.getValue();
      return p ? <span className={`badge badge-${p}`}>{PENDING_LABEL[p]}</span> : null;
    },
  }),
  col.accessor((c) => (isLoaded(c) ? c.updatedAt : ''), {
    id: 'updatedAt',
    header: 'Changed',
    enableSorting: true,
    cell: (info) => (info.getValue() ? formatDateTime(info.getValue(), { short: true }) : ''),
  }),
];

export function VisitorTable(props: {
  total: number;
  getRow: (index: number) => VisitorRow | undefined;
  ensureRange: (start: number, end: number) => void;
  sort: VisitorSort;
  onSort: (sort: VisitorSort) => void;
  /** The record open in the panel. */
  selectedId: string | null;
  /** Arrow keys: the next row opens, and is selected (with Shift, added to the selection). */
  onMove: (index: number, localId: string, shift: boolean) => void;
  /** Ticked for a bulk edit. */
  isChecked: (localId: string) => boolean;
  onRowClick: (index: number, localId: string, e: MouseEvent) => void;
  onTick: (index: number, localId: string, shift: boolean) => void;
}) {
  const { total, getRow, ensureRange, sort, onSort, selectedId, onMove } = props;
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

  // Only the rows on screen go through TanStack; it never sees the whole set (docs/measured-facts.md).
  const data: Cell[] = items.map(
    (it) => getRow(it.index) ?? { localId: `loading-${it.index}`, placeholder: true },
  );
  const shaping = useTableLayout('visitors', SPECS);
  const grid = gridTemplate(shaping.layout, ['34px']);
  const table = useServerSortedTable({
    data,
    columns: columns,
    sort,
    onSort,
    getRowId: (c) => c.localId,
    shaping,
  });
  const rows = table.getRowModel().rows;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    let index = -1;
    for (let i = first; i <= last; i++) if (getRow(i)?.localId === selectedId) index = i;
    const next = Math.min(total - 1, Math.max(0, index + (e.key === 'ArrowDown' ? 1 : -1)));
    const row = getRow(next);
    if (row) {
      onMove(next, row.localId, e.shiftKey);
      scrollToIndex(next);
    }
  };

  return (
    <ShapedFrame shaping={shaping}>
      <div className="vtable" role="table" aria-label="Visitors" aria-rowcount={total + 1}>
        <TableHead
          table={table}
          shaping={shaping}
          grid={grid}
          leading={
            <div role="columnheader" className="vtable-cell col-select" aria-label="Selected" />
          }
        />
        <div
          className="vtable-body"
          ref={scrollRef}
          role="rowgroup"
          tabIndex={0}
          onKeyDown={onKeyDown}
          data-testid="visitor-rows"
          aria-label="Visitor rows; arrow keys move"
        >
          {total === 0 && (
            <div className="empty" role="row">
              <span role="cell">No visitors match.</span>
            </div>
          )}
          <div style={{ height: totalSize, position: 'relative' }} role="presentation">
            {items.map((it, k) => {
              const row = rows[k];
              if (!row) return null;
              const loaded = isLoaded(row.original);
              const id = row.original.localId;
              const checked = loaded && props.isChecked(id);
              const open = loaded && id === selectedId;
              return (
                <div
                  key={it.key}
                  role="row"
                  aria-rowindex={it.index + 2}
                  aria-selected={checked}
                  data-local-id={loaded ? id : undefined}
                  className={`vtable-row${loaded ? '' : ' loading'}${checked ? ' selected' : ''}${open ? ' focused' : ''}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: it.size,
                    transform: `translateY(${it.start}px)`,
                    gridTemplateColumns: grid,
                  }}
                  onClick={loaded ? (e) => props.onRowClick(it.index, id, e) : undefined}
                >
                  <div className="vtable-cell col-select" role="cell">
                    {loaded && (
                      <input
                        type="checkbox"
                        aria-label={`Select ${(row.original as VisitorRow).name}`}
                        checked={checked}
                        onClick={(e) => e.stopPropagation()}
                        onChange={(e) =>
                          props.onTick(
                            it.index,
                            id,
                            (e.nativeEvent as unknown as MouseEvent).shiftKey,
                          )
                        }
                      />
                    )}
                  </div>
                  {row.getVisibleCells().map((cell) => (
                    <div
                      key={cell.id}
                      role="cell"
                      className={`vtable-cell col-${cell.column.id}`}
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
