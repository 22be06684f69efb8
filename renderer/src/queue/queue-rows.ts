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
  }
}
