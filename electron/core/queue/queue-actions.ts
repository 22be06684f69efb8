import { randomUUID } from 'node:crypto';
import { fail } from '../../../shared/errors';
import type { Action } from '../../../shared/protocol';
import { validatePayloadEdit } from '../../../shared/queue/payload-edit';
import type {
  QueueActionResult,
  QueueDetail,
  QueueTarget,
} from '../../../shared/ipc/queue-contract';
import { VISITOR_FIELDS, toValues, type VisitorValues } from '../../../shared/visitor';
import type { AuditAction, AuditRepo } from '../audit/audit-repo';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { CREATE_REMOVED } from '../outbox/orphan-errors';
import type { OutboxRepo } from '../outbox/outbox-repo';
import type { Repos } from '../repos';
import type { VisitorsRepo } from '../visitors/visitors-repo';
import type { ArchiveRepo } from './archive-repo';
import { toCsv, toJson } from './export';
import type { ExportStamp, QueueRef, QueueRepo } from './queue-repo';

const LOOP_REASON =
  'A conflict loop is resolved in the Conflicts workspace, not retried or discarded here.';
const STRANDED_REASON =
  'The visitor of this change was never created on the server and its create is in the archive, so it cannot be sent: restore the create from the archive first, or discard this change.';
const MAY_HAVE_ARRIVED =
  'An earlier attempt may have reached the server without its answer reaching the console (no answer, a server error, or a sync cancelled or stopped mid-send), so the server may already hold this operation under its id and would ignore an edit. Retry it as it is, or discard it.';

/** Exports built but not yet saved, kept for the window's confirmation (oldest dropped first). */
const MAX_PENDING_EXPORTS = 20;

interface PendingExport {
  format: 'csv' | 'json';
  filename: string;
  count: number;
  stamps: ExportStamp[];
}

export interface BuiltExport {
  exportId: string;
  filename: string;
  mime: string;
  content: string;
  count: number;
}

/** Who acts: the OS user of this console, and the name the server gives the token. */
export interface Actor {
  actor: string;
  serverName: string | null;
}

type Done = Omit<QueueActionResult, 'syncStarted'> & { localIds: string[] };

/** An operation that comes along with a matched one (`dependsOn`: that one's opId). */
interface Dependent {
  ref: QueueRef;
  dependsOn: string;
}

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
  private readonly archive: ArchiveRepo;
  private readonly pendingExports = new Map<string, PendingExport>();

  private readonly db: Db;

  constructor(
    repos: Repos,
    private readonly clock: Clock,
  ) {
    ({
      db: this.db,
      queue: this.queue,
      outbox: this.outbox,
      visitors: this.visitors,
      audit: this.audit,
      archive: this.archive,
    } = repos);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /**
   * The operations a bulk action applies to, checked against the count the
   * person confirmed (what matched, as the window counted it). With
   * `dependents`, the operations that cannot stand without a matched one come
   * along (`extra`): retry brings back the changes that failed only because
   * of a failed create; discard takes the changes of a create the server never
   * had. The action counts and audits them like the others.
   */
  resolve(
    target: QueueTarget,
    dependents: 'none' | 'retry' | 'discard' = 'none',
  ): { refs: QueueRef[]; extra: Dependent[] } {
    const refs =
      'opIds' in target.select
        ? this.queue.refsByOpIds(target.select.opIds)
        : this.queue.refs(target.select.filter);
    if (refs.length !== target.expected)
      fail(
        'queue_changed',
        `The queue changed since you confirmed: ${refs.length.toLocaleString('en-US')} operations match now, not ${target.expected.toLocaleString('en-US')}. Nothing was done; review and confirm again.`,
        true,
      );
    if (refs.length === 0)
      fail('nothing_selected', 'No operation matches: nothing was done.', false);
    const extra: Dependent[] = [];
    if (dependents !== 'none') {
      const seen = new Set(refs.map((r) => r.opId));
      for (const r of refs) {
        if (r.source !== 'outbox' || r.action !== 'create') continue;
        const deps =
          dependents === 'retry'
            ? this.queue.blockedBy(r.localId)
            : this.queue.dependentsOf(r.localId);
        for (const d of deps)
          if (!seen.has(d.opId)) {
            seen.add(d.opId);
            extra.push({ ref: d, dependsOn: r.opId });
          }
      }
    }
    return { refs, extra };
  }

  entry(by: Actor, action: AuditAction, ref: { opId: string; localId: string }) {
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
        const { refs, extra } = this.resolve(target, 'retry');
        const outbox = refs.filter((r) => r.source === 'outbox' && r.seq !== null);
        // A change whose create is in the archive cannot go out: retrying it would wait forever.
        const stranded = new Set(outbox.filter((r) => this.queue.stranded(r)));
        const ops = [...outbox.filter((r) => !stranded.has(r)), ...extra.map((e) => e.ref)];
        const dependsOn = new Map(extra.map((e) => [e.ref.opId, e.dependsOn]));
        const count = this.outbox.adminRetry(
          ops.map((r) => r.seq!),
          this.now(),
        );
        for (const r of ops)
          this.audit.add({
            ...this.entry(by, 'retry', r),
            detail: {
              was: r.status,
              serverName: by.serverName,
              batch: refs.length,
              ...(dependsOn.has(r.opId) ? { dependsOn: dependsOn.get(r.opId) } : {}),
            },
            before: null,
            after: null,
          });
        return this.result(count, ops, {
          loops: refs.length - outbox.length,
          stranded: stranded.size,
        });
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
        return this.result(1, [op]);
      })
      .immediate();
  }

  /** The mirror shows what will be sent: edited fields change, fields taken out go back to the server's. */
  applyEditToMirror(
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
        const { refs, extra } = this.resolve(target, 'discard');
        return this.remove(refs, extra, by, 'discard');
      })
      .immediate();
  }

  /**
   * Moves the failed operations that were exported into the archive, whole
   * (nothing leaves the outbox but into the archive; only the archive's own
   * purge deletes, after an export of the archive was saved). Refuses when
   * none were exported, or the count moved. Takes exactly those: a change
   * left behind by an archived create is never taken with it (it was not
   * exported); it stays in the queue as failed (create_removed), to be
   * exported and archived in its turn, or sent once the create is restored.
   */
  archiveExported(expected: number, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const refs = this.queue.exportedFailed();
        const unexported = this.queue.facets().unexportedFailed;
        if (refs.length === 0)
          fail(
            'not_exported',
            unexported > 0
              ? `None of the ${unexported.toLocaleString('en-US')} failed operations has been exported: export them first, then archive them.`
              : 'There is no exported failed operation to archive.',
          );
        if (refs.length !== expected)
          fail(
            'queue_changed',
            `The queue changed since you confirmed: ${refs.length.toLocaleString('en-US')} exported failed operations now, not ${expected.toLocaleString('en-US')}. Nothing was archived.`,
            true,
          );
        return this.remove(refs, [], by, 'archive_exported');
      })
      .immediate();
  }

  /**
   * Step one of an export: the file's content, and an id to confirm it with.
   * Nothing is marked exported here; confirmExport does that once the file
   * is saved (a cancelled or failed save leaves nothing marked).
   */
  buildExport(target: QueueTarget, format: 'csv' | 'json'): BuiltExport {
    return this.db.transaction((): BuiltExport => {
      const { refs } = this.resolve(target);
      const items = this.queue.items(
        null,
        refs.map((r) => r.opId),
      );
      const at = this.now();
      const stamps = this.queue.exportStamps(refs.filter((r) => r.seq !== null).map((r) => r.seq!));
      const filename = `failed-operations-${at.replace(/[:.]/g, '-')}.${format}`;
      const exportId = randomUUID();
      this.pendingExports.set(exportId, { format, filename, count: items.length, stamps });
      while (this.pendingExports.size > MAX_PENDING_EXPORTS)
        this.pendingExports.delete(this.pendingExports.keys().next().value!);
      return format === 'csv'
        ? { exportId, filename, mime: 'text/csv', content: toCsv(items), count: items.length }
        : {
            exportId,
            filename,
            mime: 'application/json',
            content: toJson(items, at),
            count: items.length,
          };
    })();
  }

  /** The save was cancelled or failed: the export is forgotten, nothing marked. */
  dropExport(exportId: string): void {
    this.pendingExports.delete(exportId);
  }

  /**
   * Step two: the file is saved (`where`: its path, when main wrote it).
   * Marks the operations exported as the file holds them, in one transaction
   * with the audit row; one changed since the file was made is not marked.
   */
  confirmExport(
    exportId: string,
    by: Actor,
    where: string | null,
  ): { count: number; changed: number } {
    return this.db
      .transaction(() => {
        const pending = this.pendingExports.get(exportId);
        if (!pending)
          fail(
            'export_unknown',
            'This export is no longer waiting to be confirmed (it was confirmed already, or the console restarted since). Nothing was marked exported: export again.',
          );
        const at = this.now();
        const count = this.outbox.markExported(pending.stamps, at);
        const changed = pending.stamps.length - count;
        this.audit.add({
          at,
          actor: by.actor,
          action: 'export',
          localId: null,
          serverId: null,
          conflictId: null,
          opId: null,
          batchId: null,
          detail: {
            format: pending.format,
            count: pending.count,
            marked: count,
            changed,
            file: where ?? pending.filename,
            serverName: by.serverName,
          },
          before: null,
          after: null,
        });
        this.pendingExports.delete(exportId);
        return { count, changed };
      })
      .immediate();
  }

  /**
   * Moves the operations into the archive and rolls each record back to the
   * server's version (plus what is still queued). `extra` are the dependents
   * resolve() added: archived, counted and audited like the rest, never
   * dropped unseen.
   */
  private remove(
    refs: QueueRef[],
    extra: Dependent[],
    by: Actor,
    action: 'discard' | 'archive_exported',
  ): Done {
    const matched = refs.filter((r) => r.source === 'outbox' && r.seq !== null);
    const dependsOn = new Map(extra.map((e) => [e.ref.opId, e.dependsOn]));
    const ops = [...matched, ...extra.map((e) => e.ref)];
    const at = this.now();
    const byRecord = new Map<string, QueueRef[]>();
    for (const r of ops) byRecord.set(r.localId, [...(byRecord.get(r.localId) ?? []), r]);
    const before = new Map(
      [...byRecord.keys()].map((id) => [id, this.visitors.get(id)?.values ?? null]),
    );
    const datas = new Map(ops.map((r) => [r.opId, this.outbox.bySeq(r.seq!)?.data ?? null]));
    // Every operation leaves whole, into the archive (payload, attempts, who, when), in the same
    // transaction: there it can be restored, exported, and purged only after a saved export.
    const discardId = randomUUID();
    const archived = this.archive.archive(
      ops.map((r) => r.seq!),
      by,
      at,
      discardId,
      dependsOn,
    );
    const count = this.outbox.adminRemove(ops.map((r) => r.seq!));
    // Both statements take the same rows (failed, retrying or pending); anything else is a bug
    // that would lose an operation, so the transaction is undone rather than committed.
    if (archived !== count)
      fail(
        'archive_mismatch',
        `Only ${archived.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} operations could be archived. Nothing was removed.`,
        false,
      );
    for (const [localId, removed] of byRecord) {
      const serverId = this.visitors.get(localId)?.serverId ?? null;
      const { values: after, leftBehind } = this.rollBack(localId, at);
      for (const r of removed)
        this.audit.add({
          ...this.entry(by, action, r),
          serverId,
          detail: {
            action: r.action,
            was: r.status,
            serverName: by.serverName,
            ...(dependsOn.has(r.opId) ? { dependsOn: dependsOn.get(r.opId) } : {}),
            ...(leftBehind.length && r.action === 'create' ? { leftBehind } : {}),
            archived: true,
            discardId,
            ...(r.exportedAt ? { exportedAt: r.exportedAt } : {}),
          },
          before: { payload: datas.get(r.opId), mirror: before.get(localId) },
          after: { mirror: after },
        });
    }
    return this.result(count, ops, { loops: refs.length - matched.length, stranded: 0 });
  }

  /**
   * The record as the server has it (its base), with the changes still queued
   * for it laid on top; a record the server never had and nothing left to
   * create it is removed. Queued changes are never deleted here: any left
   * without their create (a purge of the create alone) fail with the reason
   * and the record stays, so they remain in the queue (`leftBehind`).
   */
  private rollBack(
    localId: string,
    at: string,
  ): { values: VisitorValues | null; leftBehind: string[] } {
    const record = this.visitors.get(localId);
    if (!record) return { values: null, leftBehind: [] };
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
      if (remaining.length === 0) {
        this.visitors.remove(localId);
        return { values: null, leftBehind: [] };
      }
      this.outbox.adminStrand(
        remaining.map((o) => o.seq),
        CREATE_REMOVED,
        at,
      );
      return { values: record.values, leftBehind: remaining.map((o) => o.opId) };
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
    return { values, leftBehind: [] };
  }

  result(
    count: number,
    ops: QueueRef[],
    skipped: { loops: number; stranded: number } = { loops: 0, stranded: 0 },
  ): Done {
    const reasons = [
      ...(skipped.loops ? [LOOP_REASON] : []),
      ...(skipped.stranded ? [STRANDED_REASON] : []),
    ];
    return {
      count,
      skipped: skipped.loops + skipped.stranded,
      skippedReason: reasons.length ? reasons.join(' ') : null,
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
    else if (this.queue.stranded(item)) reason = STRANDED_REASON;
    else if (this.mayHaveArrived(opId, attempts, item.lastError?.code ?? null))
      reason = MAY_HAVE_ARRIVED;
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

  /**
   * Whether the server may hold a result for this opId. Only a definite
   * refusal proves it does not (a per-operation answer in a 200 reply, or a
   * 4xx refusal of the request), and only for the sends before it. No answer, a 5xx (a proxy may answer so after
   * the server applied it), a cancel, or a send the console never heard back
   * from (more attempts counted than recorded: a crash mid-send recorded by an
   * older version) all may have reached it.
   */
  private mayHaveArrived(
    opId: string,
    attempts: readonly { httpStatus: number | null }[],
    lastCode: string | null,
  ): boolean {
    // A definite refusal proves nothing is stored for the opId (a replayed opId
    // answers with its stored first result), so only what came after the last
    // one matters: 503 then a validation refusal is editable.
    let last = -1;
    attempts.forEach((a, i) => {
      if (a.httpStatus !== null && a.httpStatus < 500) last = i;
    });
    const since = attempts.slice(last + 1);
    if (since.some((a) => a.httpStatus === null || a.httpStatus >= 500)) return true;
    if (lastCode === 'cancelled' || lastCode === 'interrupted') return true;
    const state = this.outbox.stateOf(opId);
    return state !== null && state.attempts > attempts.length;
  }
}
