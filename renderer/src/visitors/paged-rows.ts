import type { Api } from '../../../shared/ipc/client';
import type { PageCursor, VisitorRow, VisitorSort } from '../../../shared/ipc/contract';
import { PagedStore } from '../paging/paged-store';

export { BLOCK_SIZE } from '../paging/paged-store';

/** The visitors table's rows for one search and sort, paged from main. */
export class PagedRows extends PagedStore<VisitorRow, PageCursor> {
  constructor(
    api: Api,
    readonly search: string,
    readonly sort: VisitorSort,
  ) {
    super({
      count: () => api.invoke('visitors:count', { search }).then(({ total }) => total),
      page: (offset, limit, after) =>
        api.invoke('visitors:page', { search, sort, offset, limit, after }),
    });
  }
}
