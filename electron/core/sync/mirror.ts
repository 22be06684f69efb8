import type { ChangePage } from '../../../shared/protocol';
import { toValues, type Visitor } from '../../../shared/visitor';
import type { ConflictsRepo } from '../conflicts/conflicts-repo';
import type { Db } from '../db/open';
import type { OutboxRepo } from '../outbox/outbox-repo';
import type { VisitorsRepo } from '../visitors/visitors-repo';
import { mergePulled } from './merge-pulled';
import { changedFields } from '../../../shared/diff';
import type { VisitorValues } from '../../../shared/visitor';
import type { SyncStateRepo } from './sync-state-repo';

const valuesEqual = (a: VisitorValues, b: VisitorValues) => changedFields(a, b).length === 0;

export interface PageCounts {
  written: number;
  deleted: number;
  keptLocal: number;
}

/**
 * Writes one page of the change feed into the mirror, with the cursor, in one
 * transaction: a crash between pages resumes from the last page written.
 * Records go in id order (sorted inserts are ~3x faster, docs/measured-facts.md).
 */
export function applyChangePage(
  db: Db,
  repos: {
    visitors: VisitorsRepo;
    outbox: OutboxRepo;
    state: SyncStateRepo;
    conflicts: ConflictsRepo;
  },
  page: ChangePage,
  at: string,
): PageCounts {
  const counts: PageCounts = { written: 0, deleted: 0, keptLocal: 0 };
  const sorted = [...page.visitors].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  db.transaction(() => {
    for (const incoming of sorted) {
      const local = repos.visitors.byServerId(incoming.id);
      if ('deleted' in incoming) {
        // Deleted on the server. A local edit stays: pushing it reports update_deleted.
        if (local && !local.dirty) {
          repos.visitors.remove(local.localId);
          counts.deleted++;
        } else if (local) {
          // An edit already turned into a conflict will not be pushed again: its
          // open conflicts become "deleted on the server", or deciding them would
          // keep a record the server no longer has.
          repos.conflicts.serverDeleted(local.localId, incoming.version ?? null);
          counts.keptLocal++;
        }
        continue;
      }
      const v = incoming as Visitor;
      if (!local) {
        repos.visitors.upsertSynced(v.id, v, at);
        counts.written++;
        continue;
      }
      const version = v.version ?? null;
      if (version !== null && local.serverVersion !== null && version < local.serverVersion)
        continue;
      const pulled = toValues(v);
      // The same version as ours: news only if the server holds other values
      // (another device changed fields between our pull and our push).
      const known = local.dirty ? local.base : local.values;
      if (
        version !== null &&
        version === local.serverVersion &&
        known &&
        valuesEqual(known, pulled)
      )
        continue;
      if (!local.dirty) {
        repos.visitors.upsertSynced(local.localId, v, at);
        counts.written++;
      } else {
        const merged = mergePulled(local.values, local.base ?? local.values, pulled);
        repos.visitors.mergePulled(
          local.localId,
          { values: merged, base: pulled, version, lastModified: v.lastModified },
          at,
        );
        counts.keptLocal++;
      }
    }
    repos.state.set('cursor', page.cursor);
    if (!page.hasMore) {
      repos.state.set('lastSyncTimestamp', page.syncTimestamp);
    }
  })();
  return counts;
}
