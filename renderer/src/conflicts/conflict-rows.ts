import type { Api } from '../../../shared/ipc/client';
import type {
  ConflictCursor,
  ConflictFilterIn,
  ConflictSort,
  ConflictView,
} from '../../../shared/ipc/conflicts-contract';
import type { VisitorField } from '../../../shared/visitor';
import { PagedStore } from '../paging/paged-store';

/** One line of the list: a conflict, or (grouped by field) a group's head. */
export type Entry =
  | { type: 'row'; row: ConflictView }
  | { type: 'group'; field: VisitorField; count: number; expanded: boolean };

/** The workspace's rows for one filter and sort, paged from main (never all 100 000 at once). */
export class ConflictRows extends PagedStore<ConflictView, ConflictCursor> {
  /** The ids of rows [offset, offset + limit) of this query, loaded or not (a Shift-click range). */
  readonly idsAt: (offset: number, limit: number) => Promise<number[]>;

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
    this.idsAt = (offset, limit) =>
      api.invoke('conflicts:idsAt', { filter, sort, offset, limit }).then(({ ids }) => ids);
  }
}
