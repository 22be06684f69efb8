import { fail } from '../../../shared/errors';
import type { OutboxRow } from '../../../shared/ipc/contract';
import type {
  ApplyResult,
  BatchInfo,
  BulkPreview,
  ConflictTarget,
  ConflictView,
  Decision,
  DraftState,
} from '../../../shared/ipc/conflicts-contract';
import { conflictSides } from '../../../shared/resolve/conflict';
import { previewResolution } from '../../../shared/resolve/preview';
import { lookupKeys, pairsToRemember } from '../../../shared/resolve/remembered';
import { DAY_MS, isStaleCapture } from '../../../shared/resolve/stale';
import type { MergePreview, Resolution, ResolvableConflict } from '../../../shared/resolve/types';
import { EMPTY_VALUES, type VisitorValues } from '../../../shared/visitor';
import type { AuditRepo } from '../audit/audit-repo';
import { type Clock, isoNow } from '../clock';
import type { Db } from '../db/open';
import { newOpId } from '../ids';
import type { JobControl, Jobs } from '../jobs/jobs';
import type { OutboxRepo } from '../outbox/outbox-repo';
import type { Repos } from '../repos';
import type { VisitorRecord, VisitorsRepo } from '../visitors/visitors-repo';
import type { BatchesRepo, BatchRow } from './batches-repo';
import type { ConflictRow, ConflictsRepo } from './conflicts-repo';
import type { RememberedRepo } from './remembered-repo';
import { resolutionFor, resolvableOf } from './resolvable';

const SAMPLE_SIZE = 12;
const BEING_SENT = 'Its record is being sent right now: try again when this sync ends';
const GONE = 'Its record is no longer in the local mirror';
const REPLACED =
  'This visitor was re-created on the server since this conflict was found, so the conflict no longer applies';
const STALE =
  'The server changed this visitor after the console last pulled it: sync to fetch its record, then decide';

/**
 * Why a conflict cannot be decided from what the console knows now, if so.
 * Deciding against a server record the mirror has not seen would send a
 * baseVersion claiming otherwise, and overwrite what it did not show.
 */
function staleness(c: ConflictRow, v: VisitorRecord): string | null {
  if (c.serverId !== null && c.action !== 'create' && v.serverId !== c.serverId) return REPLACED;
  if (
    c.serverData !== null &&
    c.serverVersion !== null &&
    (v.serverVersion === null || v.serverVersion < c.serverVersion)
  )
    return STALE;
  return null;
}

type Plan =
  | {
      ok: true;
      conflict: ConflictRow;
      visitor: VisitorRecord;
      /** The record's operations when planned (none in flight). */
      ops: OutboxRow[];
      resolvable: ResolvableConflict;
      resolution: Resolution;
      preview: MergePreview;
    }
  | { ok: false; conflict: ConflictRow; reason: string };

/**
 * The conflict workspace's effects, in one place: views for the table, bulk
 * preview, apply and undo. Decisions come from shared/resolve (pure); this
 * class only reads what they need and writes what they decided, each bulk
 * action in one transaction.
 */
export class ConflictWorkspace {
  private readonly conflicts: ConflictsRepo;
  private readonly visitors: VisitorsRepo;
  private readonly outbox: OutboxRepo;
  readonly batches: BatchesRepo;
  private readonly audit: AuditRepo;
  private readonly remembered: RememberedRepo;

  private readonly db: Db;

  private readonly read: Repos;
  private readonly clock: Clock;
  private readonly actor: string;
  private readonly jobs: Jobs;

  /**
   * `repos` write (inside jobs, on the core's connection); `read` serves the
   * table and the detail pane from a connection of their own, so they never
   * see a job's uncommitted work or wait for it.
   */
  constructor(deps: { repos: Repos; read: Repos; clock: Clock; actor: string; jobs: Jobs }) {
    const { repos } = deps;
    ({ read: this.read, clock: this.clock, actor: this.actor, jobs: this.jobs } = deps);
    ({
      db: this.db,
      conflicts: this.conflicts,
      visitors: this.visitors,
      outbox: this.outbox,
      batches: this.batches,
      audit: this.audit,
      remembered: this.remembered,
    } = repos);
  }

  /** A page of table rows, with one look-up of remembered values for the whole page. */
  views(rows: readonly ConflictRow[]): ConflictView[] {
    const parts = rows.map((c) => this.resolvableView(c));
    const found = this.read.remembered.lookup(parts.flatMap((p) => p.keys.map((k) => k.key)));
    return parts.map((p) => this.viewOf(p, found));
  }

  /** A table row: the resolver's input (both sides and the base) and the state of its draft. */
  view(c: ConflictRow): ConflictView {
    const p = this.resolvableView(c);
    return this.viewOf(p, this.read.remembered.lookup(p.keys.map((k) => k.key)));
  }

  private resolvableView(c: ConflictRow) {
    const v = this.read.visitors.get(c.localId);
    const ops = this.read.outbox.forVisitor(c.localId);
    const resolvable = v ? resolvableOf(c, v, queuedEdits(ops)) : placeholderOf(c);
    return { c, v, ops, resolvable, keys: lookupKeys(resolvable) };
  }

  private viewOf(
    { c, v, ops, resolvable, keys }: ReturnType<ConflictWorkspace['resolvableView']>,
    found: ReadonlyMap<string, { result: unknown }>,
  ): ConflictView {
    const remembered: ConflictView['remembered'] = {};
    for (const { field, key } of keys) {
      const r = found.get(key);
      if (r) remembered[field] = r.result;
    }
    return {
      id: c.id,
      localId: c.localId,
      serverId: c.serverId,
      name: c.name,
      company: c.company,
      kind: c.kind,
      conflictFields: resolvable.conflictFields,
      createdAt: c.createdAt,
      resolvable,
      draft: c.draft,
      draftRule: c.draftRule,
      draftState: draftStateOf(resolvable, c.draft),
      stale: isStaleCapture(c.captureGapMs, this.read.conflicts.staleMs),
      captureGapMs: c.captureGapMs,
      captureMethod: v?.values.captureMethod ?? null,
      remembered,
      blocked: !v ? GONE : inFlight(ops) ? BEING_SENT : staleness(c, v),
    };
  }

  get(id: number): ConflictView {
    const c = this.read.conflicts.get(id);
    if (!c) fail('conflict_not_found', 'This conflict no longer exists.');
    return this.view(c);
  }

  /** Called through the write gate (a draft over every matching conflict is one transaction). */
  setDraft(target: ConflictTarget, draft: Resolution | null): number {
    return this.db.transaction(() => {
      let n = 0;
      for (const page of this.conflicts.targeted(target))
        for (const c of page) if (this.conflicts.setDraft(c.id, draft)) n++;
      return n;
    })();
  }

  /** Exactly what apply would do: apply itself, in a transaction that is rolled back. */
  preview(target: ConflictTarget, decision: Decision): Promise<BulkPreview> {
    const spec = this.jobSpec('bulk_preview', `Preview of ${describe(decision)}`, target);
    return this.jobs.transaction({ ...spec, dryRun: true }, async (job) => {
      return (await this.run(target, decision, '', false, undefined, job)).summary;
    });
  }

  /** One transaction however many conflicts; reads go on meanwhile, and a cancel undoes it all. */
  apply(
    target: ConflictTarget,
    decision: Decision,
    description: string,
    throughId?: number,
    rule: string | null = null,
  ): Promise<ApplyResult> {
    const spec = this.jobSpec('bulk_apply', description || describe(decision), target);
    return this.jobs.transaction(spec, async (job) => {
      const { summary, batch } = await this.run(
        target,
        decision,
        description,
        true,
        throughId,
        job,
        rule,
      );
      return { ...summary, batch: batch ? this.info(batch) : null };
    });
  }

  private jobSpec(kind: 'bulk_apply' | 'bulk_preview', label: string, target: ConflictTarget) {
    const total =
      'ids' in target
        ? target.ids.length
        : Math.max(0, this.conflicts.count(target.filter) - target.exceptIds.length);
    return { kind, label, unit: 'conflicts', total };
  }

  lastBatch(): BatchInfo | null {
    const b = this.read.batches.last();
    return b ? this.info(b, this.read) : null;
  }

  /** The recent bulk applies and rule batches, newest first, each undoable or why not. */
  recentBatches(limit: number): BatchInfo[] {
    return this.read.batches.recent(limit).map((b) => this.info(b, this.read));
  }

  /**
   * Puts back everything a bulk apply (default: the last) changed, while
   * none of it was pushed or changed since. Older applies can be undone too,
   * newest first where they decided the same records.
   */
  undo(batchId?: number): Promise<{ batch: BatchInfo; reopened: number }> {
    const wanted =
      batchId === undefined ? this.read.batches.last() : this.read.batches.byId(batchId);
    const spec = {
      kind: 'bulk_undo' as const,
      label: `Undo of ${wanted?.description ?? 'the last bulk apply'}`,
      unit: 'decisions',
      total: wanted?.count ?? null,
    };
    return this.jobs.transaction(spec, async (job) => {
      const b = batchId === undefined ? this.batches.last() : this.batches.byId(batchId);
      if (!b || b.undoneAt) fail('nothing_to_undo', 'There is no bulk apply to undo.', false);
      const blocked = this.undoBlocked(b);
      if (blocked) fail('undo_blocked', blocked, false);
      const at = isoNow(this.clock);
      const records = this.batches.undoRecords(b.id);
      job.setTotal(records.length);
      let done = 0;
      for (const u of [...records].reverse()) {
        await job.tick(done++);
        const c = this.conflicts.get(u.conflictId);
        if (u.opAdded) this.outbox.deleteByOpId(u.opAdded);
        const localId = u.localId;
        if (u.visitorBefore) this.visitors.restoreRaw(u.visitorBefore);
        else this.visitors.remove(localId);
        this.outbox.restoreRows(u.opsRemoved);
        this.audit.add({
          at,
          actor: this.actor,
          action: 'undo_resolve',
          localId,
          serverId: c?.serverId ?? null,
          conflictId: u.conflictId,
          opId: u.opAdded,
          batchId: b.id,
          detail: { undid: b.description },
          before: null,
          after: null,
        });
      }
      const reopened = this.conflicts.reopenBatch(b.id);
      this.remembered.forgetBatch(b.id);
      this.batches.markUndone(b.id, at);
      return { batch: this.info({ ...b, undoneAt: at }), reopened };
    });
  }

  private plan(c: ConflictRow, decision: Decision): Plan {
    const visitor = this.visitors.get(c.localId);
    if (!visitor) return { ok: false, conflict: c, reason: GONE };
    const ops = this.outbox.forVisitor(c.localId);
    if (inFlight(ops)) return { ok: false, conflict: c, reason: BEING_SENT };
    const stale = staleness(c, visitor);
    if (stale) return { ok: false, conflict: c, reason: stale };
    const resolvable = resolvableOf(c, visitor, queuedEdits(ops));
    const chosen = resolutionFor(c, resolvable, decision);
    if (!chosen.ok) return { ok: false, conflict: c, reason: chosen.reason };
    const preview = previewResolution(resolvable, chosen.resolution);
    if (!preview.ok) return { ok: false, conflict: c, reason: preview.error.message };
    return {
      ok: true,
      conflict: c,
      visitor,
      ops,
      resolvable,
      resolution: chosen.resolution,
      preview: preview.value,
    };
  }

  /**
   * The one code path of preview and apply. Conflicts are taken in id order
   * and each is planned against the mirror as the ones before it left it, so
   * two conflicts of one record compose exactly as they will when applied.
   */
  private async run(
    target: ConflictTarget,
    decision: Decision,
    description: string,
    keep: boolean,
    throughId: number | undefined,
    job: JobControl,
    rule: string | null = null,
  ): Promise<{ summary: BulkPreview; batch: BatchRow | null }> {
    const at = isoNow(this.clock);
    const batchId = this.batches.create(at, this.actor, description || describe(decision));
    const summary: BulkPreview = {
      targeted: 0,
      resolvable: 0,
      recordsChanging: 0,
      operations: 0,
      byStrategy: {},
      skipped: 0,
      skippedReasons: [],
      samples: [],
      throughId: 0,
    };
    const reasons = new Map<string, number>();
    const changing = new Set<string>();
    for (const page of this.conflicts.targeted(target, throughId)) {
      for (const c of page) {
        await job.tick(summary.targeted);
        summary.targeted++;
        summary.throughId = Math.max(summary.throughId, c.id);
        const p = this.plan(c, decision);
        if (!p.ok) {
          summary.skipped++;
          reasons.set(p.reason, (reasons.get(p.reason) ?? 0) + 1);
          continue;
        }
        const opId = this.write(p, batchId, at, rule);
        summary.resolvable++;
        summary.byStrategy[p.resolution.strategy] =
          (summary.byStrategy[p.resolution.strategy] ?? 0) + 1;
        if (p.preview.localEffect !== 'none') changing.add(c.localId);
        if (opId) summary.operations++;
        if (
          summary.samples.length < SAMPLE_SIZE &&
          (p.preview.localChanges.length || p.preview.operation)
        ) {
          summary.samples.push({
            id: c.id,
            name: c.name,
            localEffect: p.preview.localEffect,
            changes: p.preview.localChanges,
            operation: p.preview.operation,
          });
        }
      }
    }
    summary.recordsChanging = changing.size;
    summary.skippedReasons = [...reasons].map(([reason, count]) => ({ reason, count }));
    if (!keep || summary.resolvable === 0) {
      // Nothing applied: no batch to undo (the dry run rolls everything back anyway).
      if (keep) this.batches.discard(batchId);
      return { summary, batch: null };
    }
    this.batches.setCount(batchId, summary.resolvable);
    return { summary, batch: this.batches.byId(batchId) };
  }

  /** Writes one decision: mirror, outbox, conflict row, undo log, audit. Returns the queued opId. */
  private write(
    p: Extract<Plan, { ok: true }>,
    batchId: number,
    at: string,
    rule: string | null,
  ): string | null {
    const { conflict: c, visitor: v, preview } = p;
    const before = this.visitors.raw(c.localId) ?? null;
    const opsRemoved = this.outbox.takeSupersedable(c.localId);
    // What a decision does not supersede: failed operations, left for an admin.
    const stillFailed = p.ops.some((op) => op.status === 'failed');
    const server = conflictSides(p.resolvable).server;
    const op = preview.operation;
    const record = preview.record;
    let removed = false;
    if (record === 'deleted') {
      if (c.kind === 'delete_modified' && op) {
        // Our deletion wins: the row stays deleted and the delete is queued again.
        this.visitors.applyDecision(
          c.localId,
          {
            values: v.values,
            base: server,
            serverId: v.serverId,
            serverVersion: p.resolvable.serverVersion,
            dirty: true,
            deleted: true,
          },
          at,
        );
      } else {
        this.visitors.remove(c.localId);
        removed = true;
      }
    } else {
      const recreate = op?.action === 'create';
      this.visitors.applyDecision(
        c.localId,
        {
          values: record,
          base: recreate ? null : (server ?? v.base),
          serverId: recreate ? null : v.serverId,
          serverVersion: recreate ? null : p.resolvable.serverVersion,
          dirty: op !== null || stillFailed,
          deleted: false,
        },
        at,
      );
    }
    let opId: string | null = null;
    if (op) {
      opId = newOpId();
      this.outbox.insert(
        opId,
        c.localId,
        op.serverId ?? null,
        {
          action: op.action,
          data: (op.data as Partial<VisitorValues> | undefined) ?? null,
          baseVersion: op.baseVersion ?? null,
        },
        at,
      );
    }
    this.conflicts.markResolved(c.id, p.resolution, batchId, at);
    // What staff settled a contested pair of values to is proposed next time (rerere).
    this.remembered.remember(pairsToRemember(p.resolvable, record), batchId, at);
    const staleMs = this.conflicts.staleMs;
    this.batches.addUndo(batchId, {
      conflictId: c.id,
      localId: c.localId,
      visitorBefore: before,
      opsRemoved,
      opAdded: opId,
      removed,
    });
    this.audit.add({
      at,
      actor: this.actor,
      action: 'resolve',
      localId: c.localId,
      serverId: c.serverId,
      conflictId: c.id,
      opId,
      batchId,
      detail: {
        resolution: p.resolution,
        operation: op,
        supersededOps: opsRemoved.length,
        // The guard as it stood when this was decided: the threshold in force and the flag.
        staleCapture: {
          flagged: isStaleCapture(c.captureGapMs, staleMs),
          thresholdDays: staleMs / DAY_MS,
          captureGapMs: c.captureGapMs,
        },
        ...(rule ? { rule } : {}),
        ...(c.draftRule ? { proposedBy: c.draftRule } : {}),
      },
      before: v.values,
      after: record,
    });
    return opId;
  }

  private info(b: BatchRow, repos: Pick<Repos, 'batches'> = this): BatchInfo {
    return {
      ...b,
      undoBlocked: b.undoneAt ? 'It was already undone.' : this.undoBlocked(b, repos),
    };
  }

  /** Why a batch can no longer be undone, in words; null when it can. */
  private undoBlocked(b: BatchRow, repos: Pick<Repos, 'batches'> = this): string | null {
    const later = repos.batches.decidedLater(b.id);
    if (later.n)
      return `${plural(later.n, 'record')} of this apply were decided again by a later one (“${later.description ?? ''}”); undo that one first.`;
    const { sent, edited } = repos.batches.blockers(b);
    if (sent)
      return `${plural(sent, 'operation')} of this apply already went to the server; undo is only possible before the next sync.`;
    if (edited)
      return `${plural(edited, 'record')} changed since (edited or synced); undoing would lose that.`;
    return null;
  }
}

/** Every field of every queued (unsent) update of the record, oldest first. */
function queuedEdits(ops: readonly OutboxRow[]): Partial<VisitorValues> {
  const edits: Partial<VisitorValues> = {};
  for (const op of ops) {
    if (op.action !== 'update' || op.data === null) continue;
    if (op.status !== 'pending' && op.status !== 'retrying') continue;
    Object.assign(edits, op.data);
  }
  return edits;
}

const inFlight = (ops: readonly OutboxRow[]) => ops.some((op) => op.status === 'in_flight');

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function describe(d: Decision): string {
  if (d.type === 'drafts') return 'Chosen decisions';
  if (d.type === 'resolution') return `Strategy: ${d.resolution.strategy.replace('_', ' ')}`;
  const fields = Object.entries(d.rules.fields).map(([f, k]) => `${f} → ${k}`);
  return `Rule: ${[...fields, `otherwise ${d.rules.default.replace('_', ' ')}`].join(', ')}`;
}

function draftStateOf(rc: ResolvableConflict, draft: Resolution | null): DraftState {
  if (!draft) return { state: 'undecided' };
  const p = previewResolution(rc, draft);
  if (!p.ok) return { state: 'invalid', error: p.error };
  return {
    state: 'ready',
    changes: p.value.localChanges.length,
    sends: p.value.operation !== null,
  };
}

/** A conflict whose record left the mirror still shows, with what it recorded. */
function placeholderOf(c: ConflictRow): ResolvableConflict {
  const local = { ...EMPTY_VALUES, name: c.name, company: c.company || null };
  return resolvableOf(
    c,
    {
      localId: c.localId,
      serverId: c.serverId,
      serverVersion: c.serverVersion,
      values: local,
      base: null,
      dirty: false,
      deleted: false,
      lastModified: null,
      createdAt: c.createdAt,
      updatedAt: c.createdAt,
    },
    {},
  );
}
