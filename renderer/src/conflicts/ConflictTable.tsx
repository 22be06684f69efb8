import { createColumnHelper, flexRender } from '@tanstack/react-table';
import { useServerSortedTable, useWindowedRows } from '../paging/windowed-table';
import { TableHead } from '../paging/TableHead';
import { useEffect, useMemo, type MouseEvent } from 'react';
import type { ConflictSort, ConflictView } from '../../../shared/ipc/conflicts-contract';
import { conflictSides } from '../../../shared/resolve/conflict';
import type { VisitorField } from '../../../shared/visitor';
import { describeResolution, FIELD_LABEL, KIND_LABEL, show } from './format';
import { gridTemplate, type ColumnSpec } from '../paging/table-layout';
import { useTableLayout } from '../paging/use-table-layout';
import { ShapedFrame } from '../paging/ShapedFrame';
import { formatDateTime, formatNumber } from '../intl';

const ROW_HEIGHT = 40;

/** One line of the list: a conflict, or (grouped by field) a group's head. */
export type Entry =
  | { type: 'row'; row: ConflictView }
  | { type: 'group'; field: VisitorField; count: number; expanded: boolean };

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

export function ConflictTable(props: {
  count: number;
  entryAt: (index: number) => Entry | undefined;
  ensureRange: (start: number, end: number) => void;
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
  const { scrollRef, virtualizer } = useWindowedRows({
    count: count,
    rowHeight: ROW_HEIGHT,
    overscan: 10,
    ensureRange,
  });
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    if (scrollIndex !== null) virtualizer.scrollToIndex(scrollIndex, { align: 'auto' });
  }, [scrollIndex, virtualizer]);

  // Only the rows on screen go through TanStack (docs/measured-facts.md: never the whole set).
  const visible = items.map((it) => ({ index: it.index, entry: entryAt(it.index) }));
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
            {visible.map(({ index, entry }) => {
              const style = {
                position: 'absolute' as const,
                top: 0,
                transform: `translateY(${items.find((i) => i.index === index)!.start}px)`,
                height: ROW_HEIGHT,
                width: '100%',
              };
              if (!entry)
                return (
                  <div key={`l${index}`} className="vtable-row loading" style={style} role="row">
                    <div className="vtable-cell">Loading…</div>
                  </div>
                );
              if (entry.type === 'group')
                return (
                  <div
                    key={`g${entry.field}`}
                    role="row"
                    aria-expanded={entry.expanded}
                    className="vtable-row group-row"
                    style={style}
                    onClick={() => props.onGroup(entry.field)}
                  >
                    <div className="vtable-cell" role="cell">
                      {entry.expanded ? '▾' : '▸'} {FIELD_LABEL[entry.field]}{' '}
                      <span className="group-count">{formatNumber(entry.count)}</span>
                    </div>
                  </div>
                );
              const r = byId.get(entry.row.id);
              if (!r) return null;
              const selected = props.isSelected(entry.row.id);
              const focused = props.focusedId === entry.row.id;
              return (
                <div
                  key={`r${entry.row.id}`}
                  role="row"
                  aria-selected={selected}
                  aria-rowindex={index + 2}
                  data-conflict-id={entry.row.id}
                  className={`vtable-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
                  style={{ ...style, gridTemplateColumns: grid }}
                  onClick={(e) => props.onRowClick(index, entry.row, e)}
                >
                  <div className="vtable-cell col-select" role="cell">
                    <input
                      type="checkbox"
                      aria-label={`Select ${entry.row.name}`}
                      checked={selected}
                      onClick={(e) => e.stopPropagation()}
                      onChange={(e) =>
                        props.onToggle(
                          index,
                          entry.row,
                          (e.nativeEvent as MouseEvent['nativeEvent']).shiftKey,
                        )
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
            })}
          </div>
        </div>
      </div>
    </ShapedFrame>
  );
}
