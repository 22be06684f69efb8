import type { OutboxRow } from '../../../shared/ipc/contract';
import type { Decision } from '../../../shared/ipc/conflicts-contract';
import { conflictSides } from '../../../shared/resolve/conflict';
import { previewResolution } from '../../../shared/resolve/preview';
import { lookupKeys, rememberedFor } from '../../../shared/resolve/remembered';
import type {
  MergePreview,
  PreviewOperation,
  Resolution,
  ResolvableConflict,
} from '../../../shared/resolve/types';
import {
  VisitorValuesSchema,
  type VisitorField,
  type VisitorValues,
} from '../../../shared/visitor';
import type { MirrorRowState, VisitorRecord } from '../visitors/visitors-repo';
import type { ConflictRow } from './conflicts-repo';
import { resolutionFor, resolvableOf } from './resolvable';

/**
 * What a bulk decision does to each conflict, decided without touching the
 * database: preview and apply both run these functions over the same
 * conflicts in the same order, and apply then writes what they decided. So the
 * preview's numbers are apply's by construction, and the preview costs only
 * the reads and the decisions.
 */

export const BEING_SENT = 'Its record is being sent right now: try again when this sync ends';
export const GONE = 'Its record is no longer in the local mirror';
const REPLACED =
  'This visitor was re-created on the server since this conflict was found, so the conflict no longer applies';
const STALE =
  'The server changed this visitor after the console last pulled it: sync to fetch its record, then decide';

/** What a decision reads of the record's operations. */
export type QueuedOp = Pick<OutboxRow, 'action' | 'data' | 'status'>;

/** A record as a decision sees it: its mirror row (null when gone) and its operations, oldest first. */
export interface RecordState {
  visitor: VisitorRecord | null;
  ops: readonly QueuedOp[];
}

export type Plan =
  | {
      ok: true;
      conflict: ConflictRow;
      visitor: VisitorRecord;
      /** The record's operations when planned (none in flight). */
      ops: readonly QueuedOp[];
      resolvable: ResolvableConflict;
      resolution: Resolution;
      /** Fields whose pick is a remembered value. */
      remembered: VisitorField[];
      preview: MergePreview;
    }
  | { ok: false; conflict: ConflictRow; reason: string };

export type Planned = Extract<Plan, { ok: true }>;

/** What the decision writes: the mirror row, and the operation it queues. */
export interface Effect {
  visitor: { remove: true } | ({ remove: false } & MirrorRowState);
  op: PreviewOperation | null;
  /** Queued operations the decision supersedes (they leave the outbox; failed ones stay). */
  superseded: number;
}

/**
 * Why a conflict cannot be decided from what the console knows now, if so.
 * Deciding against a server record the mirror has not seen would send a
 * baseVersion claiming otherwise, and overwrite what it did not show.
 */
export function staleness(c: ConflictRow, v: VisitorRecord): string | null {
  if (c.serverId !== null && c.action !== 'create' && v.serverId !== c.serverId) return REPLACED;
  if (
    c.serverData !== null &&
    c.serverVersion !== null &&
    (v.serverVersion === null || v.serverVersion < c.serverVersion)
  )
    return STALE;
  return null;
}

/** Every field of every queued (unsent) update of the record, oldest first. */
export function queuedEdits(ops: readonly QueuedOp[]): Partial<VisitorValues> {
  const edits: Partial<VisitorValues> = {};
  for (const op of ops) {
    if (op.action !== 'update' || op.data === null) continue;
    if (op.status !== 'pending' && op.status !== 'retrying') continue;
    Object.assign(edits, op.data);
  }
  return edits;
}

export const inFlight = (ops: readonly QueuedOp[]) => ops.some((op) => op.status === 'in_flight');

const supersedable = (op: QueuedOp) => op.status === 'pending' || op.status === 'retrying';

/**
 * The remembered results of some pair keys, by key. Preview and apply read
 * them as they stood when the run began (see RememberedSnapshot), so a value
 * an earlier page of the same apply teaches does not change what later ones do.
 */
export type RememberedLookup = (keys: readonly string[]) => ReadonlyMap<string, unknown>;

const NOTHING_REMEMBERED: RememberedLookup = () => new Map();

/** The decision one conflict gets, against its record as the decisions before it left it. */
export function planConflict(
  c: ConflictRow,
  decision: Decision,
  record: RecordState,
  remembered: RememberedLookup = NOTHING_REMEMBERED,
): Plan {
  const { visitor, ops } = record;
  if (!visitor) return { ok: false, conflict: c, reason: GONE };
  if (inFlight(ops)) return { ok: false, conflict: c, reason: BEING_SENT };
  const stale = staleness(c, visitor);
  if (stale) return { ok: false, conflict: c, reason: stale };
  const resolvable = resolvableOf(c, visitor, queuedEdits(ops));
  const chosen = resolutionFor(c, resolvable, decision, () =>
    rememberedFor(resolvable, remembered(lookupKeys(resolvable).map((k) => k.key))),
  );
  if (!chosen.ok) return { ok: false, conflict: c, reason: chosen.reason };
  const preview = previewResolution(resolvable, chosen.resolution);
  if (!preview.ok) return { ok: false, conflict: c, reason: preview.error.message };
  return {
    ok: true,
    conflict: c,
    visitor,
    ops,
    resolvable,
    resolution: chosen.resolution,
    remembered: chosen.remembered,
    preview: preview.value,
  };
}

/** What a planned decision writes. */
export function effectOf(p: Planned): Effect {
  const { conflict: c, visitor: v, preview } = p;
  const superseded = p.ops.filter(supersedable).length;
  // What a decision does not supersede: failed operations, left for an admin.
  const stillFailed = p.ops.some((op) => op.status === 'failed');
  const server = conflictSides(p.resolvable).server;
  const op = preview.operation;
  const record = preview.record;
  if (record === 'deleted') {
    if (c.kind === 'delete_modified' && op) {
      // Our deletion wins: the row stays deleted and the delete is queued again.
      return {
        visitor: {
          remove: false,
          values: v.values,
          base: server,
          serverId: v.serverId,
          serverVersion: p.resolvable.serverVersion,
          dirty: true,
          deleted: true,
        },
        op,
        superseded,
      };
    }
    return { visitor: { remove: true }, op, superseded };
  }
  const recreate = op?.action === 'create';
  return {
    visitor: {
      remove: false,
      values: record,
      base: recreate ? null : (server ?? v.base),
      serverId: recreate ? null : v.serverId,
      serverVersion: recreate ? null : p.resolvable.serverVersion,
      dirty: op !== null || stillFailed,
      deleted: false,
    },
    op,
    superseded,
  };
}

/**
 * The record as the database holds it once the decision is written, so the
 * next conflict of the same record is planned against exactly that (values
 * go through JSON as they do through their columns).
 */
export function stateAfter(p: Planned, e: Effect, at: string): RecordState {
  const kept = p.ops.filter((op) => !supersedable(op));
  const ops = e.op
    ? [
        ...kept,
        {
          action: e.op.action,
          data: e.op.data === undefined ? null : roundTrip(e.op.data),
          status: 'pending' as const,
        },
      ]
    : kept;
  if (e.visitor.remove) return { visitor: null, ops };
  const w = e.visitor;
  return {
    visitor: {
      ...p.visitor,
      values: roundTrip(w.values),
      base: w.base === null ? null : VisitorValuesSchema.parse(roundTrip(w.base)),
      serverId: w.serverId,
      serverVersion: w.serverVersion,
      dirty: w.dirty,
      deleted: w.deleted,
      updatedAt: at,
    },
    ops,
  };
}

const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
