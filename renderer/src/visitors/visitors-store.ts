import type { VisitorFilter, VisitorSort } from '../../../shared/ipc/visitors-contract';
import type { VISITOR_SYNC_STATES } from '../../../shared/ipc/visitors-contract';

export type SyncStateFilter = (typeof VISITOR_SYNC_STATES)[number];

export interface VisitorsQuery {
  /** What is in the search box, as typed. */
  searchInput: string;
  syncState: SyncStateFilter | '';
  captureMethod: string;
  /** Dates as the date inputs hold them (YYYY-MM-DD, the person's own calendar days). */
  capturedFrom: string;
  capturedTo: string;
  sort: VisitorSort;
}

/** The start of a calendar day in the person's time zone, as an instant. */
function startOfLocalDay(date: string, plusDays = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * The filter the core is asked for: "captured from" the start of that day,
 * "to" the end of that day (the start of the next), both in the person's
 * own time zone; empty choices are left out.
 */
export function filterOf(q: VisitorsQuery): VisitorFilter {
  const filter: VisitorFilter = {};
  if (q.syncState) filter.syncState = q.syncState;
  if (q.captureMethod) filter.captureMethod = q.captureMethod;
  const from = startOfLocalDay(q.capturedFrom);
  const to = startOfLocalDay(q.capturedTo, 1);
  if (from) filter.capturedFrom = from;
  if (to) filter.capturedTo = to;
  return filter;
}

/**
 * The visitors screen's query: search text, filters and sort. Plain
 * TypeScript with subscribe/snapshot for useSyncExternalStore; the table's
 * rows come from PagedRows for each query.
 */
/** The screen's query when the window opens (its first rows are asked early: first-requests.ts). */
export const DEFAULT_VISITORS_QUERY: VisitorsQuery = {
  searchInput: '',
  syncState: '',
  captureMethod: '',
  capturedFrom: '',
  capturedTo: '',
  sort: { column: 'name', direction: 'asc' },
};

export class VisitorsStore {
  private snap: VisitorsQuery = DEFAULT_VISITORS_QUERY;
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): VisitorsQuery => this.snap;

  set = (patch: Partial<VisitorsQuery>): void => {
    this.snap = { ...this.snap, ...patch };
    this.listeners.forEach((l) => l());
  };

  /** Whether any filter (besides the search text) narrows the table. */
  get filtered(): boolean {
    const s = this.snap;
    return !!(s.syncState || s.captureMethod || s.capturedFrom || s.capturedTo);
  }

  clearFilters = (): void =>
    this.set({ syncState: '', captureMethod: '', capturedFrom: '', capturedTo: '' });
}
