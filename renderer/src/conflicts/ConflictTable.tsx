import { createColumnHelper } from '@tanstack/react-table';
import { useServerSortedTable, useWindowedRows } from '../paging/windowed-table';
import { TableHead } from '../paging/TableHead';
import {
  memo,
  useEffect,
  useLayoutEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type MouseEvent,
  type ReactNode,
} from 'react';
import type { ConflictSort, ConflictView } from '../../../shared/ipc/conflicts-contract';
import { conflictSides } from '../../../shared/resolve/conflict';
import type { VisitorField } from '../../../shared/visitor';
import { describeResolution, FIELD_LABEL, KIND_LABEL, show } from './format';
import { gridTemplate, type ColumnSpec } from '../paging/table-layout';
import { useTableLayout } from '../paging/use-table-layout';
import { ShapedFrame } from '../paging/ShapedFrame';
import { DrawnLines, linesToDraw } from '../paging/line-budget';
import { formatDateTime, formatNumber } from '../intl';
import type { Entry } from './conflict-rows';
import type { ScrollRequest } from './conflicts-store';

const ROW_HEIGHT = 40;

const col = createColumnHelper<ConflictView>();
/** The header's table has columns and no rows (the lines draw themselves). */
const NO_ROWS: ConflictView[] = [];

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

/**
 * The sides of a conflict, ours against theirs per field. A plain function,
 * not a component: a line is built often while scrolling, and every element
 * and fiber it saves is saved ten times a step.
 */
function sides(row: ConflictView, showBase: boolean): ReactNode {
  if (row.kind !== 'field')
    return (
      <span className="sides">
        {row.kind === 'update_deleted'
          ? 'Ours: edited · Theirs: deleted'
          : 'Ours: deleted · Theirs: edited'}
      </span>
    );
  const { client, server, base } = conflictSides(row.resolvable);
  return (
    <span className="sides">
      {row.conflictFields.map((f) => {
        const ours = show(client[f]);
        const theirs = show(server?.[f]);
        const was = showBase ? show(base?.[f]) : '';
        return (
          <span
            key={f}
            className="side-pair"
            title={`${FIELD_LABEL[f]}: ${showBase ? `base ${was} · ` : ''}ours ${ours} · theirs ${theirs}`}
          >
            <span className="side-field">{FIELD_LABEL[f]}</span>
            {showBase && (
              <span className="side-base">
                <span className="side-tag">base</span>
                {` ${was} ▸ `}
              </span>
            )}
            <mark className="side-ours">
              <span className="side-tag">ours</span>
              {` ${ours}`}
            </mark>
            <span className="side-vs">vs</span>
            <mark className="side-theirs">
              <span className="side-tag">theirs</span>
              {` ${theirs}`}
            </mark>
          </span>
        );
      })}
    </span>
  );
}

function draftCell(row: ConflictView): ReactNode {
  if (row.blocked) return <span className="state state-blocked">{row.blocked}</span>;
  const s = row.draftState;
  if (s.state === 'undecided') return <span className="state state-open">Open</span>;
  if (s.state === 'invalid')
    return (
      <span className="state state-invalid" title={s.error.message}>
        {`⚠ ${s.error.message}`}
      </span>
    );
  return (
    <span className="state state-ready">
      {`✓ ${s.changes ? `${s.changes} local change${s.changes === 1 ? '' : 's'}` : 'no local change'}${s.sends ? ' · sends update' : ''}`}
    </span>
  );
}

const decisionText = (r: ConflictView) =>
  `${describeResolution(r.draft)}${r.draftRule ? ` (rule “${r.draftRule}”)` : ''}`;

/**
 * The header's columns: their labels and which of them sort (in SQLite). The
 * lines do not go through TanStack: its row model and cell contexts were a
 * share of every scroll step's script (the T7 profile), so a line draws its
 * cells from CELLS, in the order and set of the header's visible columns.
 */
function columnsFor(showBase: boolean) {
  return [
    col.accessor('name', { id: 'name', header: 'Visitor', enableSorting: true }),
    col.accessor('company', { id: 'company', header: 'Company', enableSorting: true }),
    col.accessor((r) => KIND_LABEL[r.kind], { id: 'kind', header: 'Kind', enableSorting: true }),
    col.display({ id: 'fields', header: 'Fields' }),
    col.display({ id: 'sides', header: showBase ? 'Base ▸ ours vs theirs' : 'Ours vs theirs' }),
    col.display({ id: 'capture', header: 'Capture' }),
    col.display({ id: 'decision', header: 'Decision' }),
    col.display({ id: 'preview', header: 'Preview' }),
    col.accessor('createdAt', { id: 'createdAt', header: 'Found', enableSorting: true }),
  ];
}

/**
 * Each column's cell. `text` is the whole value of a cell that may be cut
 * (shown on hover too); `draw`, what other cells show.
 */
const CELLS: Record<
  string,
  | { text: (r: ConflictView) => string }
  | { draw: (r: ConflictView, showBase: boolean) => ReactNode }
> = {
  name: { text: (r) => r.name },
  company: { text: (r) => r.company ?? '' },
  kind: { text: (r) => KIND_LABEL[r.kind] },
  fields: { text: (r) => r.conflictFields.map((f) => FIELD_LABEL[f]).join(', ') },
  sides: { draw: sides },
  capture: {
    draw: (r) =>
      r.stale ? (
        <span className="badge badge-stale" data-testid="stale-cell">
          Stale
        </span>
      ) : null,
  },
  decision: { text: decisionText },
  preview: { draw: draftCell },
  createdAt: { draw: (r) => formatDateTime(r.createdAt, { short: true }) },
};

/** A line's place in the scroller: moved by transform (its box is fixed in conflicts.css). */
const placeAt = (start: number): CSSProperties => ({ top: start });

interface LineProps {
  row: ConflictView;
  index: number;
  start: number;
  /** The visible columns' ids, in order (a new array only when they change). */
  columns: readonly string[];
  showBase: boolean;
  selected: boolean;
  focused: boolean;
  onRowClick: (index: number, row: ConflictView, e: MouseEvent) => void;
  onToggle: (index: number, row: ConflictView, shift: boolean) => void;
}

/**
 * What a conflict's line shows depends on its conflict (a page that lands
 * holds new objects only for the rows it brings), its place, the columns,
 * its selection and focus: a line already drawn is not drawn again while the
 * table scrolls or a page lands (memo's shallow compare of these props).
 */
const ConflictLine = memo(function ConflictLine({
  row,
  index,
  start,
  columns,
  showBase,
  selected,
  focused,
  onRowClick,
  onToggle,
}: LineProps) {
  return (
    <div
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 2}
      data-conflict-id={row.id}
      className={`vtable-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      style={placeAt(start)}
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
      {columns.map((id) => {
        const cell = CELLS[id];
        if (!cell) return null;
        if ('text' in cell) {
          const text = cell.text(row);
          return (
            <div
              key={id}
              role="cell"
              className={`vtable-cell col-${id}`}
              title={FULL_ON_HOVER.has(id) ? text || undefined : undefined}
            >
              {text}
            </div>
          );
        }
        return (
          <div key={id} role="cell" className={`vtable-cell col-${id}`}>
            {cell.draw(row, showBase)}
          </div>
        );
      })}
    </div>
  );
});

/**
 * A conflict's line not drawn yet: while the table scrolls, the lines outside
 * the viewport wait for a frame with room (see ConflictTable).
 */
const PendingLine = memo(function PendingLine(props: {
  name: string;
  index: number;
  start: number;
}) {
  return (
    <div
      className="vtable-row pending"
      role="row"
      aria-rowindex={props.index + 2}
      style={placeAt(props.start)}
    >
      <div className="vtable-cell" role="cell">
        {props.name}
      </div>
    </div>
  );
});

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
      style={placeAt(props.start)}
      onClick={() => onGroup(field)}
    >
      <div className="vtable-cell" role="cell">
        {expanded ? '▾' : '▸'} {FIELD_LABEL[field]}{' '}
        <span className="group-count">{formatNumber(props.count)}</span>
      </div>
    </div>
  );
});

/**
 * How many new lines (the viewport's included) one render draws while the
 * table scrolls (linesToDraw): a steady scroll brings ten a step and still
 * draws them a step ahead; after a jump, only the viewport's are drawn when
 * the pages land, the rest as the scroll brings them in or once it rests.
 */
const NEW_LINES_PER_RENDER = 10;

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
  /** Set to scroll a row into view (keyboard moves); each request is done once. */
  scrollTo: ScrollRequest | null;
  /** True the first time a request is asked about, by any table: then it is carried out. */
  claimScroll: (request: ScrollRequest) => boolean;
  onRowClick: (index: number, row: ConflictView, e: MouseEvent) => void;
  onToggle: (index: number, row: ConflictView, shift: boolean) => void;
  onGroup: (field: VisitorField) => void;
}) {
  const { count, entryAt, ensureRange, sort, onSort, showBase, scrollTo } = props;
  const { rowsVersionIn } = props;
  const windowed = useWindowedRows({ count, rowHeight: ROW_HEIGHT, overscan: 10, ensureRange });
  const { scrollRef, rows: items, totalSize, scrollToIndex, first, last, inView } = windowed;
  const { isScrolling, scrollDirection } = windowed;
  useSyncExternalStore(props.subscribeRows, () => rowsVersionIn(first, last));
  // A request is done once: a new scrollToIndex (the count changed) or a remount must not
  // scroll back to it.
  const { claimScroll } = props;
  useEffect(() => {
    if (scrollTo !== null && claimScroll(scrollTo))
      scrollToIndex(scrollTo.index, { align: 'auto' });
  }, [scrollTo, scrollToIndex, claimScroll]);

  const columns = useMemo(() => columnsFor(showBase), [showBase]);
  const shaping = useTableLayout('conflicts', SPECS);
  const grid = gridTemplate(shaping.layout, ['34px']);
  // The header's table: its columns (order, visibility, widths, sort), no rows.
  const table = useServerSortedTable({
    data: NO_ROWS,
    columns: columns,
    sort,
    onSort,
    getRowId: (r) => String(r.id),
    shaping,
  });
  const visibleIds = table
    .getVisibleLeafColumns()
    .map((c) => c.id)
    .join(',');
  const cellColumns = useMemo(() => visibleIds.split(','), [visibleIds]);

  // The conflicts drawn in full: while the table scrolls, those already
  // drawn, the viewport's and at most NEW_LINES_PER_RENDER new ones in all.
  const [drawn] = useState(() => new DrawnLines<number>());
  const entries = items.map(({ index }) => entryAt(index));
  const full = linesToDraw({
    lines: items.flatMap(({ index }, i) => {
      const entry = entries[i];
      if (entry?.type !== 'row') return [];
      const seen = index >= inView.startIndex && index <= inView.endIndex;
      return [{ id: entry.row.id, inView: seen }];
    }),
    drawn: drawn.ids,
    room: isScrolling ? NEW_LINES_PER_RENDER : Infinity,
    direction: scrollDirection,
  });

  const lines = items.map(({ index, start }, i) => {
    const entry = entries[i];
    if (!entry)
      return (
        <div key={`l${index}`} className="vtable-row loading" style={placeAt(start)} role="row">
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
    const { row } = entry;
    if (!full.has(row.id))
      return <PendingLine key={`p${row.id}`} name={row.name} index={index} start={start} />;
    return (
      <ConflictLine
        key={`r${row.id}`}
        row={row}
        index={index}
        start={start}
        columns={cellColumns}
        showBase={showBase}
        selected={props.isSelected(row.id)}
        focused={props.focusedId === row.id}
        onRowClick={props.onRowClick}
        onToggle={props.onToggle}
      />
    );
  });
  // Lines left pending are drawn when the scroll rests: the window
  // redraws the table then (its isScrolling changes).
  useLayoutEffect(() => {
    drawn.remember(full);
  });

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
          <div
            className="vtable-lines"
            style={{ height: totalSize, '--line-grid': grid } as CSSProperties}
          >
            {lines}
          </div>
        </div>
      </div>
    </ShapedFrame>
  );
}
