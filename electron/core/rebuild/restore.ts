import type { RebuildSummary, SalvagedTable } from '../../../shared/rebuild';
import type { Db } from '../db/open';
import type { Repos } from '../repos';
import { planRecords, type WorkConflict, type WorkOp } from './merge-salvaged';
import type { Salvaged } from './salvage';
import {
  restoredConflict,
  restoredOp,
  restoredRemembered,
  type ArchiveSalvage,
  type ConflictSalvage,
  type OutboxSalvage,
} from './salvage-rows';

/**
 * Puts salvaged work back into a fresh database that already mirrors the
 * server, in one transaction: the records it concerns (merge-salvaged.ts),
 * then the rows of each table as they were, same ids and opIds.
 *
 * The rows go in column for column, as salvage-rows.ts parsed them: these
 * statements copy a row between two versions of the same table, which is
 * why they live here and not in each table's module.
 */

const obj = (s: string | null): Record<string, unknown> | null =>
  s === null ? null : (JSON.parse(s) as Record<string, unknown>);

function insertRows(db: Db, table: SalvagedTable, rows: readonly Record<string, unknown>[]): void {
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  for (const row of rows) {
    const columns = Object.keys(row).filter((c) => row[c] !== undefined);
    const key = columns.join(',');
    let stmt = statements.get(key);
    if (!stmt) {
      stmt = db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
      );
      statements.set(key, stmt);
    }
    stmt.run(Object.fromEntries(columns.map((c) => [c, row[c]])));
  }
}

export type RestoredCounts = Pick<
  RebuildSummary,
  'operations' | 'conflicts' | 'archived' | 'rules' | 'remembered'
>;

export function restoreWork(repos: Repos, salvaged: Salvaged, now: string): RestoredCounts {
  const { db, visitors } = repos;
  const ops = (salvaged.rows.outbox as OutboxSalvage[]).map((r) => restoredOp(r, now));
  const conflicts = (salvaged.rows.conflicts as ConflictSalvage[]).map(restoredConflict);
  const archived = salvaged.rows.outbox_archive as ArchiveSalvage[];
  return db.transaction((): RestoredCounts => {
    const plans = planRecords({
      ops: ops.map((o): WorkOp => ({
        seq: o.seq,
        localId: o.local_id,
        serverId: o.server_id,
        action: o.action,
        data: obj(o.data),
      })),
      conflicts: conflicts.map((c): WorkConflict => ({
        id: c.id,
        localId: c.local_id,
        serverId: c.server_id,
        clientData: obj(c.client_data) ?? {},
        baseData: obj(c.base_data),
        baseVersion: c.base_version,
      })),
      archived: archived.map((a) => ({ localId: a.local_id, serverId: a.server_id })),
      pulled(serverId) {
        const r = visitors.byServerId(serverId);
        return (
          r && {
            localId: r.localId,
            serverVersion: r.serverVersion,
            values: r.values,
            lastModified: r.lastModified,
          }
        );
      },
      old: (localId) => salvaged.oldVisitor(localId),
    });
    for (const p of plans) {
      // The local id already taken (never by a record of this server's): the pulled row
      // stays as it is, and the operations settle against the server as usual.
      if (p.rekeyFrom && !visitors.rekey(p.rekeyFrom, p.localId)) continue;
      if (p.row) visitors.restore(p.row, now);
    }
    insertRows(db, 'outbox', ops);
    insertRows(db, 'conflicts', conflicts);
    insertRows(db, 'outbox_archive', archived);
    insertRows(db, 'resolve_rules', salvaged.rows.resolve_rules);
    insertRows(
      db,
      'remembered_values',
      (salvaged.rows.remembered_values as Parameters<typeof restoredRemembered>[0][]).map(
        restoredRemembered,
      ),
    );
    const byStatus = (s: string) => ops.filter((o) => o.status === s).length;
    return {
      operations: {
        total: ops.length,
        pending: byStatus('pending'),
        retrying: byStatus('retrying'),
        failed: byStatus('failed'),
      },
      conflicts: conflicts.length,
      archived: archived.length,
      rules: salvaged.rows.resolve_rules.length,
      remembered: salvaged.rows.remembered_values.length,
    };
  })();
}
