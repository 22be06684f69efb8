import {
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import type { VisitorRow } from '../../../shared/ipc/contract';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { formatNumber } from '../intl';
import { isSelected } from '../paging/selection';
import { lazyScreen } from '../lazy-screen';
import { BulkEditStore } from './bulk-edit-store';
import { usePagedRows } from './usePagedRows';
import { VisitorFilters } from './VisitorFilters';
import { filterOf, VisitorsStore } from './visitors-store';
import { VisitorTable } from './VisitorTable';

type Panel = { mode: 'closed' } | { mode: 'new' } | { mode: 'edit'; row: VisitorRow };

// The record panel and the bulk edit open on demand: chunks of their own, so the window's
// first rows do not wait for their code and the visitor schemas their forms check with.
const Record = lazyScreen(
  'Visitor record',
  () => import('./RecordPanel').then((m) => m.RecordPanel),
  'panel',
  (p) => p.onClose(),
);
const BulkEdit = lazyScreen(
  'Bulk edit',
  () => import('./BulkEditDialog').then((m) => m.BulkEditDialog),
  'dialog',
  (p) => p.store.close(),
);
/** Fetches the panel's and the dialog's code ahead (the window does when idle). */
export const preloadVisitorParts = (): Promise<unknown> =>
  Promise.all([Record.preload(), BulkEdit.preload()]);

export function VisitorsScreen() {
  const [store] = useState(() => new VisitorsStore());
  const q = useSyncExternalStore(store.subscribe, store.snapshot);
  const search = useDeferredValue(q.searchInput.trim());
  const sort = q.sort;
  const [panel, setPanel] = useState<Panel>({ mode: 'closed' });
  const [notice, setNotice] = useState<string | null>(null);
  const filter = filterOf(q);
  const filterKey = JSON.stringify(filter);
  const rows = usePagedRows(search, sort, filter);
  const { total, error, getRow, ensureRange } = rows;
  const [bulk] = useState(() => new BulkEditStore(getApi()));
  const b = useSyncExternalStore(bulk.subscribe, bulk.snapshot);
  useEffect(() => bulk.load(), [bulk]);
  // "All that match" means this search and filter: a new one starts a new selection.
  useEffect(() => bulk.queryChanged(), [bulk, search, filterKey]);
  // Rows of another query (a new sort too): positions asked for a range no longer mean them.
  useEffect(() => bulk.rowsChanged(), [bulk, rows]);
  const selected = bulk.count(total ?? 0);
  // A Shift-click range over rows not loaded waits for their ids: its count is not known yet.
  const selecting = b.selection.pending !== undefined;
  const rowIds = useMemo(
    () => ({ idAt: (i: number) => getRow(i)?.localId, idsAt: rows.idsAt }),
    [getRow, rows],
  );
  const query = useMemo(
    () => ({ search, filter: JSON.parse(filterKey) as ReturnType<typeof filterOf> }),
    [search, filterKey],
  );

  const select = useCallback((localId: string) => {
    getApi()
      .invoke('visitors:get', { localId })
      .then(
        (row) => setPanel({ mode: 'edit', row }),
        (err: unknown) => setNotice(errorText(err)),
      );
  }, []);

  // Keep the open record fresh when main reports it changed.
  const openId = panel.mode === 'edit' ? panel.row.localId : null;
  useEffect(() => {
    if (!openId) return;
    return getApi().on('visitors:changed', ({ localIds }) => {
      if (!localIds || localIds.includes(openId)) {
        getApi()
          .invoke('visitors:get', { localId: openId })
          .then(
            (row) => setPanel({ mode: 'edit', row }),
            () => setPanel({ mode: 'closed' }),
          );
      }
    });
  }, [openId]);

  return (
    <div className="visitors-screen">
      <div className="toolbar">
        <input
          type="search"
          className="search"
          placeholder="Search all fields"
          aria-label="Search visitors"
          value={q.searchInput}
          onChange={(e) => store.set({ searchInput: e.target.value })}
        />
        <VisitorFilters store={store} />
        <span className="count" data-testid="visitor-count">
          {total === null
            ? 'Counting…'
            : `${total.toLocaleString()} visitor${total === 1 ? '' : 's'}`}
        </span>
        <button className="primary" onClick={() => setPanel({ mode: 'new' })}>
          New visitor
        </button>
      </div>
      <div className="bulk-bar" role="toolbar" aria-label="Selection">
        <span className="count" data-testid="visitor-selected" aria-live="polite">
          {selecting
            ? 'Selecting the range…'
            : selected
              ? `${formatNumber(selected)} selected`
              : 'None selected'}
        </span>
        <button onClick={bulk.selectAll} disabled={!total}>
          Select all {total ? formatNumber(total) : ''} matching
        </button>
        {selected > 0 && (
          <>
            <button onClick={bulk.clearSelection}>Clear selection</button>
            <button className="primary" onClick={bulk.open} disabled={selecting}>
              {selecting ? 'Edit selected…' : `Edit ${formatNumber(selected)} selected…`}
            </button>
          </>
        )}
        {b.last && (
          <button onClick={() => void bulk.undo()} disabled={b.busy !== null}>
            Undo “{b.last.description}”
          </button>
        )}
      </div>
      {b.notice && (
        <div className="banner" role="status">
          {b.notice} <button onClick={bulk.dismissNotice}>Dismiss</button>
        </div>
      )}
      {(error ?? notice) && (
        <div className="banner error" role="alert">
          {error ?? notice}
        </div>
      )}
      <div className="visitors-body">
        <VisitorTable
          total={total ?? 0}
          getRow={getRow}
          ensureRange={ensureRange}
          sort={sort}
          onSort={(next) => store.set({ sort: next })}
          selectedId={openId}
          isChecked={(id) => isSelected(b.selection, id)}
          onRowClick={(i, id, e) => {
            bulk.clickRow(i, id, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey }, rowIds);
            // A plain click also opens the record; Shift or Ctrl/Cmd only shape the selection.
            if (!e.shiftKey && !e.ctrlKey && !e.metaKey) select(id);
          }}
          onTick={(i, id, shift) => bulk.tickRow(i, id, shift, rowIds)}
          onMove={(i, id, shift) => {
            bulk.clickRow(i, id, { shift, toggle: false }, rowIds);
            select(id);
          }}
        />
        {panel.mode !== 'closed' && (
          <Record.Screen
            // A new key remounts the panel: another record, or this one changed underneath.
            key={panel.mode === 'edit' ? `${panel.row.localId}:${panel.row.updatedAt}` : 'new'}
            row={panel.mode === 'edit' ? panel.row : null}
            onSaved={(row) => setPanel({ mode: 'edit', row })}
            onDeleted={() => setPanel({ mode: 'closed' })}
            onClose={() => setPanel({ mode: 'closed' })}
          />
        )}
      </div>
      {b.editing && (
        <BulkEdit.Screen
          store={bulk}
          snap={b}
          selected={selected}
          onPreview={() => void bulk.preview(query.search, query.filter)}
          onApply={() => void bulk.apply(query.search, query.filter)}
        />
      )}
    </div>
  );
}
