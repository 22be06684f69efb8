import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Api } from '../../../shared/ipc/client';
import type {
  ConflictCursor,
  ConflictFilterIn,
  ConflictSort,
  ConflictView,
} from '../../../shared/ipc/conflicts-contract';
import { getApi } from '../api';
import { PagedStore } from '../paging/paged-store';

/** The workspace's rows for one filter and sort, paged from main (never all 100 000 at once). */
export class ConflictRows extends PagedStore<ConflictView, ConflictCursor> {
  constructor(
    api: Api,
    readonly filter: ConflictFilterIn,
    readonly sort: ConflictSort,
  ) {
    super({
      count: () => api.invoke('conflicts:count', { filter }).then(({ total }) => total),
      page: (offset, limit, after) =>
        api.invoke('conflicts:page', { filter, sort, offset, limit, after }),
    });
  }
}

/** One store per query (filter + sort, compared by value); refreshed when conflicts change. */
export function useConflictRows(filter: ConflictFilterIn, sort: ConflictSort): ConflictRows {
  const key = JSON.stringify([filter, sort]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by value, not identity
  const rows = useMemo(() => new ConflictRows(getApi(), filter, sort), [key]);
  useEffect(() => {
    rows.start();
    const api = getApi();
    const offs = [
      api.on('conflicts:changed', rows.refresh),
      api.on('visitors:changed', rows.refresh),
    ];
    return () => {
      offs.forEach((off) => off());
      rows.stop();
    };
  }, [rows]);
  useSyncExternalStore(rows.subscribe, rows.getVersion);
  return rows;
}
