import { createColumnHelper, flexRender, type Row } from '@tanstack/react-table';
import { useServerSortedTable, useWindowedRows } from '../paging/windowed-table';
import { TableHead } from '../paging/TableHead';
import {
  memo,
  useEffect,
  useMemo,
  useSyncExternalStore,
  type CSSProperties,
  type MouseEvent,
} from 'react';
import type { ConflictSort, ConflictView } from '../../../shared/ipc/conflicts-contract';
import { conflictSides } from '../../../shared/resolve/conflict';
import type { VisitorField } from '../../../shared/visitor';
import { describeResolution, FIELD_LABEL, KIND_LABEL, show } from './format';
import { gridTemplate, type ColumnSpec } from '../paging/table-layout';
import { useTableLayout } from '../paging/use-table-layout';
import { ShapedFrame } from '../paging/ShapedFrame';
import { formatDateTime, formatNumber } from '../intl';
import type { Entry } from './conflict-rows';

const ROW_HEIGHT = 40;

const col = createColumnHelper<ConflictView>();

/** The columns as shipped: a person reorders, hides and resizes them (Columns). */
const SPECS: ColumnSpec[] = [
  { id: 'name', label: 'Visitor', width: 150, required: true },
  { id: 'company', label: 'Company', width: 120 },
  { id: 'kind', label: 'Kind', width: 140 },
  { id: 'fields', label: 'Fields', width: 110 },
  { id: 'sides', label: 'Ours vs theirs', width: 330 },
  { id: 'capture', label: 'Capture', width: 72 },
  { id: 'decision', label: 'Decision', width: 120 },
  { id: 'preview', label: 'Preview', width: 150 },
  { id: 'createdAt', label: 'Found', width: 130 },
];
/** Cut cells show their whole value on hover; the detail pane shows the conflict in full. */
const FULL_ON_HOVER = new Set(['name', 'company', 'kind', 'fields', 'decision']);

function Sides({ row, showBase }: { row: ConflictView; showBase: boolean }) {
  const { client, server, base } = conflictSides(row.resolvable);
  if (row.kind !== 'field') {
    return (
      <span className="sides">
        {row.kind === 'update_deleted'
          ? 'Ours: edited · Theirs: deleted'
          : 'Ours: deleted · Theirs: edited'}
      </span>
    );
  }
  return (
    <span className="sides">
      {row.conflictFields.map((f) => (
        <span
          key={f}
          className="side-pair"
          title={`${FIELD_LABEL[f]}: ${showBase ? `base ${show(base?.[f])} · ` : ''}ours ${show(client[f])} · theirs ${show(server?.[f])}`}
        >
          <span className="side-field">{FIELD_LABEL[f]}</span>
          {showBase && (
            <span className="side-base">
              <span className="side-tag">base</span> {show(base?.[f])} ▸{' '}
            </span>
          )}
          <mark className="side-ours">
            <span className="side-tag">ours</span> {show(client[f])}
          </mark>
          <span className="side-vs">vs</span>
          <mark className="side-theirs">
            <span className="side-tag">theirs</span> {show(server?.[f])}
          </mark>
        </span>
      ))}
    </span>
  );
}

function DraftCell({ row }: { row: ConflictView }) {
  if (row.blocked) return <span className="state state-blocked">{row.blocked}</span>;
  const s = row.draftState;
  if (s.state === 'undecided') return <span className="state state-open">Open</span>;
  if (s.state === 'invalid')
    return (
      <span className="state state-invalid" title={s.error.message}>
        ⚠ {s.error.message}
      </span>
    );
  return (
    <span className="state state-ready">
      ✓ {s.changes ? `${s.changes} local change${s.changes === 1 ? '' : 's'}` : 'no local change'}
      {s.sends ? ' · sends update' : ''}
    </span>
  );
}

function columnsFor(showBase: boolean) {
  return [
    col.accessor('name', { id: 'name', header: 'Visitor', enableSorting: true }),
    col.accessor('company', { id: 'company', header: 'Company', enableSorting: true }),
    col.accessor((r) => KIND_LABEL[r.kind], { id: 'kind', header: 'Kind', enableSorting: true }),
    col.accessor((r) => r.conflictFields.map((f) => FIELD_LABEL[f]).join(', '), {
      id: 'fields',
      header: 'Fields',
      enableSorting: false,
    }),
    col.display({
      id: 'sides',
      header: showBase ? 'Base ▸ ours vs theirs' : 'Ours vs theirs',
      cell: (info) => <Sides row={info.row.original} showBase={showBase} />,
    }),
    col.display({
      id: 'capture',
      header: 'Capture',
      cell: (info) =>
        info.row.original.stale ? (
          <span className="badge badge-stale" data-testid="stale-cell">
            Stale
          </span>
        ) : null,
    }),
    col.accessor(
      (r) => `${describeResolution(r.draft)}${r.draftRule ? ` (rule “${r.draftRule}”)` : ''}`,
      {
        id: 'decision',
        header: 'Decision',
        enableSorting: false,
      },
    ),
    col.display({
      id: 'preview',
      header: 'Preview',
      cell: (info) => <DraftCell row={info.row.original} />,
    }),
    col.accessor('createdAt', {
      id: 'createdAt',
      header: 'Found',
      enableSorting: true,
      cell: (info) => formatDateTime(info.getValue(), { short: true }),
    }),
  ];
}

/** A line's place in the scroller: moved by transform, its size fixed (no layout of the others). */
function rowStyle(start: number): CSSProperties {
  return {
    position: 'absolute',
    top: 0,
    transform: `translateY(${start}px)`,
    height: ROW_HEIGHT,
    width: '100%',
  };
}

interface LineProps {
  /** The TanStack row: a new object whenever the rows on screen change, so not compared. */
  row: Row<ConflictView>;
  index: number;
  start: number;
  grid: string;
  /** Stands for the columns the cells come from (order, visibility, showing the base). */
  cellsKey: string;
  selected: boolean;
  focused: boolean;
  onRowClick: (index: number, row: ConflictView, e: MouseEvent) => void;
  onToggle: (index: number, row: ConflictView, shift: boolean) => void;
}

/**
 * What a conflict's line shows depends on its conflict (a page that lands
 * holds new objects only for the rows it brings), its place and the columns,
 * not on the TanStack row wrapping it, which is rebuilt on every scroll step:
 * so a line already drawn is not drawn again while the table scrolls or a
 * page lands (the profile of T7: most of a scroll frame's script was
 * re-rendering the 40-odd lines on screen when only ten were new).
 */
const sameLine = (a: LineProps, b: LineProps) =>
  a.row.original === b.row.original &&
  a.index === b.index &&
  a.start === b.start &&
  a.grid === b.grid &&
  a.cellsKey === b.cellsKey &&
  a.selected === b.selected &&
  a.focused === b.focused &&
  a.onRowClick === b.onRowClick &&
  a.onToggle === b.onToggle;

const ConflictLine = memo(function ConflictLine({
  row: r,
  index,
  start,
  grid,
  selected,
  focused,
  onRowClick,
  onToggle,
}: LineProps) {
  const row = r.original;
  return (
    <div
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 2}
      data-conflict-id={row.id}
      className={`vtable-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      style={{ ...rowStyle(start), gridTemplateColumns: grid }}
      onClick={(e) => onRowClick(index, row, e)}
    >
      <div className="vtable-cell col-select" role="cell">
        <input
          type="checkbox"
          aria-label={`Select ${row.name}`}
          checked={selected}
          onClick={(e) => e.stopPropagation()}
          onChange={(e) =>
            onToggle(index, row, (e.nativeEvent as MouseEvent['nativeEvent']).shiftKey)
          }
        />
      </div>
      {r.getVisibleCells().map((cell) => (
        <div
          key={cell.id}
          role="cell"
          className={`vtable-cell col-${cell.column.id}`}
          title={
            FULL_ON_HOVER.has(cell.column.id)
              ? String(cell.getValue() ?? '') || undefined
              : undefined
          }
        >
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </div>
      ))}
    </div>
  );
}, sameLine);

const GroupLine = memo(function GroupLine(props: {
  field: VisitorField;
  count: number;
  expanded: boolean;
  start: number;
  onGroup: (field: VisitorField) => void;
}) {
  const { field, expanded, onGroup } = props;
  return (
    <div
      role="row"
      aria-expanded={expanded}
      className="vtable-row group-row"
      style={rowStyle(props.start)}
      onClick={() => onGroup(field)}
    >
      <div className="vtable-cell" role="cell">
        {expanded ? '▾' : '▸'} {FIELD_LABEL[field]}{' '}
        <span className="group-count">{formatNumber(props.count)}</span>
      </div>
    </div>
  );
});

export function ConflictTable(props: {
  count: number;
  entryAt: (index: number) => Entry | undefined;
  ensureRange: (start: number, end: number) => void;
  /** Told of every page landing; the table redraws when rowsVersionIn its window changed. */
  subscribeRows: (listener: () => void) => () => void;
  rowsVersionIn: (first: number, last: number) => number;
  sort: ConflictSort;
  onSort: (sort: ConflictSort) => void;
  isSelected: (id: number) => boolean;
  focusedId: number | null;
  showBase: boolean;
  /** Set to scroll a row into view (keyboard moves). */
  scrollIndex: number | null;
  onRowClick: (index: number, row: ConflictView, e: MouseEvent) => void;
  onToggle: (index: number, row: ConflictView, shift: boolean) => void;
  onGroup: (field: VisitorField) => void;
}) {
  const { count, entryAt, ensureRange, sort, onSort, showBase, scrollIndex } = props;
  const { rowsVersionIn } = props;
  const { scrollRef, virtualizer, first, last } = useWindowedRows({
    count: count,
    rowHeight: ROW_HEIGHT,
    overscan: 10,
    ensureRange,
  });
  useSyncExternalStore(props.subscribeRows, () => rowsVersionIn(first, last));
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    if (scrollIndex !== null) virtualizer.scrollToIndex(scrollIndex, { align: 'auto' });
  }, [scrollIndex, virtualizer]);

  // Only the rows on screen go through TanStack (docs/measured-facts.md: never the whole set).
  const visible = items.map((it) => ({
    index: it.index,
    start: it.start,
    entry: entryAt(it.index),
  }));
  const data = visible.flatMap((v) => (v.entry?.type === 'row' ? [v.entry.row] : []));
  const columns = useMemo(() => columnsFor(showBase), [showBase]);
  const shaping = useTableLayout('conflicts', SPECS);
  const grid = gridTemplate(shaping.layout, ['34px']);
  const table = useServerSortedTable({
    data,
    columns: columns,
    sort,
    onSort,
    getRowId: (r) => String(r.id),
    shaping,
  });
  const byId = new Map(table.getRowModel().rows.map((r) => [r.original.id, r]));
  // What every row's cells are drawn from besides its conflict: the column set and its order.
  const cellsKey = `${showBase}:${table
    .getVisibleLeafColumns()
    .map((c) => c.id)
    .join(',')}`;

  return (
    <ShapedFrame shaping={shaping}>
      <div className="vtable ctable" role="table" aria-label="Conflicts" aria-rowcount={count + 1}>
        <TableHead
          table={table}
          shaping={shaping}
          grid={grid}
          leading={
            <div role="columnheader" className="vtable-cell col-select" aria-label="Selected" />
          }
        />
        <div className="vtable-body" ref={scrollRef} role="rowgroup" data-testid="conflicts-scroll">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {visible.map(({ index, start, entry }) => {
              if (!entry)
                return (
                  <div
                    key={`l${index}`}
                    className="vtable-row loading"
                    style={rowStyle(start)}
                    role="row"
                  >
                    <div className="vtable-cell">Loading…</div>
                  </div>
                );
              if (entry.type === 'group')
                return (
                  <GroupLine
                    key={`g${entry.field}`}
                    field={entry.field}
                    count={entry.count}
                    expanded={entry.expanded}
                    start={start}
                    onGroup={props.onGroup}
                  />
                );
              const r = byId.get(entry.row.id);
              if (!r) return null;
              return (
                <ConflictLine
                  key={`r${entry.row.id}`}
                  row={r}
                  index={index}
                  start={start}
                  grid={grid}
                  cellsKey={cellsKey}
                  selected={props.isSelected(entry.row.id)}
                  focused={props.focusedId === entry.row.id}
                  onRowClick={props.onRowClick}
                  onToggle={props.onToggle}
                />
              );
            })}
          </div>
        </div>
      </div>
    </ShapedFrame>
  );
}
