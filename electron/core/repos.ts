import { AuditRepo } from './audit/audit-repo';
import { BatchesRepo } from './conflicts/batches-repo';
import { ConflictsRepo } from './conflicts/conflicts-repo';
import { RememberedRepo } from './conflicts/remembered-repo';
import { RulesRepo } from './conflicts/rules-repo';
import type { Db } from './db/open';
import { AttemptsRepo } from './outbox/attempts-repo';
import { OutboxRepo } from './outbox/outbox-repo';
import { ArchiveRepo } from './queue/archive-repo';
import { QueueRepo } from './queue/queue-repo';
import { RunsRepo } from './sync/runs-repo';
import { SyncStateRepo } from './sync/sync-state-repo';
import { EditBatchesRepo } from './visitors/edit-batches-repo';
import { SearchIndex } from './visitors/search-index';
import { VisitorsRepo } from './visitors/visitors-repo';

/**
 * Every table's module over one connection, built once per core (each
 * prepares its statements once) and handed to whoever needs them.
 */
export interface Repos {
  readonly db: Db;
  readonly visitors: VisitorsRepo;
  /** The visitors' search index, for writers that change many visitors at once. */
  readonly searchIndex: SearchIndex;
  /** The undo log of the visitors' bulk edits. */
  readonly editBatches: EditBatchesRepo;
  readonly outbox: OutboxRepo;
  readonly attempts: AttemptsRepo;
  readonly conflicts: ConflictsRepo;
  readonly batches: BatchesRepo;
  readonly rules: RulesRepo;
  readonly remembered: RememberedRepo;
  readonly audit: AuditRepo;
  readonly queue: QueueRepo;
  readonly archive: ArchiveRepo;
  readonly runs: RunsRepo;
  readonly state: SyncStateRepo;
}

export function createRepos(
  db: Db,
  opts: {
    /** The stale-capture threshold in force (the person's settings), read on every query. */
    staleThresholdMs?: () => number;
  } = {},
): Repos {
  return {
    db,
    visitors: new VisitorsRepo(db),
    searchIndex: new SearchIndex(db),
    editBatches: new EditBatchesRepo(db),
    outbox: new OutboxRepo(db),
    attempts: new AttemptsRepo(db),
    conflicts: new ConflictsRepo(db, opts.staleThresholdMs),
    batches: new BatchesRepo(db),
    rules: new RulesRepo(db),
    remembered: new RememberedRepo(db),
    audit: new AuditRepo(db),
    queue: new QueueRepo(db),
    archive: new ArchiveRepo(db),
    runs: new RunsRepo(db),
    state: new SyncStateRepo(db),
  };
}
