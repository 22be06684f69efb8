import type { Api } from '../../../shared/ipc/client';
import type { PageCursor, VisitorRow, VisitorSort } from '../../../shared/ipc/contract';
import type { VisitorFilter } from '../../../shared/ipc/visitors-contract';
import type { RequestIn } from '../../../shared/ipc/contract';
import { ask, peekArrived, takeArrived } from '../early-requests';
import { BLOCK_SIZE, PagedStore } from '../paging/paged-store';

export { BLOCK_SIZE } from '../paging/paged-store';

export const countRequest = (
  search: string,
  filter: VisitorFilter,
): RequestIn<'visitors:count'> => ({ search, filter });

/** The first block of a query, as PagedStore asks for it when a table opens. */
export const firstPageRequest = (
  search: string,
  sort: VisitorSort,
  filter: VisitorFilter,
): RequestIn<'visitors:page'> => ({ search, filter, sort, offset: 0, limit: BLOCK_SIZE });

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
    // The opening query's count and first rows may have been asked as the window started.
    super({
      count: () => ask(api, 'visitors:count', countRequest(search, filter)).then((c) => c.total),
      page: (offset, limit, after) =>
        offset === 0 && limit === BLOCK_SIZE && after === undefined
          ? ask(api, 'visitors:page', firstPageRequest(search, sort, filter))
          : api.invoke('visitors:page', { search, filter, sort, offset, limit, after }),
    });
    // Both already here (the window's first rows): the first render shows them. They are
    // taken when the table starts, and are gone by then if a change was announced since.
    const counted = countRequest(search, filter);
    const paged = firstPageRequest(search, sort, filter);
    const total = peekArrived('visitors:count', counted);
    const first = peekArrived('visitors:page', paged);
    if (total && first)
      this.seed(total.total, first, () => {
        const stillCounted = takeArrived('visitors:count', counted);
        const stillPaged = takeArrived('visitors:page', paged);
        return stillCounted !== null && stillPaged !== null;
      });
    this.idsAt = (offset, limit) =>
      api
        .invoke('visitors:idsAt', { search, filter, sort, offset, limit })
        .then(({ localIds }) => localIds);
  }
}
