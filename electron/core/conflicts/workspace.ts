import { fail } from '../../../shared/errors';
import type {
  ApplyResult,
  BatchInfo,
  BatchSummary,
  BulkPreview,
  ConflictTarget,
  ConflictView,
  Decision,
  DraftState,
} from '../../../shared/ipc/conflicts-contract';
import { previewResolution } from '../../../shared/resolve/preview';
import { lookupKeys, pairsToRemember } from '../../../shared/resolve/remembered';
import { DAY_MS, isStaleCapture } from '../../../shared/resolve/stale';
import type { Resolution, ResolvableConflict } from '../../../shared/resolve/types';
import { EMPTY_VALUES, type VisitorValues } from '../../../shared/visitor';
import type { AuditRepo } from '../audit/audit-repo';
import { type Clock, isoNow } from '../clock';
import type { Db } from '../db/open';
import { newOpId } from '../ids';
import type { JobControl, Jobs } from '../jobs/jobs';
import { StepSize, type StepSizeOptions } from '../jobs/step-size';
import type { OutboxRepo } from '../outbox/outbox-repo';
import type { Repos } from '../repos';
import type { MirrorDecision, VisitorRecord, VisitorsRepo } from '../visitors/visitors-repo';
import type { BatchesRepo, BatchRow } from './batches-repo';
import {
  BEING_SENT,
  effectOf,
  GONE,
  inFlight,
  planConflict,
  queuedEdits,
  stateAfter,
  staleness,
  type Effect,
  type Planned,
  type RecordState,
} from './bulk-plan';
import type { ConflictRow, ConflictsRepo } from './conflicts-repo';
import type { RememberedRepo } from './remembered-repo';
import { RememberedSnapshot } from './remembered-snapshot';
import { resolvableOf } from './resolvable';

const SAMPLE_SIZE = 12;
/*
 * The set-based steps of a bulk job, each sized by time as the job goes (see
 * StepSize): a statement over a page cannot stop halfway for progress, reads
 * or a cancel. At fixed sizes (50 000 conflicts, 200 000 visitors, idle) a
 * read of 2 000 conflicts with their records took up to 135 ms and a write
 * page of 500 decisions up to 250 ms, two to three times that loaded. The
 * first sizes are about what fits idle; the floors keep a step's fixed cost
 * small next to its rows' (measured: a preview in read pages of 100 costs
 * ~10 % more than in pages of 500, and pages of 2 000 were slower too).
 */
/** Conflicts read per page, with their records and queued operations. */
const READ_STEP = { first: 500, min: 100, max: 5_000 };
/**
 * Decisions per write page: its set-based statements (undo records, the
 * superseded operations' removal, remembered pairs) are the step; the job
 * ticks between the page's decisions (~140 µs each, one row per table).
 */
const WRITE_STEP = { first: 500, min: 50, max: 2_000 };
/** Decisions put back per range of undo's set-based statements (~40 ms per 1 000 idle). */
const UNDO_STEP = { first: 500, min: 50, max: 5_000 };
/**
 * Decisions per range of undo's check for what stands in its way (operations
 * sent, records changed since): ~200 ms over 50 000 at once, idle, before
 * the job's first tick; ~4 µs a decision.
 */
const CHECK_STEP = { first: 2_000, min: 200, max: 20_000 };

/** The bounds of each kind of step (tests narrow them to put page boundaries everywhere). */
export type WorkspaceSteps = Record<'read' | 'write' | 'undo' | 'check', StepSizeOptions>;
const STEPS: WorkspaceSteps = {
  read: READ_STEP,
  write: WRITE_STEP,
  undo: UNDO_STEP,
  check: CHECK_STEP,
};

/** One decision apply writes. */
interface Decided {
  plan: Planned;
  effect: Effect;
  opId: string | null;
}

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
  private readonly jobs: Pick<Jobs, 'transaction'>;
  private readonly steps: WorkspaceSteps;

  /**
   * `repos` write (inside jobs, on the core's connection); `read` serves the
   * table and the detail pane from a connection of their own, so they never
   * see a job's uncommitted work or wait for it.
   */
  constructor(deps: {
    repos: Repos;
    read: Repos;
    clock: Clock;
    actor: string;
    jobs: Pick<Jobs, 'transaction'>;
    steps?: Partial<WorkspaceSteps>;
  }) {
    const { repos } = deps;
    this.steps = { ...STEPS, ...deps.steps };
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
      // Just applied, in this transaction: nothing of it was sent or changed since, so it can be
      // undone (no need to count blockers over every undo record).
      return { ...summary, batch: batch ? { ...batch, undoBlocked: null } : null };
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

  /**
   * The recent bulk applies and rule batches, newest first. What stands in the
   * way of each one's undo is not counted here: that is a pass over every
   * decision of the batch (~200 ms at 50 000), and the window reloads this list
   * on every change of the outbox. The undo counts it when asked for, and
   * refuses in those words.
   */
  recentBatches(limit: number): BatchSummary[] {
    return this.read.batches.recent(limit);
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
      job.setTotal(this.batches.undoCount(b.id));
      const blocked = await this.undoBlockedInSteps(b, job);
      if (blocked) fail('undo_blocked', blocked, false);
      const at = isoNow(this.clock);
      // Set-based, a range of decisions at a time, newest first: a record decided twice ends as it
      // was before the first. A range is one step, sized by time, with a tick between statements.
      const step = new StepSize(this.steps.undo);
      let done = 0;
      let reopened = 0;
      let before = Number.MAX_SAFE_INTEGER;
      const stretch = async <T>(work: () => T): Promise<T> => {
        await job.tick(done);
        return step.time(work);
      };
      for (;;) {
        const r = await stretch(() => this.batches.nextUndoRange(b.id, before, step.size));
        if (!r) break;
        await stretch(() =>
          this.audit.addUndone({
            at,
            actor: this.actor,
            batchId: b.id,
            fromId: r.fromId,
            toId: r.toId,
            detail: { undid: b.description },
          }),
        );
        await stretch(() => this.outbox.undoBatch(b.id, r.fromId, r.toId));
        await stretch(() => this.visitors.restoreFromUndo(b.id, r.fromId, r.toId));
        reopened += await stretch(() => this.conflicts.reopenBatch(b.id, r.fromId, r.toId));
        step.end(r.count);
        done += r.count;
        before = r.fromId;
      }
      this.remembered.forgetBatch(b.id);
      this.batches.markUndone(b.id, at);
      return { batch: this.info({ ...b, undoneAt: at }), reopened };
    });
  }

  /**
   * The one code path of preview and apply. Conflicts are taken in id order
   * and each is decided against its record as the ones before it left it
   * (see stateAfter), so two conflicts of one record compose
   * exactly as they do when applied. Apply (`keep`) then writes the decisions
   * a page at a time (see write); the preview writes nothing. Where pages
   * begin and end (sized by time) changes nothing of what is decided.
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
    const batchId = keep
      ? this.batches.create(at, this.actor, description || describe(decision))
      : null;
    const summary: BulkPreview = {
      targeted: 0,
      resolvable: 0,
      recordsChanging: 0,
      operations: 0,
      byStrategy: {},
      remembered: 0,
      skipped: 0,
      skippedReasons: [],
      samples: [],
      throughId: 0,
    };
    const reasons = new Map<string, number>();
    const changing = new Set<string>();
    // Records decided in this run, as the decisions left them.
    // Kept only for records with another open conflict, and taken only when it
    // comes up: holding every decided plan of a 50 000-conflict run made
    // garbage collection grow faster than the run.
    const several = this.conflicts.recordsWithSeveralOpen();
    const decided = new Map<string, () => RecordState>();
    // Conflicts done: skipped, previewed, or decided and written (apply counts a decision when
    // its page writes it, so the number keeps moving while pages write).
    let done = 0;
    // Decisions not written yet: one record at most once, as each one's undo
    // record is taken from the database before the page writes.
    const page: Decided[] = [];
    const inPage = new Set<string>();
    // Remembered values as they stood when the run began, read only by decisions that can use them.
    const remembered = readsRemembered(decision) ? new RememberedSnapshot(this.remembered) : null;
    const writes = new StepSize(this.steps.write);
    const flush = async () => {
      if (batchId !== null && page.length)
        await this.write(page, { id: batchId, at, rule }, { job, done, step: writes }, remembered);
      done += page.length;
      page.length = 0;
      inPage.clear();
    };
    for (const { conflicts, visitors, ops } of this.readPages(target, throughId, decided)) {
      for (const c of conflicts) {
        await job.tick(done);
        summary.targeted++;
        summary.throughId = Math.max(summary.throughId, c.id);
        const record = decided.get(c.localId)?.() ?? {
          visitor: visitors.get(c.localId) ?? null,
          ops: ops.get(c.localId) ?? [],
        };
        const p = planConflict(c, decision, record, remembered?.lookup);
        if (!p.ok) {
          done++;
          summary.skipped++;
          reasons.set(p.reason, (reasons.get(p.reason) ?? 0) + 1);
          continue;
        }
        const effect = effectOf(p);
        if (several.has(c.localId)) decided.set(c.localId, () => stateAfter(p, effect, at));
        if (keep) {
          if (inPage.has(c.localId) || page.length >= writes.size) await flush();
          page.push({ plan: p, effect, opId: effect.op ? newOpId() : null });
          inPage.add(c.localId);
        } else done++;
        summary.resolvable++;
        summary.byStrategy[p.resolution.strategy] =
          (summary.byStrategy[p.resolution.strategy] ?? 0) + 1;
        if (p.remembered.length) summary.remembered++;
        if (p.preview.localEffect !== 'none') changing.add(c.localId);
        if (effect.op) summary.operations++;
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
            remembered: p.remembered,
          });
        }
      }
    }
    await flush();
    summary.recordsChanging = changing.size;
    summary.skippedReasons = [...reasons].map(([reason, count]) => ({ reason, count }));
    if (batchId === null) return { summary, batch: null };
    if (summary.resolvable === 0) {
      // Nothing applied: no batch to undo.
      this.batches.discard(batchId);
      return { summary, batch: null };
    }
    this.batches.setCount(batchId, summary.resolvable);
    return { summary, batch: this.batches.byId(batchId) };
  }

  /**
   * The targeted conflicts a page at a time, each with its records not
   * decided in this run yet and their queued operations: one step, sized by
   * time. `decided` is read as each page is (the run fills it meanwhile).
   */
  private *readPages(
    target: ConflictTarget,
    throughId: number | undefined,
    decided: ReadonlyMap<string, unknown>,
  ): Generator<{
    conflicts: ConflictRow[];
    visitors: Map<string, VisitorRecord>;
    ops: ReturnType<OutboxRepo['forVisitors']>;
  }> {
    const step = new StepSize(this.steps.read);
    const pages = this.conflicts.targeted(target, throughId, () => step.size);
    for (;;) {
      const read = step.time(() => {
        const next = pages.next();
        if (next.done) return null;
        const conflicts = next.value;
        const unread = [...new Set(conflicts.map((c) => c.localId))].filter(
          (id) => !decided.has(id),
        );
        const visitors = this.visitors.getMany(unread);
        return { conflicts, visitors, ops: this.outbox.forVisitors(unread) };
      });
      if (!read) return;
      step.end(read.conflicts.length);
      yield read;
    }
  }

  /**
   * Writes a page of decisions, each of a different record: first, set-based,
   * the undo records (the rows and superseded operations as they are, as
   * JSON built inside SQLite), the superseded operations' removal and the
   * mirror rows (only the columns that change: one statement per set of
   * columns, as the FTS5 trigger costs most per statement); then per decision
   * the operation, the conflict and the audit row, each a prepared statement
   * run once. Those rows are wide JSON: measured, binding them per row is
   * twice as fast as one INSERT ... SELECT over json_each, where SQLite
   * parses the JSON the page was sent as and renders it again. The set-based
   * statements are the page's step (`pace.step` sizes the next page from
   * them); the job ticks between its decisions, counting them done from
   * `pace.done` on.
   */
  private async write(
    page: readonly Decided[],
    { id: batchId, at, rule }: { id: number; at: string; rule: string | null },
    pace: { job: JobControl; done: number; step: StepSize },
    snapshot: RememberedSnapshot | null,
  ): Promise<void> {
    const staleMs = this.conflicts.staleMs;
    // What staff settled a contested pair of values to is proposed next time (rerere):
    // the page's pairs in one pass, the latest decision on a pair winning.
    const pairs = page.flatMap(({ plan: p }) => pairsToRemember(p.resolvable, p.preview.record));
    snapshot?.pin(pairs.map((x) => x.key));
    const undo = page.map(({ plan: p, effect: e, opId }) => ({
      c: p.conflict.id,
      l: p.conflict.localId,
      o: opId,
      r: e.visitor.remove ? 1 : 0,
    }));
    const removed: string[] = [];
    const mirrored: MirrorDecision[] = [];
    for (const { plan: p, effect: e } of page)
      if (e.visitor.remove) removed.push(p.conflict.localId);
      else mirrored.push({ before: p.visitor, after: e.visitor });
    pace.step.time(() => {
      this.batches.captureUndo(batchId, JSON.stringify(undo));
      this.outbox.supersede(JSON.stringify(page.map((d) => d.plan.conflict.localId)));
    });
    await pace.job.tick(pace.done);
    // The mirror rows set-based (see applyDecisions: per row, the FTS5 trigger cost three times
    // as much), after the undo records took them as they were.
    pace.step.time(() => {
      this.visitors.removeMany(removed);
      this.visitors.applyDecisions(mirrored, at);
    });
    for (const [i, { plan: p, effect: e, opId }] of page.entries()) {
      await pace.job.tick(pace.done + i);
      const c = p.conflict;
      if (e.op && opId)
        this.outbox.insert(
          opId,
          c.localId,
          e.op.serverId ?? null,
          {
            action: e.op.action,
            data: (e.op.data as Partial<VisitorValues> | undefined) ?? null,
            baseVersion: e.op.baseVersion ?? null,
          },
          at,
        );
      this.conflicts.markResolved(c.id, p.resolution, batchId, at);
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
          operation: e.op,
          supersededOps: e.superseded,
          // The guard as it stood when this was decided: the threshold in force and the flag.
          staleCapture: {
            flagged: isStaleCapture(c.captureGapMs, staleMs),
            thresholdDays: staleMs / DAY_MS,
            captureGapMs: c.captureGapMs,
          },
          ...(rule ? { rule } : {}),
          ...(c.draftRule ? { proposedBy: c.draftRule } : {}),
          // The fields whose result is a remembered value (rerere), when any.
          ...(p.remembered.length ? { remembered: p.remembered } : {}),
        },
        before: p.visitor.values,
        after: p.preview.record,
      });
    }
    await pace.job.tick(pace.done + page.length);
    pace.step.time(() => this.remembered.remember(pairs, batchId, at));
    pace.step.end(page.length);
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
    return later.n ? decidedLaterWords(later) : blockersWords(repos.batches.blockers(b));
  }

  /**
   * undoBlocked inside the undo job: the same words, with what stands in
   * the way counted a range of decisions at a time (one step each, sized by
   * time) and a tick between, so a 50 000-decision undo reports and can be
   * cancelled from its start instead of after one ~200 ms count. Ranges of
   * the batch's decisions add up to the count over the whole batch.
   */
  private async undoBlockedInSteps(b: BatchRow, job: JobControl): Promise<string | null> {
    await job.tick(0);
    const later = this.batches.decidedLater(b.id);
    if (later.n) return decidedLaterWords(later);
    const step = new StepSize(this.steps.check);
    const found = { sent: 0, edited: 0 };
    for (let before = Number.MAX_SAFE_INTEGER; ;) {
      await job.tick(0);
      const range = step.time(() => {
        const r = this.batches.nextUndoRange(b.id, before, step.size);
        if (!r) return null;
        const { sent, edited } = this.batches.blockers(b, r);
        found.sent += sent;
        found.edited += edited;
        return r;
      });
      if (!range) break;
      step.end(range.count);
      before = range.fromId;
    }
    return blockersWords(found);
  }
}

function decidedLaterWords(later: { n: number; description: string | null }): string {
  return `${plural(later.n, 'record')} of this apply were decided again by a later one (“${later.description ?? ''}”); undo that one first.`;
}

function blockersWords({ sent, edited }: { sent: number; edited: number }): string | null {
  if (sent)
    return `${plural(sent, 'operation')} of this apply already went to the server; undo is only possible before the next sync.`;
  if (edited)
    return `${plural(edited, 'record')} changed since (edited or synced); undoing would lose that.`;
  return null;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** Whether a decision can take remembered values: when it says so, or a draft's typed pick is one. */
const readsRemembered = (d: Decision): boolean => d.type === 'drafts' || d.remembered === true;

function describe(d: Decision): string {
  if (d.type === 'drafts') return 'Chosen decisions';
  const also = d.remembered ? ', remembered values first' : '';
  if (d.type === 'resolution') return `Strategy: ${d.resolution.strategy.replace('_', ' ')}${also}`;
  const fields = Object.entries(d.rules.fields).map(([f, k]) => `${f} → ${k}`);
  return `Rule: ${[...fields, `otherwise ${d.rules.default.replace('_', ' ')}`].join(', ')}${also}`;
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
