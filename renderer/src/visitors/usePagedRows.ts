import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { VisitorSort } from '../../../shared/ipc/contract';
import type { VisitorFilter } from '../../../shared/ipc/visitors-contract';
import { getApi } from '../api';
import { PagedRows } from './paged-rows';

/** One PagedRows per query; refreshed when main reports changed visitors. */
export function usePagedRows(search: string, sort: VisitorSort, filter: VisitorFilter): PagedRows {
  // The filter object is new on every render: its content is the dependency.
  const filterKey = JSON.stringify(filter);
  const rows = useMemo(
    () => new PagedRows(getApi(), search, sort, JSON.parse(filterKey) as VisitorFilter),
    [search, sort, filterKey],
  );
  useEffect(() => {
    rows.start();
    const off = getApi().on('visitors:changed', rows.refresh);
    return () => {
      off();
      rows.stop();
    };
  }, [rows]);
  useSyncExternalStore(rows.subscribe, rows.getVersion);
  return rows;
}
