import { useSyncExternalStore } from 'react';
import { VISITOR_SYNC_STATES } from '../../../shared/ipc/visitor-sync-states';
import { CAPTURE_METHODS } from './capture-methods';
import type { SyncStateFilter, VisitorsStore } from './visitors-store';

const SYNC_LABEL: Record<SyncStateFilter, string> = {
  synced: 'Synced',
  pending: 'Waiting to sync',
  conflict: 'In conflict',
  failed: 'Failed',
};

/** Sync state, capture method and capture dates; the state lives in visitors-store.ts. */
export function VisitorFilters({ store }: { store: VisitorsStore }) {
  const q = useSyncExternalStore(store.subscribe, store.snapshot);
  return (
    <div className="visitor-filters" role="group" aria-label="Filters">
      <select
        aria-label="Sync state"
        value={q.syncState}
        onChange={(e) => store.set({ syncState: e.target.value as SyncStateFilter | '' })}
      >
        <option value="">Any sync state</option>
        {VISITOR_SYNC_STATES.map((s) => (
          <option key={s} value={s}>
            {SYNC_LABEL[s]}
          </option>
        ))}
      </select>
      <select
        aria-label="Capture method"
        value={q.captureMethod}
        onChange={(e) => store.set({ captureMethod: e.target.value })}
      >
        <option value="">Any capture method</option>
        {CAPTURE_METHODS.map((m) => (
          <option key={m} value={m}>
            {m.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <label>
        Captured from{' '}
        <input
          type="date"
          value={q.capturedFrom}
          onChange={(e) => store.set({ capturedFrom: e.target.value })}
        />
      </label>
      <label>
        to{' '}
        <input
          type="date"
          value={q.capturedTo}
          onChange={(e) => store.set({ capturedTo: e.target.value })}
        />
      </label>
      {store.filtered && (
        <button type="button" onClick={store.clearFilters}>
          Clear filters
        </button>
      )}
    </div>
  );
}
