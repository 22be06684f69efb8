import { fail } from '../../../shared/errors';
import type { Action } from '../../../shared/protocol';
import { validatePayloadEdit } from '../../../shared/queue/payload-edit';
import type {
  QueueActionResult,
  QueueDetail,
  QueueTarget,
} from '../../../shared/queue/queue-schemas';
import { VISITOR_FIELDS, toValues, type VisitorValues } from '../../../shared/visitor';
import { AuditRepo, type AuditAction } from '../audit/audit-repo';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { OutboxRepo } from '../outbox/outbox-repo';
import { VisitorsRepo } from '../visitors/visitors-repo';
import { toCsv, toJson } from './export';
import { QueueRepo, type QueueRef } from './queue-repo';

const LOOP_REASON =
  'A conflict loop is resolved in the Conflicts workspace, not retried or discarded here.';

/** Who acts: the OS user of this console, and the name the server gives the token. */
export interface Actor {
  actor: string;
  serverName: string | null;
}

type Done = Omit<QueueActionResult, 'syncStarted'> & { localIds: string[] };

/**
 * The admins' actions on the queue. Each one is a single SQLite transaction
 * however many operations it touches, with an audit row per operation written
 * in that same transaction, so the trail and the data always agree.
 */
export class QueueActions {
  readonly queue: QueueRepo;
  private readonly outbox: OutboxRepo;
  private readonly visitors: VisitorsRepo;
  private readonly audit: AuditRepo;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.queue = new QueueRepo(db);
    this.outbox = new OutboxRepo(db);
    this.visitors = new VisitorsRepo(db);
    this.audit = new AuditRepo(db);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** The operations a bulk action applies to, checked against the count the person confirmed. */
  private resolve(target: QueueTarget): QueueRef[] {
    const refs =
      'opIds' in target.select
        ? this.queue.refsByOpIds(target.select.opIds)
        : this.queue.refs(target.select.filter);
    if (target.expected !== undefined && refs.length !== target.expected)
      fail(
        'queue_changed',
        `The queue changed since you confirmed: ${refs.length.toLocaleString('en-US')} operations match now, not ${target.expected.toLocaleString('en-US')}. Nothing was done; review and confirm again.`,
        true,
      );
    if (refs.length === 0)
      fail('nothing_selected', 'No operation matches: nothing was done.', false);
    return refs;
  }

  private entry(by: Actor, action: AuditAction, ref: { opId: string; localId: string }) {
    return {
      at: this.now(),
      actor: by.actor,
      action,
      localId: ref.localId,
      serverId: this.visitors.get(ref.localId)?.serverId ?? null,
      conflictId: null,
      opId: ref.opId,
      batchId: null,
    };
  }

  retry(target: QueueTarget, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const refs = this.resolve(target);
        const ops = refs.filter((r) => r.source === 'outbox' && r.seq !== null);
        const seqs = new Set(ops.map((r) => r.seq!));
        // A failed create's changes failed only because of it: they go again with it.
        for (const r of ops)
          if (r.action === 'create') this.queue.blockedBy(r.localId).forEach((s) => seqs.add(s));
        const count = this.outbox.adminRetry([...seqs], this.now());
        for (const r of ops)
          this.audit.add({
            ...this.entry(by, 'retry', r),
            detail: { was: r.status, serverName: by.serverName, batch: refs.length },
            before: null,
            after: null,
          });
        return this.result(count, refs.length - ops.length, ops);
      })
      .immediate();
  }

  editRetry(opId: string, text: string, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const detail = this.detail(opId);
        if (!detail.editable) fail('not_editable', detail.notEditableReason ?? 'Not editable.');
        const item = detail.item;
        const op = this.queue.refsByOpIds([opId])[0]!;
        const row = this.outbox.bySeq(op.seq!)!;
        const checked = validatePayloadEdit(
          {
            action: row.action,
            localId: row.localId,
            serverId: row.serverId,
            timestamp: row.timestamp,
          },
          text,
        );
        if (!checked.ok) fail('validation', `The edited payload was not saved: ${checked.reason}`);
        const at = this.now();
        this.outbox.adminRewrite(row.seq, checked.data, at);
        this.applyEditToMirror(row.localId, row.seq, row.action, row.data ?? {}, checked.data, at);
        this.audit.add({
          ...this.entry(by, 'edit_retry', op),
          detail: { code: item.code, serverName: by.serverName },
          before: row.data,
          after: checked.data,
        });
        return this.result(1, 0, [op]);
      })
      .immediate();
  }

  /** The mirror shows what will be sent: edited fields change, fields taken out go back to the server's. */
  private applyEditToMirror(
    localId: string,
    seq: number,
    action: Action,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    at: string,
  ): void {
    const record = this.visitors.get(localId);
    if (!record) return;
    const later = new Set(
      this.queue
        .remainingFor(localId)
        .filter((o) => o.seq > seq && o.data !== null)
        .flatMap((o) => Object.keys(JSON.parse(o.data!) as object)),
    );
    const norm = action === 'create' ? toValues(after) : toValues({ ...record.values, ...after });
    const values: Record<string, unknown> = { ...record.values };
    for (const f of VISITOR_FIELDS) {
      if (later.has(f)) continue; // a newer queued change of this field wins
      if (action === 'create' || Object.hasOwn(after, f)) values[f] = norm[f];
      else if (Object.hasOwn(before, f)) values[f] = record.base?.[f] ?? record.values[f];
    }
    this.visitors.updateValues(localId, values as VisitorValues, true, at);
  }

  discard(target: QueueTarget, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const refs = this.resolve(target);
        return this.remove(refs, by, 'discard');
      })
      .immediate();
  }

  /** Failed operations that were exported; refuses when none were, or the count moved. */
  purge(expected: number, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const refs = this.queue.exportedFailed();
        const unexported = this.queue.facets().unexportedFailed;
        if (refs.length === 0)
          fail(
            'not_exported',
            unexported > 0
              ? `None of the ${unexported.toLocaleString('en-US')} failed operations has been exported: export them first, then purge.`
              : 'There is no exported failed operation to purge.',
          );
        if (refs.length !== expected)
          fail(
            'queue_changed',
            `The queue changed since you confirmed: ${refs.length.toLocaleString('en-US')} exported failed operations now, not ${expected.toLocaleString('en-US')}. Nothing was removed.`,
            true,
          );
        return this.remove(refs, by, 'purge');
      })
      .immediate();
  }

  exportItems(
    target: QueueTarget,
    format: 'csv' | 'json',
    by: Actor,
  ): { filename: string; mime: string; content: string; count: number } {
    return this.db
      .transaction(() => {
        const refs = this.resolve(target);
        const items = this.queue.items(
          null,
          refs.map((r) => r.opId),
        );
        const at = this.now();
        const seqs = refs.filter((r) => r.seq !== null).map((r) => r.seq!);
        this.outbox.markExported(seqs, at);
        this.audit.add({
          at,
          actor: by.actor,
          action: 'export',
          localId: null,
          serverId: null,
          conflictId: null,
          opId: null,
          batchId: null,
          detail: { format, count: items.length, serverName: by.serverName },
          before: null,
          after: null,
        });
        const stamp = at.replace(/[:.]/g, '-');
        return format === 'csv'
          ? {
              filename: `failed-operations-${stamp}.csv`,
              mime: 'text/csv',
              content: toCsv(items),
              count: items.length,
            }
          : {
              filename: `failed-operations-${stamp}.json`,
              mime: 'application/json',
              content: toJson(items, at),
              count: items.length,
            };
      })
      .immediate();
  }

  /** Drops the operations and rolls each record back to the server's version (plus what is still queued). */
  private remove(refs: QueueRef[], by: Actor, action: 'discard' | 'purge'): Done {
    const ops = refs.filter((r) => r.source === 'outbox' && r.seq !== null);
    const at = this.now();
    const byRecord = new Map<string, QueueRef[]>();
    for (const r of ops) byRecord.set(r.localId, [...(byRecord.get(r.localId) ?? []), r]);
    const before = new Map(
      [...byRecord.keys()].map((id) => [id, this.visitors.get(id)?.values ?? null]),
    );
    const datas = new Map(ops.map((r) => [r.opId, this.outbox.bySeq(r.seq!)?.data ?? null]));
    const count = this.outbox.adminRemove(ops.map((r) => r.seq!));
    for (const [localId, removed] of byRecord) {
      const after = this.rollBack(localId, at);
      for (const r of removed)
        this.audit.add({
          ...this.entry(by, action, r),
          serverId: this.visitors.get(localId)?.serverId ?? null,
          detail: { action: r.action, was: r.status, serverName: by.serverName },
          before: { payload: datas.get(r.opId), mirror: before.get(localId) },
          after: { mirror: after },
        });
    }
    return this.result(count, refs.length - ops.length, ops);
  }

  /**
   * The record as the server has it (its base), with the changes still queued
   * for it laid on top; a record the server never had and nothing left to
   * create it is removed, with any change that depended on it.
   */
  private rollBack(localId: string, at: string): VisitorValues | null {
    const record = this.visitors.get(localId);
    if (!record) return null;
    const remaining = this.queue.remainingFor(localId);
    let values: VisitorValues | null = record.base;
    let deleted = false;
    for (const o of remaining) {
      const data = o.data === null ? {} : (JSON.parse(o.data) as Record<string, unknown>);
      if (o.action === 'create') values = toValues(data);
      else if (o.action === 'update' && values)
        values = { ...values, ...toValues({ ...values, ...data }) };
      else if (o.action === 'delete') deleted = true;
    }
    if (values === null) {
      for (const o of remaining) this.outbox.delete(o.seq);
      this.visitors.remove(localId);
      return null;
    }
    if (record.base !== null && record.serverId !== null) {
      // Back to exactly what the server holds: clean, not deleted, its version.
      this.visitors.upsertSynced(
        localId,
        {
          ...record.base,
          id: record.serverId,
          lastModified: record.lastModified ?? at,
          ...(record.serverVersion !== null ? { version: record.serverVersion } : {}),
        },
        at,
      );
    }
    if (remaining.length > 0) {
      this.visitors.updateValues(localId, values, true, at);
      if (deleted) this.visitors.markDeleted(localId, at);
    }
    return values;
  }

  private result(count: number, skipped: number, ops: QueueRef[]): Done {
    return {
      count,
      skipped,
      skippedReason: skipped > 0 ? LOOP_REASON : null,
      localIds: [...new Set(ops.map((r) => r.localId))],
    };
  }

  detail(opId: string): QueueDetail {
    const item = this.queue.item(opId);
    if (!item)
      fail(
        'op_not_in_queue',
        'This operation is no longer in the queue: it was sent, discarded or resolved meanwhile.',
      );
    const attempts = this.queue.attempts(opId);
    const record = this.visitors.get(item.localId);
    let reason: string | null = null;
    if (item.source === 'conflict') reason = LOOP_REASON;
    else if (item.action === 'delete')
      reason = 'A delete carries no payload to edit: retry or discard it.';
    else if (attempts.some((a) => a.httpStatus === null))
      reason =
        'An earlier attempt got no answer (a network error or timeout), so the server may already hold this operation under its id and would ignore an edit. Retry it as it is, or discard it.';
    return {
      item,
      attempts,
      mirror: record && !record.deleted ? record.values : null,
      server: record?.base ?? null,
      serverVersion: record?.serverVersion ?? null,
      editable: reason === null,
      notEditableReason: reason,
    };
  }
}
