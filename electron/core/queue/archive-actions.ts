import { randomUUID } from 'node:crypto';
import { fail } from '../../../shared/errors';
import type { ArchiveTarget } from '../../../shared/ipc/queue-contract';
import { toValues } from '../../../shared/visitor';
import type { AuditRepo } from '../audit/audit-repo';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { Repos } from '../repos';
import type { VisitorsRepo } from '../visitors/visitors-repo';
import type { ArchivedRef, ArchiveRepo } from './archive-repo';
import { archiveToCsv, archiveToJson } from './export';
import type { Actor, BuiltExport, QueueActions } from './queue-actions';

const MAX_PENDING_EXPORTS = 20;
const GONE =
  'Its visitor is no longer in the local mirror (removed on the server since), so there is nothing to send it to: export it instead.';

type Done = ReturnType<QueueActions['result']>;

/**
 * The archive of discarded operations: restore to the queue, export (two
 * steps, like the queue's: marked only once the file is saved) and purge,
 * which deletes only what a saved export holds. Each action is one
 * transaction with an audit row per operation.
 */
export class ArchiveActions {
  private readonly db: Db;
  readonly archive: ArchiveRepo;
  private readonly visitors: VisitorsRepo;
  private readonly audit: AuditRepo;
  private readonly pendingExports = new Map<
    string,
    { format: 'csv' | 'json'; filename: string; ids: number[] }
  >();

  constructor(
    repos: Repos,
    private readonly actions: QueueActions,
    private readonly clock: Clock,
  ) {
    ({ db: this.db, archive: this.archive, visitors: this.visitors, audit: this.audit } = repos);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** The archived operations a target matches, checked against the count the person confirmed. */
  private resolve(target: ArchiveTarget): number[] {
    const ids =
      'ids' in target.select
        ? this.archive.refs(target.select.ids).map((r) => r.id)
        : this.archive.ids(target.select.filter);
    if (ids.length !== target.expected)
      fail(
        'archive_changed',
        `The archive changed since you confirmed: ${ids.length.toLocaleString('en-US')} operations match now, not ${target.expected.toLocaleString('en-US')}. Nothing was done; review and confirm again.`,
        true,
      );
    if (ids.length === 0)
      fail('nothing_selected', 'No archived operation matches: nothing was done.');
    return ids;
  }

  /**
   * Back into the queue as failed (a change never sent: pending), and the
   * record's mirror with it, as before the discard. A create and the changes
   * discarded with it go back together, since neither can be sent alone.
   */
  restore(target: ArchiveTarget, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const picked = this.archive.refs(this.resolve(target));
        const ids = new Set(picked.map((r) => r.id));
        for (const r of picked)
          if (r.serverId === null)
            for (const id of this.archive.discardedWith(r.discardId, r.localId)) ids.add(id);
        const refs = this.archive.refs([...ids]);
        const gone = refs.filter(
          (r) =>
            !this.visitors.get(r.localId) &&
            !refs.some((c) => c.localId === r.localId && c.action === 'create'),
        );
        const back = refs.filter((r) => !gone.includes(r));
        if (back.length === 0) fail('cannot_restore', `Nothing was restored: ${GONE}`);
        const at = this.now();
        const count = this.archive.restore(
          back.map((r) => r.id),
          at,
        );
        for (const r of back) {
          this.toMirror(r, at);
          this.audit.add({
            ...this.actions.entry(by, 'restore', r),
            at,
            detail: {
              archiveId: r.id,
              discardId: r.discardId,
              batch: back.length,
              serverName: by.serverName,
              ...(ids.has(r.id) && !picked.some((p) => p.id === r.id) ? { cameAlong: true } : {}),
            },
            before: null,
            after: { payload: r.data === null ? null : (JSON.parse(r.data) as unknown) },
          });
        }
        const done = this.actions.result(
          count,
          back.map((r) => ({
            ...r,
            source: 'outbox' as const,
            status: 'failed' as const,
            exportedAt: null,
          })),
        );
        return {
          ...done,
          skipped: gone.length,
          skippedReason: gone.length ? GONE : null,
        };
      })
      .immediate();
  }

  /** The local record shows the restored change again (a later queued change of a field wins). */
  private toMirror(r: ArchivedRef, at: string): void {
    const data = r.data === null ? {} : (JSON.parse(r.data) as Record<string, unknown>);
    if (!this.visitors.get(r.localId)) {
      if (r.action !== 'create') return;
      this.visitors.insertLocal(r.localId, toValues(data), at);
      return;
    }
    if (r.action === 'delete') {
      this.visitors.markDeleted(r.localId, at);
      return;
    }
    this.actions.applyEditToMirror(r.localId, r.seq, r.action, {}, data, at);
  }

  buildExport(target: ArchiveTarget, format: 'csv' | 'json'): BuiltExport {
    return this.db.transaction((): BuiltExport => {
      const ids = this.resolve(target);
      const items = this.archive.items(ids);
      const at = this.now();
      const filename = `archived-operations-${at.replace(/[:.]/g, '-')}.${format}`;
      const exportId = randomUUID();
      this.pendingExports.set(exportId, { format, filename, ids });
      while (this.pendingExports.size > MAX_PENDING_EXPORTS)
        this.pendingExports.delete(this.pendingExports.keys().next().value!);
      return {
        exportId,
        filename,
        mime: format === 'csv' ? 'text/csv' : 'application/json',
        content: format === 'csv' ? archiveToCsv(items) : archiveToJson(items, at),
        count: items.length,
      };
    })();
  }

  dropExport(exportId: string): void {
    this.pendingExports.delete(exportId);
  }

  /** The file is saved: what it holds (still archived) may now be purged. */
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
        const count = this.archive.markExported(pending.ids, at);
        this.audit.add({
          at,
          actor: by.actor,
          action: 'archive_export',
          localId: null,
          serverId: null,
          conflictId: null,
          opId: null,
          batchId: null,
          detail: {
            format: pending.format,
            count: pending.ids.length,
            marked: count,
            file: where ?? pending.filename,
            serverName: by.serverName,
          },
          before: null,
          after: null,
        });
        this.pendingExports.delete(exportId);
        return { count, changed: pending.ids.length - count };
      })
      .immediate();
  }

  /** Deletes what was exported to a saved file, and only that; refuses when nothing was. */
  purge(expected: number, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const items = this.archive.exported();
        const { unexported } = this.archive.facets();
        if (items.length === 0)
          fail(
            'not_exported',
            unexported > 0
              ? `None of the ${unexported.toLocaleString('en-US')} archived operations was exported to a saved file: export them first, then purge.`
              : 'There is no exported archived operation to purge.',
          );
        if (items.length !== expected)
          fail(
            'archive_changed',
            `The archive changed since you confirmed: ${items.length.toLocaleString('en-US')} exported operations now, not ${expected.toLocaleString('en-US')}. Nothing was removed.`,
            true,
          );
        const at = this.now();
        const count = this.archive.remove(items.map((i) => i.id));
        for (const i of items)
          this.audit.add({
            ...this.actions.entry(by, 'archive_purge', i),
            at,
            detail: {
              archiveId: i.id,
              exportedAt: i.exportedAt,
              archivedAt: i.archivedAt,
              archivedBy: i.archivedBy,
              serverName: by.serverName,
            },
            before: { payload: i.data },
            after: null,
          });
        return {
          count,
          skipped: unexported,
          skippedReason: unexported
            ? `${unexported.toLocaleString('en-US')} archived operations not exported yet are kept.`
            : null,
          localIds: [],
        };
      })
      .immediate();
  }
}
