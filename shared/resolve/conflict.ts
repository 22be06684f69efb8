import type { ConflictData, ConflictKind } from '../protocol';
import { EMPTY_VALUES, VISITOR_FIELDS, type VisitorField, type VisitorValues } from '../visitor';
import type { ResolvableConflict } from './types';

/**
 * From the wire's ConflictData to what the resolver reads, and the three
 * full-record sides every decision is made from.
 */

const isField = (k: string): k is VisitorField => (VISITOR_FIELDS as readonly string[]).includes(k);

/**
 * Only visitor fields, with the server's storage rules: '' and null are the
 * same "no value" (server/README.md), absent stays absent. `id`, `version`
 * and `lastModified` of a whole-record serverData/baseData are dropped here.
 */
export function visitorFieldsOf(data: Record<string, unknown>): Partial<VisitorValues> {
  const out: Partial<Record<VisitorField, unknown>> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!isField(key) || value === undefined) continue;
    if (key === 'interests') out[key] = value ?? [];
    else out[key] = value === '' ? null : value;
  }
  return out as Partial<VisitorValues>;
}

/**
 * docs/protocol.md makes `kind` optional (ext); a server without it still tells
 * the kinds apart: a null serverData is a deleted record, and a conflict on a
 * delete is a delete_modified.
 */
export function kindOf(data: ConflictData, action?: 'create' | 'update' | 'delete'): ConflictKind {
  if (data.kind) return data.kind;
  if (action === 'delete') return 'delete_modified';
  return data.serverData === null ? 'update_deleted' : 'field';
}

export function fromConflictData(args: {
  localId: string;
  serverId: string | null;
  action?: 'create' | 'update' | 'delete';
  data: ConflictData;
  local: VisitorValues;
}): ResolvableConflict {
  const { data } = args;
  return {
    localId: args.localId,
    serverId: args.serverId,
    kind: kindOf(data, args.action),
    conflictFields: data.conflictFields.filter(isField),
    clientData: visitorFieldsOf(data.clientData),
    serverData: data.serverData === null ? null : visitorFieldsOf(data.serverData),
    baseData: data.baseData ? visitorFieldsOf(data.baseData) : null,
    serverVersion: data.serverVersion ?? null,
    local: args.local,
  };
}

export interface Sides {
  /** What the client holds: its local row with the values it sent on top. */
  client: VisitorValues;
  /** The server's record; null when the server deleted it. */
  server: VisitorValues | null;
  /** The record the client edited from, when the server still knew it. */
  base: VisitorValues | null;
}

/**
 * Full records for each side. serverData of a field conflict carries only the
 * keys the client sent, so the fields the client did not touch are taken from
 * the local row: that is the client's last copy of the server's values, and
 * never sending them is what keeps other devices' edits of those fields safe.
 * The client's side takes the sent values over the local row, because the
 * conflict is about what was sent (and it is what the workspace shows as ours).
 */
export function conflictSides(c: ResolvableConflict): Sides {
  return {
    client: { ...c.local, ...c.clientData },
    server: c.serverData === null ? null : { ...c.local, ...c.serverData },
    // A whole record at baseVersion: a field it lacks had no value.
    base: c.baseData === null ? null : { ...EMPTY_VALUES, ...c.baseData },
  };
}
