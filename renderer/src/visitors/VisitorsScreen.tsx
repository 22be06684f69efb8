import { useCallback, useDeferredValue, useEffect, useState, useSyncExternalStore } from 'react';
import type { VisitorRow } from '../../../shared/ipc/contract';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { RecordPanel } from './RecordPanel';
import { usePagedRows } from './usePagedRows';
import { VisitorFilters } from './VisitorFilters';
import { filterOf, VisitorsStore } from './visitors-store';
import { VisitorTable } from './VisitorTable';

type Panel = { mode: 'closed' } | { mode: 'new' } | { mode: 'edit'; row: VisitorRow };

export function VisitorsScreen() {
  const [store] = useState(() => new VisitorsStore());
  const q = useSyncExternalStore(store.subscribe, store.snapshot);
  const search = useDeferredValue(q.searchInput.trim());
  const sort = q.sort;
  const [panel, setPanel] = useState<Panel>({ mode: 'closed' });
  const [notice, setNotice] = useState<string | null>(null);
  const { total, error, getRow, ensureRange } = usePagedRows(search, sort, filterOf(q));

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
          onSelect={select}
        />
        {panel.mode !== 'closed' && (
          <RecordPanel
            // A new key remounts the panel: another record, or this one changed underneath.
            key={panel.mode === 'edit' ? `${panel.row.localId}:${panel.row.updatedAt}` : 'new'}
            row={panel.mode === 'edit' ? panel.row : null}
            onSaved={(row) => setPanel({ mode: 'edit', row })}
            onDeleted={() => setPanel({ mode: 'closed' })}
            onClose={() => setPanel({ mode: 'closed' })}
          />
        )}
      </div>
    </div>
  );
}
