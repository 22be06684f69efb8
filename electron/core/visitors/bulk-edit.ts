import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppErrorException, fail } from '../../../shared/errors';
import type {
  BulkEditBatch,
  BulkEditSummary,
  VisitorTarget,
} from '../../../shared/ipc/visitors-contract';
import { VISITOR_FIELD_LABELS } from '../../../shared/visitor-labels';
import {
  type BulkEdit,
  describeEdit,
  editVisitor,
  fieldText,
} from '../../../shared/visitor-bulk-edit';
import type { VisitorValues } from '../../../shared/visitor';
import { type Clock, isoNow } from '../clock';
import type { Jobs } from '../jobs/jobs';
import type { Repos } from '../repos';
import type { EditBatch } from './edit-batches-repo';
import { VisitorEdits } from './visitor-edits';
import type { VisitorRecord } from './visitors-repo';

/** Records read per query: one `IN (json_each)` lookup each. */
const CHUNK = 500;
/** Samples and problems a summary carries: enough to check the edit by eye. */
const SAMPLES = 5;

type Problem = BulkEditSummary['problems'][number];

/** Counts and samples, filled record by record. */
class Tally {
  readonly summary: BulkEditSummary = {
    matched: 0,
    changed: 0,
    unchanged: 0,
    skipped: 0,
    samples: [],
    problems: [],
  };

  changed(r: VisitorRecord, edit: BulkEdit, values: VisitorValues): void {
    this.summary.changed++;
    if (this.summary.samples.length < SAMPLES)
      this.summary.samples.push({
        localId: r.localId,
        name: r.values.name,
        before: fieldText(r.values, edit.field),
        after: fieldText(values, edit.field),
      });
  }

  skipped(localId: string, name: string, message: string): void {
    this.summary.skipped++;
    if (this.summary.problems.length < SAMPLES)
      this.summary.problems.push({ localId, name, message });
  }
}

/**
 * The visitors screen's bulk edit: one field of many visitors set, cleared
 * or find-and-replaced. Each changed record goes through the same coalescing
 * as an edit in the record panel (one queued update per record, merged into
 * the one already waiting). The preview asks the same pure function
 * (editVisitor) as the apply, without writing. The apply is one job (one
 * transaction, progress, Cancel leaves nothing) and keeps an undo record per
 * visitor; undo puts back every change that is still unsent and untouched.
 */
export class VisitorBulkEdits {
  private readonly edits: VisitorEdits;

  constructor(private readonly deps: { repos: Repos; read: Repos; jobs: Jobs; clock: Clock }) {
    this.edits = new VisitorEdits(deps.repos, deps.clock);
  }

  /** What the edit would do. Reads only, and lets other calls through between chunks. */
  async preview(target: VisitorTarget, edit: BulkEdit): Promise<BulkEditSummary> {
    const { visitors } = this.deps.read;
    const ids = this.targetIds(this.deps.read, target);
    const tally = new Tally();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const records = visitors.getMany(chunk);
      for (const id of chunk) {
        const r = records.get(id);
        const values = this.decide(r, id, edit, tally);
        if (r && values) tally.changed(r, edit, values);
      }
      if (i + CHUNK < ids.length) await nextTurn();
    }
    return tally.summary;
  }

  async apply(
    target: VisitorTarget,
    edit: BulkEdit,
  ): Promise<BulkEditSummary & { batch: BulkEditBatch | null }> {
    const { repos, clock } = this.deps;
    const description = describeEdit(edit, VISITOR_FIELD_LABELS[edit.field]);
    const ids = this.targetIds(this.deps.read, target);
    const spec = { kind: 'visitor_edit' as const, label: description, unit: 'visitors' };
    return this.deps.jobs.transaction({ ...spec, total: ids.length }, async (job) => {
      const at = isoNow(clock);
      const tally = new Tally();
      let batchId: number | null = null;
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const records = repos.visitors.getMany(chunk);
        for (const [k, id] of chunk.entries()) {
          const r = records.get(id);
          const values = this.decide(r, id, edit, tally);
          if (r && values) {
            batchId ??= repos.editBatches.add(at, description, edit.field);
            this.write(batchId, r, edit, values, tally);
          }
          await job.tick(i + k + 1);
        }
      }
      if (batchId === null) return { ...tally.summary, batch: null };
      repos.editBatches.setCount(batchId, tally.summary.changed);
      return { ...tally.summary, batch: this.batchOf(repos.editBatches.byId(batchId)!) };
    });
  }

  /** The newest bulk edit not undone yet. */
  last(): BulkEditBatch | null {
    const b = this.deps.read.editBatches.last();
    return b ? this.batchOf(b) : null;
  }

  async undo(batchId: number): Promise<{ restored: number; kept: number; problems: Problem[] }> {
    const { repos, clock } = this.deps;
    const batch = this.deps.read.editBatches.byId(batchId);
    if (!batch) fail('nothing_to_undo', 'This bulk edit is no longer there to undo.', false);
    if (batch.undoneAt) fail('nothing_to_undo', 'This bulk edit was already undone.', false);
    const spec = {
      kind: 'visitor_edit_undo' as const,
      label: `Undo: ${batch.description}`,
      unit: 'visitors',
      total: batch.count,
    };
    return this.deps.jobs.transaction(spec, async (job) => {
      const rows = repos.editBatches.undoRows(batchId);
      const field = batch.field as BulkEdit['field'];
      const tally = new Tally();
      let restored = 0;
      for (const [k, row] of rows.entries()) {
        const r = repos.visitors.get(row.localId);
        const reason = this.undoBlocked(r, row, field);
        if (reason) tally.skipped(row.localId, r?.values.name ?? '', reason);
        else {
          this.edits.replaceValues(row.localId, { ...r!.values, [field]: row.before });
          restored++;
        }
        await job.tick(k + 1);
      }
      repos.editBatches.markUndone(batchId, isoNow(clock));
      const { skipped: kept, problems } = tally.summary;
      return { restored, kept, problems };
    });
  }

  /** Why one visitor's change cannot be put back, or null when it can. */
  private undoBlocked(
    r: VisitorRecord | undefined,
    row: { localId: string; after: unknown; opSeq: number | null },
    field: BulkEdit['field'],
  ): string | null {
    const { outbox } = this.deps.repos;
    if (!r || r.deleted) return 'deleted since the edit';
    if (JSON.stringify(r.values[field]) !== JSON.stringify(row.after))
      return 'changed again since the edit; kept as it is now';
    const open = outbox.openFor(row.localId);
    const unsent =
      row.opSeq === null
        ? open === null && outbox.sentCount(row.localId) === 0
        : open?.seq === row.opSeq;
    return unsent ? null : 'already sent to the server; edit it again to change it back';
  }

  /** Tallies one record; returns its new values when the edit changes it. */
  private decide(
    r: VisitorRecord | undefined,
    id: string,
    edit: BulkEdit,
    tally: Tally,
  ): VisitorValues | null {
    tally.summary.matched++;
    if (!r || r.deleted) {
      tally.skipped(id, r?.values.name ?? '', 'no longer exists (deleted)');
      return null;
    }
    const outcome = editVisitor(r.values, edit);
    if (outcome.kind === 'unchanged') tally.summary.unchanged++;
    if (outcome.kind === 'invalid') tally.skipped(id, r.values.name, outcome.message);
    return outcome.kind === 'changed' ? outcome.values : null;
  }

  /** One record written: coalesced into its queued operation, with its undo row. */
  private write(
    batch: number,
    r: VisitorRecord,
    edit: BulkEdit,
    values: VisitorValues,
    tally: Tally,
  ): void {
    const { repos } = this.deps;
    try {
      this.edits.replaceValues(r.localId, values);
    } catch (err) {
      // The record cannot take an edit now (its deletion waits to be sent): left as it is.
      if (!(err instanceof AppErrorException)) throw err;
      tally.skipped(r.localId, r.values.name, err.error.message);
      return;
    }
    repos.editBatches.addUndo(batch, {
      localId: r.localId,
      before: r.values[edit.field],
      after: values[edit.field],
      opSeq: repos.outbox.openFor(r.localId)?.seq ?? null,
    });
    tally.changed(r, edit, values);
  }

  private targetIds(repos: Repos, target: VisitorTarget): string[] {
    if ('localIds' in target) return [...new Set(target.localIds)];
    const except = new Set(target.exceptIds);
    const { search, filter } = target.matching;
    return repos.visitors.matchingIds(search.trim(), filter).filter((id) => !except.has(id));
  }

  private batchOf(b: EditBatch): BulkEditBatch {
    return { batchId: b.id, description: b.description, at: b.at, count: b.count };
  }
}
