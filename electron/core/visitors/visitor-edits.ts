import { fail } from '../../../shared/errors';
import type { VisitorRow } from '../../../shared/ipc/contract';
import {
  type VisitorCreateData,
  VisitorCreateDataSchema,
  type VisitorPatch,
  type VisitorValues,
  toValues,
} from '../../../shared/visitor';
import { describeIssues } from '../../../shared/errors';
import { type Clock, isoNow } from '../clock';
import type { Db } from '../db/open';
import { newOpId, uuidv7 } from '../ids';
import { type Edit, EditRejected, planEdit } from '../outbox/coalesce';
import type { OutboxRepo } from '../outbox/outbox-repo';
import type { Repos } from '../repos';
import type { VisitorRecord, VisitorsRepo } from './visitors-repo';

/**
 * Local edits: each writes the mirror row and the outbox in one transaction,
 * so a crash never leaves an edit without its operation or the reverse.
 */
export class VisitorEdits {
  private readonly db: Db;
  private readonly visitors: VisitorsRepo;
  private readonly outbox: OutboxRepo;

  constructor(
    repos: Repos,
    private readonly clock: Clock,
  ) {
    ({ db: this.db, visitors: this.visitors, outbox: this.outbox } = repos);
  }

  /** `localId`: an id chosen by the caller (an import derives it from the file's line). */
  create(values: VisitorCreateData, localId = uuidv7(this.clock.now().getTime())): VisitorRow {
    this.apply(localId, { kind: 'create', values: toValues(values) });
    return this.visitors.row(localId)!;
  }

  update(localId: string, patch: VisitorPatch): VisitorRow {
    this.db
      .transaction(() => {
        const record = this.visitors.get(localId);
        if (!record || record.deleted) fail('visitor_not_found', 'This visitor no longer exists.');
        const merged = { ...record.values, ...patch };
        // The patch was valid alone; the record it produces must be valid too.
        const parsed = VisitorCreateDataSchema.safeParse(merged);
        if (!parsed.success)
          fail('validation', describeIssues(parsed.error), false, parsed.error.issues);
        this.write(localId, record, { kind: 'update', values: toValues(parsed.data) });
      })
      .immediate();
    return this.visitors.row(localId)!;
  }

  /**
   * The record's values replaced by `values`, already checked by the caller
   * (a bulk edit): coalesced into its queued operation like any edit.
   */
  replaceValues(localId: string, values: VisitorValues): void {
    this.apply(localId, { kind: 'update', values });
  }

  delete(localId: string): { localId: string; outcome: 'removed' | 'queued' } {
    let outcome: 'removed' | 'queued' = 'queued';
    this.db
      .transaction(() => {
        const record = this.visitors.get(localId);
        if (!record || record.deleted) fail('visitor_not_found', 'This visitor no longer exists.');
        outcome =
          this.write(localId, record, { kind: 'delete' }) === 'remove' ? 'removed' : 'queued';
      })
      .immediate();
    return { localId, outcome };
  }

  /** One edit in a transaction of its own (a savepoint inside a bulk edit's). */
  private apply(localId: string, edit: Edit) {
    return this.db
      .transaction(() => this.write(localId, this.visitors.get(localId), edit))
      .immediate();
  }

  /** The mirror row and its outbox operation, inside the caller's transaction. */
  private write(localId: string, record: VisitorRecord | undefined, edit: Edit) {
    const at = isoNow(this.clock);
    const state = record && {
      serverVersion: record.serverVersion,
      base: record.base,
      current: record.values,
      sentOps: this.outbox.sentCount(localId),
    };
    let plan;
    try {
      plan = planEdit(this.outbox.openFor(localId), state ?? null, edit);
    } catch (err) {
      if (err instanceof EditRejected) fail(err.code, err.message);
      throw err;
    }
    const values = edit.kind === 'delete' ? undefined : edit.values;
    switch (plan.row) {
      case 'insert':
        this.visitors.insertLocal(localId, values!, at);
        break;
      case 'update-dirty':
      case 'update-clean':
        this.visitors.updateValues(localId, values!, plan.row === 'update-dirty', at, record);
        break;
      case 'mark-deleted':
        this.visitors.markDeleted(localId, at);
        break;
      case 'remove':
        this.visitors.remove(localId);
        break;
    }
    const o = plan.outbox;
    if (o.op === 'insert')
      this.outbox.insert(newOpId(), localId, record?.serverId ?? null, o.draft, at);
    else if (o.op === 'replace') this.outbox.replace(o.seq, o.draft, at);
    else if (o.op === 'remove') this.outbox.remove(o.seq);
    return plan.row;
  }
}
