import type { Action } from '../../../shared/protocol';
import {
  EMPTY_VALUES,
  VISITOR_FIELDS,
  VisitorValuesSchema,
  type VisitorField,
  type VisitorValues,
} from '../../../shared/visitor';
import type { OldVisitor } from './salvage-rows';

/**
 * Salvaged local work meets the fresh mirror: for each record that has work
 * (queued operations, open conflicts, archived operations), which mirror row
 * it is and what that row holds. Pure.
 *
 * The rows end up as the engine itself leaves a record with unsynced edits
 * after a pull met it (sync/mirror.ts): the server's record is the merge
 * base and version, and the local changes are on top, dirty. The operations
 * keep their local id, opId and baseVersion: the server checks that a
 * replayed opId comes with the same localId, so it is the pulled row that
 * takes the operations' local id, never the other way round.
 */

export interface WorkOp {
  seq: number;
  localId: string;
  serverId: string | null;
  action: Action;
  data: Record<string, unknown> | null;
}

export interface WorkConflict {
  id: number;
  localId: string;
  serverId: string | null;
  clientData: Record<string, unknown>;
  baseData: Record<string, unknown> | null;
  baseVersion: number | null;
}

/** A row of the fresh mirror, as the full pull wrote it. */
export interface PulledRow {
  localId: string;
  serverVersion: number | null;
  values: VisitorValues;
  lastModified: string | null;
}

export interface RestoredRow {
  localId: string;
  serverId: string | null;
  serverVersion: number | null;
  values: VisitorValues;
  base: VisitorValues | null;
  lastModified: string | null;
  dirty: boolean;
  deleted: boolean;
}

export interface RecordPlan {
  localId: string;
  /** The pulled row to take over: its local id becomes `localId`. */
  rekeyFrom: string | null;
  /** What the row holds afterwards; null when nothing is to be written (no local values, or none known). */
  row: RestoredRow | null;
}

export interface PlanInput {
  ops: readonly WorkOp[];
  conflicts: readonly WorkConflict[];
  archived: readonly { localId: string; serverId: string | null }[];
  /** The fresh mirror's row of a server record. */
  pulled(serverId: string): PulledRow | undefined;
  /** The damaged file's own row of a local record, where it could still be read. */
  old(localId: string): OldVisitor | undefined;
}

/** One field of salvaged data, kept only when it is a valid value of that field. */
function overlay(into: VisitorValues, data: Record<string, unknown>): VisitorValues {
  const out = { ...into };
  for (const f of VISITOR_FIELDS) {
    if (!Object.hasOwn(data, f)) continue;
    let v = data[f];
    if (v === undefined) continue;
    if (f !== 'interests' && v === '') v = null;
    const ok = VisitorValuesSchema.shape[f].safeParse(v);
    if (ok.success) (out as Record<VisitorField, unknown>)[f] = ok.data;
  }
  return out;
}

const fromData = (data: Record<string, unknown>): VisitorValues | null => {
  const v = overlay(EMPTY_VALUES, data);
  return v.name === '' ? null : v;
};

interface Group {
  localId: string;
  ops: WorkOp[];
  conflicts: WorkConflict[];
  serverIds: string[];
}

/** Every record with salvaged work, each once, in the order its work was made. */
function groups(input: PlanInput): Group[] {
  const by = new Map<string, Group>();
  const group = (localId: string) => {
    let g = by.get(localId);
    if (!g) by.set(localId, (g = { localId, ops: [], conflicts: [], serverIds: [] }));
    return g;
  };
  for (const c of [...input.conflicts].sort((a, b) => a.id - b.id)) {
    const g = group(c.localId);
    g.conflicts.push(c);
    if (c.serverId) g.serverIds.push(c.serverId);
  }
  for (const o of [...input.ops].sort((a, b) => a.seq - b.seq)) {
    const g = group(o.localId);
    g.ops.push(o);
    if (o.serverId) g.serverIds.push(o.serverId);
  }
  for (const a of input.archived) {
    const g = group(a.localId);
    if (a.serverId) g.serverIds.push(a.serverId);
  }
  return [...by.values()];
}

/**
 * The plan of every record with salvaged work. A server record is taken by
 * the first record that names it; a second one (a duplicate being adopted
 * when the file was damaged) gets no row of its own: its operations still
 * go back and settle against the server as usual.
 */
export function planRecords(input: PlanInput): RecordPlan[] {
  const claimed = new Set<string>();
  return groups(input).map((g) => {
    const old = input.old(g.localId);
    const serverId = g.serverIds[0] ?? old?.serverId ?? null;
    const free = serverId !== null && !claimed.has(serverId);
    if (serverId !== null) claimed.add(serverId);
    const pulled = free ? input.pulled(serverId) : undefined;
    const rekeyFrom = pulled && pulled.localId !== g.localId ? pulled.localId : null;
    // Archived operations only: the record is the server's as pulled, under its old local id
    // (a restore from the archive finds it there).
    if (g.ops.length === 0 && g.conflicts.length === 0)
      return { localId: g.localId, rekeyFrom, row: null };

    let start: Omit<RestoredRow, 'localId' | 'dirty' | 'deleted'> | null = null;
    const create = g.ops.find((o) => o.action === 'create' && o.data);
    if (pulled)
      start = {
        serverId,
        serverVersion: pulled.serverVersion,
        values: pulled.values,
        base: pulled.values,
        lastModified: pulled.lastModified,
      };
    else if (create) {
      const values = fromData(create.data!);
      if (values)
        start = { serverId: null, serverVersion: null, values, base: null, lastModified: null };
    }
    if (!start && old)
      start = {
        serverId: free ? old.serverId : null,
        serverVersion: old.serverVersion,
        values: old.values,
        base: old.base,
        lastModified: old.lastModified,
      };
    if (!start) {
      const c = g.conflicts.find((x) => x.baseData);
      const values = c ? fromData(c.baseData!) : null;
      if (c && values)
        start = {
          serverId: free ? serverId : null,
          serverVersion: c.baseVersion,
          values,
          base: values,
          lastModified: null,
        };
    }
    if (!start) return { localId: g.localId, rekeyFrom, row: null };

    // The local values: the conflicts' side first (kept until resolved), then each
    // queued operation in the order it was made, as the edits did it.
    let values = start.values;
    for (const c of g.conflicts) values = overlay(values, c.clientData);
    let deleted = false;
    for (const o of g.ops) {
      if (o.action === 'delete') deleted = true;
      else if (o.data) {
        values = overlay(values, o.data);
        deleted = false;
      }
    }
    return {
      localId: g.localId,
      rekeyFrom,
      row: { localId: g.localId, ...start, values, dirty: true, deleted },
    };
  });
}
