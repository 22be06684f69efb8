import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { VisitorSort } from '../../../shared/ipc/contract';
import { getApi } from '../api';
import { PagedRows } from './paged-rows';

/** One PagedRows per query; refreshed when main reports changed visitors. */
export function usePagedRows(search: string, sort: VisitorSort): PagedRows {
  const rows = useMemo(() => new PagedRows(getApi(), search, sort), [search, sort]);
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
