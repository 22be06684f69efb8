import type { ChangePage } from '../../../shared/protocol';
import { toValues, type Visitor } from '../../../shared/visitor';
import type { ConflictsRepo } from '../conflicts/conflicts-repo';
import type { SearchIndex } from '../visitors/search-index';
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

export interface PageRepos {
  visitors: VisitorsRepo;
  state: SyncStateRepo;
  conflicts: ConflictsRepo;
  searchIndex: SearchIndex;
}

export interface PageWriting {
  /** Runs `work` as one transaction held across the turns it gives back (durability.ts). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Lets the core's other work (a window's reads) run between two slices. */
  yieldTurn(): Promise<void>;
  /** How long one slice may hold the thread, in ms. */
  sliceMs: number;
}

/** The first slice's size, before the page's own pace is known. */
const FIRST_SLICE = 200;

/**
 * Writes one page of the change feed into the mirror, with the cursor, in one
 * transaction: a crash between pages resumes from the last page written. The
 * page goes in slices of about `sliceMs`, giving the thread back between
 * them, so a window's reads are not held for the whole page (most of a
 * second for 5 000 records); one commit per page stays, as each commit
 * rewrites the index pages it touched (slices committed on their own cost a
 * first mirror 25-40 % more, profiled). Records go in id order (sorted
 * inserts are ~3x faster, docs/measured-facts.md); each slice brings the
 * search index up to date in one statement (search-index.ts).
 */
export function applyChangePage(
  repos: PageRepos,
  page: ChangePage,
  at: string,
  writing: PageWriting,
): Promise<PageCounts> {
  const sorted = [...page.visitors].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return writing.transaction(async () => {
    const counts: PageCounts = { written: 0, deleted: 0, keptLocal: 0 };
    let size = FIRST_SLICE;
    for (let from = 0; from < sorted.length;) {
      const slice = sorted.slice(from, from + size);
      const t0 = performance.now();
      repos.searchIndex.bulk(
        'server_id',
        slice.map((r) => r.id),
        () => {
          for (const incoming of slice) applyRecord(repos, incoming, at, counts);
        },
      );
      from += slice.length;
      if (from >= sorted.length) break;
      // The next slice sized to the pace of this one.
      const perRecord = Math.max(performance.now() - t0, 1) / slice.length;
      size = Math.max(20, Math.floor(writing.sliceMs / perRecord));
      await writing.yieldTurn();
    }
    repos.state.set('cursor', page.cursor);
    if (!page.hasMore) repos.state.set('lastSyncTimestamp', page.syncTimestamp);
    return counts;
  });
}

function applyRecord(
  repos: PageRepos,
  incoming: ChangePage['visitors'][number],
  at: string,
  counts: PageCounts,
): void {
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
    return;
  }
  const v = incoming as Visitor;
  if (!local) {
    repos.visitors.upsertSynced(v.id, v, at);
    counts.written++;
    return;
  }
  const version = v.version ?? null;
  if (version !== null && local.serverVersion !== null && version < local.serverVersion) return;
  const pulled = toValues(v);
  // The same version as ours: news only if the server holds other values
  // (another device changed fields between our pull and our push).
  const known = local.dirty ? local.base : local.values;
  if (version !== null && version === local.serverVersion && known && valuesEqual(known, pulled))
    return;
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
