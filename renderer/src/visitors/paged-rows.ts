import type { Api } from '../../../shared/ipc/client';
import type { PageCursor, VisitorRow, VisitorSort } from '../../../shared/ipc/contract';
import type { VisitorFilter } from '../../../shared/ipc/visitors-contract';
import { PagedStore } from '../paging/paged-store';

export { BLOCK_SIZE } from '../paging/paged-store';

/** The visitors table's rows for one search, filter and sort, paged from the core. */
export class PagedRows extends PagedStore<VisitorRow, PageCursor> {
  /** The local ids of rows [offset, offset + limit) of this query, loaded or not (a Shift-click range). */
  readonly idsAt: (offset: number, limit: number) => Promise<string[]>;

  constructor(
    api: Api,
    readonly search: string,
    readonly sort: VisitorSort,
    readonly filter: VisitorFilter = {},
  ) {
    super({
      count: () => api.invoke('visitors:count', { search, filter }).then(({ total }) => total),
      page: (offset, limit, after) =>
        api.invoke('visitors:page', { search, filter, sort, offset, limit, after }),
    });
    this.idsAt = (offset, limit) =>
      api
        .invoke('visitors:idsAt', { search, filter, sort, offset, limit })
        .then(({ localIds }) => localIds);
  }
}
