import type { Statement } from 'better-sqlite3';
import type { ConflictData } from '../../../shared/protocol';
import type { Action } from '../../../shared/protocol';
import type { Db } from '../db/open';

export interface ConflictRow {
  id: number;
  localId: string;
  serverId: string | null;
  opId: string;
  action: Action;
  kind: NonNullable<ConflictData['kind']>;
  conflictFields: string[];
  clientData: Record<string, unknown>;
  serverData: Record<string, unknown> | null;
  baseData: Record<string, unknown> | null;
  baseVersion: number | null;
  serverVersion: number | null;
  status: 'open' | 'resolved';
  createdAt: string;
}

interface SqlConflict {
  id: number;
  local_id: string;
  server_id: string | null;
  op_id: string;
  action: Action;
  kind: ConflictRow['kind'];
  conflict_fields: string;
  client_data: string;
  server_data: string | null;
  base_data: string | null;
  base_version: number | null;
  server_version: number | null;
  status: 'open' | 'resolved';
  created_at: string;
}

const json = (s: string | null) => (s === null ? null : (JSON.parse(s) as Record<string, unknown>));

function rowOf(r: SqlConflict): ConflictRow {
  return {
    id: r.id,
    localId: r.local_id,
    serverId: r.server_id,
    opId: r.op_id,
    action: r.action,
    kind: r.kind,
    conflictFields: JSON.parse(r.conflict_fields) as string[],
    clientData: json(r.client_data) ?? {},
    serverData: json(r.server_data),
    baseData: json(r.base_data),
    baseVersion: r.base_version,
    serverVersion: r.server_version,
    status: r.status,
    createdAt: r.created_at,
  };
}

/** All SQL touching conflicts. */
export class ConflictsRepo {
  private readonly insertStmt: Statement;
  private readonly openCountStmt: Statement<[], { n: number }>;
  private readonly listOpenStmt: Statement<[number, number], SqlConflict>;

  constructor(db: Db) {
    // A replayed opId answers with its first result: never record the same conflict twice.
    this.insertStmt = db.prepare(`
      INSERT INTO conflicts (local_id, server_id, op_id, action, kind, conflict_fields, client_data,
        server_data, base_data, base_version, server_version, created_at)
      VALUES (@local_id, @server_id, @op_id, @action, @kind, @conflict_fields, @client_data,
        @server_data, @base_data, @base_version, @server_version, @at)
      ON CONFLICT (op_id) DO NOTHING`);
    this.openCountStmt = db.prepare("SELECT count(*) AS n FROM conflicts WHERE status = 'open'");
    this.listOpenStmt = db.prepare(
      "SELECT * FROM conflicts WHERE status = 'open' AND id > ? ORDER BY id LIMIT ?",
    );
  }

  insert(c: {
    localId: string;
    serverId: string | null;
    opId: string;
    action: Action;
    data: ConflictData;
    baseVersion: number | null;
    at: string;
  }): void {
    this.insertStmt.run({
      local_id: c.localId,
      server_id: c.serverId,
      op_id: c.opId,
      action: c.action,
      kind: c.data.kind ?? (c.data.serverData === null ? 'update_deleted' : 'field'),
      conflict_fields: JSON.stringify(c.data.conflictFields),
      client_data: JSON.stringify(c.data.clientData),
      server_data: c.data.serverData === null ? null : JSON.stringify(c.data.serverData),
      base_data: c.data.baseData ? JSON.stringify(c.data.baseData) : null,
      base_version: c.baseVersion,
      server_version: c.data.serverVersion ?? null,
      at: c.at,
    });
  }

  openCount(): number {
    return this.openCountStmt.get()!.n;
  }

  listOpen(afterId: number, limit: number): ConflictRow[] {
    return this.listOpenStmt.all(afterId, limit).map(rowOf);
  }
}
