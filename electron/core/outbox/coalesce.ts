import { patchBetween } from '../../../shared/diff';
import type { Action } from '../../../shared/protocol';
import type { VisitorValues } from '../../../shared/visitor';

/**
 * Decides what the outbox and the mirror row become after one local edit.
 * Pure: the edit service applies the plan in one transaction.
 *
 * Only an operation that was never sent may be rewritten. Once an opId has
 * gone out, the server may hold its result, and a replay of that opId returns
 * the stored result, so changing its payload would silently lose the change.
 */
export interface DraftOp {
  action: Action;
  /** create: the whole record; update: only the changed fields; delete: null. */
  data: Partial<VisitorValues> | null;
  baseVersion: number | null;
}

/** The record's operation that is queued and was never sent, if any. */
export interface OpenOp extends DraftOp {
  seq: number;
}

export interface RecordState {
  serverVersion: number | null;
  /** The record as last synced; null when the server does not have it yet. */
  base: VisitorValues | null;
  current: VisitorValues;
  /** Operations for this record already sent and not yet settled. */
  sentOps: number;
}

export type Edit =
  | { kind: 'create'; values: VisitorValues }
  | { kind: 'update'; values: VisitorValues }
  | { kind: 'delete' };

export type OutboxPlan =
  | { op: 'none' }
  | { op: 'insert'; draft: DraftOp }
  | { op: 'replace'; seq: number; draft: DraftOp }
  | { op: 'remove'; seq: number };

export type RowPlan = 'insert' | 'update-dirty' | 'update-clean' | 'mark-deleted' | 'remove';

export interface EditPlan {
  outbox: OutboxPlan;
  row: RowPlan;
}

export class EditRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function planEdit(open: OpenOp | null, record: RecordState | null, edit: Edit): EditPlan {
  if (edit.kind === 'create') {
    if (record) throw new EditRejected('already_exists', 'This visitor already exists.');
    return {
      outbox: { op: 'insert', draft: { action: 'create', data: edit.values, baseVersion: null } },
      row: 'insert',
    };
  }
  if (!record) throw new EditRejected('visitor_not_found', 'This visitor no longer exists.');
  if (open?.action === 'delete') {
    throw new EditRejected(
      'visitor_deleted',
      'This visitor was deleted; the deletion is waiting to be sent.',
    );
  }
  return edit.kind === 'update' ? planUpdate(open, record, edit.values) : planDelete(open, record);
}

function planUpdate(open: OpenOp | null, record: RecordState, next: VisitorValues): EditPlan {
  // create + update → one create carrying the latest values
  if (open?.action === 'create') {
    return {
      outbox: {
        op: 'replace',
        seq: open.seq,
        draft: { action: 'create', data: next, baseVersion: null },
      },
      row: 'update-dirty',
    };
  }
  const baseVersion = open?.baseVersion ?? record.serverVersion;
  // Against the synced base, so an edit undone by hand leaves nothing to send.
  const data = record.base
    ? patchBetween(record.base, next)
    : { ...(open?.data ?? {}), ...patchBetween(record.current, next) };
  const empty = Object.keys(data).length === 0;
  const draft: DraftOp = { action: 'update', data, baseVersion };
  if (open) {
    if (empty)
      return {
        outbox: { op: 'remove', seq: open.seq },
        row: record.sentOps ? 'update-dirty' : 'update-clean',
      };
    return { outbox: { op: 'replace', seq: open.seq, draft }, row: 'update-dirty' };
  }
  if (empty)
    return { outbox: { op: 'none' }, row: record.sentOps ? 'update-dirty' : 'update-clean' };
  return { outbox: { op: 'insert', draft }, row: 'update-dirty' };
}

function planDelete(open: OpenOp | null, record: RecordState): EditPlan {
  // create + delete → nothing at all: the server never heard of it
  if (open?.action === 'create') return { outbox: { op: 'remove', seq: open.seq }, row: 'remove' };
  const draft: DraftOp = {
    action: 'delete',
    data: null,
    baseVersion: open?.baseVersion ?? record.serverVersion,
  };
  // update + delete → delete
  if (open) return { outbox: { op: 'replace', seq: open.seq, draft }, row: 'mark-deleted' };
  return { outbox: { op: 'insert', draft }, row: 'mark-deleted' };
}
