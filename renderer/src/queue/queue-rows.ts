import type { Api } from '../../../shared/ipc/client';
import type {
  QueueCursor,
  QueueFilterIn,
  QueueItem,
  QueueSort,
} from '../../../shared/ipc/queue-contract';
import { PagedStore } from '../paging/paged-store';

/** The queue table's rows for one filter and sort, paged from main (keyset seeks). */
export class QueueRows extends PagedStore<QueueItem, QueueCursor> {
  /** The opIds of rows [offset, offset + limit) of this query, loaded or not (a Shift-click range). */
  readonly idsAt: (offset: number, limit: number) => Promise<string[]>;

  constructor(
    api: Api,
    readonly filter: QueueFilterIn,
    readonly sort: QueueSort,
  ) {
    super({
      count: () => api.invoke('queue:count', { filter }).then(({ total }) => total),
      page: (offset, limit, after) =>
        api.invoke('queue:page', { filter, sort, offset, limit, ...(after ? { after } : {}) }),
    });
    this.idsAt = (offset, limit) =>
      api.invoke('queue:idsAt', { filter, sort, offset, limit }).then(({ opIds }) => opIds);
  }
}
