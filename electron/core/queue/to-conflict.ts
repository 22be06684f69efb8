import { fieldEquals } from '../../../shared/diff';
import { fail } from '../../../shared/errors';
import type { QueueTarget } from '../../../shared/ipc/queue-contract';
import type { ConflictData } from '../../../shared/protocol';
import { toValues, VISITOR_FIELDS, type Visitor } from '../../../shared/visitor';
import type { AuditRepo } from '../audit/audit-repo';
import type { Clock } from '../clock';
import type { ConflictsRepo } from '../conflicts/conflicts-repo';
import type { Db } from '../db/open';
import type { OutboxRepo } from '../outbox/outbox-repo';
import type { Repos } from '../repos';
import { mergePulled } from '../sync/merge-pulled';
import type { ServerApi } from '../sync/server-api';
import type { VisitorsRepo } from '../visitors/visitors-repo';
import type { Actor, QueueActions } from './queue-actions';
import type { QueueRef } from './queue-repo';

/** At most this many record fetches at once: a group of thousands must not flood the server. */
const FETCHES_AT_ONCE = 4;

const NOT_FOR_CREATE =
  'A create has no record on the server to compare with: edit it or discard it instead.';
const NOT_FOR_LOOP = 'A conflict loop is already in the Conflicts workspace.';
const GONE_DELETE =
  'The server no longer has the record this delete removes: there is nothing to decide, discard it.';

type Done = ReturnType<QueueActions['result']>;

/** The server's record now: the record, or null when it has none (deleted, or never had it). */
type Current = Visitor | null;

/** The conflict an operation becomes against the server's current record, or why none. */
export function conflictFor(
  op: { action: 'create' | 'update' | 'delete'; data: Record<string, unknown> | null },
  current: Current,
  base: { values: Record<string, unknown> | null; version: number | null },
  opBaseVersion: number | null,
): { ok: true; data: ConflictData } | { ok: false; reason: string } {
  if (op.action === 'create') return { ok: false, reason: NOT_FOR_CREATE };
  const baseData =
    base.values && opBaseVersion !== null && base.version === opBaseVersion
      ? { baseData: base.values }
      : {};
  if (op.action === 'delete') {
    if (!current) return { ok: false, reason: GONE_DELETE };
    return {
      ok: true,
      data: {
        kind: 'delete_modified',
        clientData: {},
        serverData: current,
        conflictFields: [],
        ...(current.version !== undefined ? { serverVersion: current.version } : {}),
        ...baseData,
      },
    };
  }
  const sent = op.data ?? {};
  if (!current)
    return {
      ok: true,
      data: { kind: 'update_deleted', clientData: sent, serverData: null, conflictFields: [] },
    };
  const fields = VISITOR_FIELDS.filter((f) => Object.hasOwn(sent, f));
  const theirs = toValues(current);
  const ours = toValues({ ...theirs, ...sent });
  // Contested: what it sends that differs from the server now; when nothing does, every
  // field it sends (the admin asked to decide them).
  const differing = fields.filter((f) => !fieldEquals(ours[f], theirs[f]));
  return {
    ok: true,
    data: {
      kind: 'field',
      clientData: sent,
      serverData: current,
      conflictFields: differing.length ? differing : fields,
      ...(current.version !== undefined ? { serverVersion: current.version } : {}),
      ...baseData,
    },
  };
}

/**
 * "Turn into a conflict": the operations leave the queue and become conflicts
 * in the workspace, each against the server's record as it is now (fetched
 * first, outside any transaction), to be decided field by field there. Then
 * one transaction writes the conflicts, removes the operations and brings the
 * mirror's merge base to the fetched record (as a pull would), so the
 * workspace can decide them at once.
 */
export class ToConflictActions {
  private readonly db: Db;
  private readonly outbox: OutboxRepo;
  private readonly conflicts: ConflictsRepo;
  private readonly visitors: VisitorsRepo;
  private readonly audit: AuditRepo;

  constructor(
    repos: Repos,
    private readonly actions: QueueActions,
    private readonly clock: Clock,
  ) {
    ({
      db: this.db,
      outbox: this.outbox,
      conflicts: this.conflicts,
      visitors: this.visitors,
      audit: this.audit,
    } = repos);
  }

  private serverIdOf(ref: QueueRef): string | null {
    return ref.serverId ?? this.visitors.get(ref.localId)?.serverId ?? null;
  }

  /** The server ids whose records the operations will be compared with. */
  wanted(target: QueueTarget): string[] {
    return this.db.transaction(() => {
      const { refs } = this.actions.resolve(target);
      const ids = refs
        .filter((r) => r.source === 'outbox' && r.action !== 'create')
        .map((r) => this.serverIdOf(r))
        .filter((id): id is string => id !== null);
      return [...new Set(ids)];
    })();
  }

  /** The server's current records, a few at a time; any failure stops before anything is written. */
  async fetch(api: ServerApi, serverIds: readonly string[]): Promise<Map<string, Current>> {
    const out = new Map<string, Current>();
    let next = 0;
    const worker = async () => {
      while (next < serverIds.length) {
        const id = serverIds[next++]!;
        const res = await api.visitor(id);
        if (res.ok) out.set(id, 'deleted' in res.value ? null : res.value);
        // Only the protocol's own "no such record" means gone: a 404 from a server that
        // does not offer GET /api/visitors/:id must never read as "deleted there".
        else if (res.error.status === 404 && res.error.serverCode === 'not_found')
          out.set(id, null);
        else if (res.error.status === 404)
          fail(
            'no_record_endpoint',
            `The server did not say what it holds for this visitor (${res.error.message}); it may not offer GET /api/visitors/:id, so nothing was turned into a conflict.`,
          );
        else
          fail(
            res.error.code,
            `Could not read the server's current record, so nothing was turned into a conflict: ${res.error.message}`,
            res.error.retryable,
          );
      }
    };
    await Promise.all(Array.from({ length: FETCHES_AT_ONCE }, worker));
    return out;
  }

  apply(target: QueueTarget, records: ReadonlyMap<string, Current>, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const { refs } = this.actions.resolve(target);
        const at = this.clock.now().toISOString();
        const reasons = new Map<string, number>();
        const skip = (why: string) => reasons.set(why, (reasons.get(why) ?? 0) + 1);
        const done: QueueRef[] = [];
        for (const ref of refs) {
          if (ref.source !== 'outbox' || ref.seq === null) {
            skip(NOT_FOR_LOOP);
            continue;
          }
          const row = this.outbox.bySeq(ref.seq);
          const record = this.visitors.get(ref.localId);
          const serverId = this.serverIdOf(ref);
          if (!row || !record || (row.action !== 'create' && serverId === null)) {
            skip(row?.action === 'create' ? NOT_FOR_CREATE : 'Its record is not on the server.');
            continue;
          }
          if (row.action !== 'create' && !records.has(serverId!)) {
            // Matched now but not when the records were fetched: never decided blind.
            skip('It joined the group after the server was asked: try again.');
            continue;
          }
          const current = row.action === 'create' ? null : records.get(serverId!)!;
          const made = conflictFor(
            row,
            current,
            { values: record.base, version: record.serverVersion },
            row.baseVersion,
          );
          if (!made.ok) {
            skip(made.reason);
            continue;
          }
          if (current && (record.serverVersion ?? -1) < (current.version ?? 0)) {
            // The mirror learns the record as a pull would: the merge base and its
            // version move to it, local edits stay.
            const pulled = toValues(current);
            this.visitors.mergePulled(
              ref.localId,
              {
                values: mergePulled(record.values, record.base ?? record.values, pulled),
                base: pulled,
                version: current.version ?? null,
                lastModified: current.lastModified,
              },
              at,
            );
          }
          const inserted = this.conflicts.insert({
            localId: ref.localId,
            serverId,
            opId: ref.opId,
            action: row.action,
            data: made.data,
            baseVersion: row.baseVersion,
            at,
          });
          if (!inserted) {
            // Never drop an operation without the conflict that replaces it.
            skip('A conflict with this operation’s id exists already.');
            continue;
          }
          this.outbox.delete(ref.seq);
          this.audit.add({
            ...this.actions.entry(by, 'to_conflict', ref),
            at,
            detail: {
              was: ref.status,
              code: row.lastError?.code ?? null,
              kind: made.data.kind,
              conflictFields: made.data.conflictFields,
              serverVersion: made.data.serverVersion ?? null,
              batch: refs.length,
              serverName: by.serverName,
            },
            before: { payload: row.data },
            after: { server: current },
          });
          done.push(ref);
        }
        if (done.length === 0)
          fail(
            'nothing_turned',
            `None of these operations can become a conflict: ${[...reasons.keys()].join(' ')}`,
          );
        const result = this.actions.result(done.length, done);
        const skipped = [...reasons.values()].reduce((n, c) => n + c, 0);
        return {
          ...result,
          skipped,
          skippedReason: skipped
            ? [...reasons].map(([why, n]) => `${n.toLocaleString('en-US')}: ${why}`).join(' ')
            : null,
        };
      })
      .immediate();
  }
}
