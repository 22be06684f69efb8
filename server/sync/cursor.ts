import { isoTimestamp } from '../../shared/visitor';
import type { FeedPoint } from '../storage/types';

/**
 * Change-feed cursors. A cursor is the feed point of the last change the
 * client has seen: every write takes a new, later point, so a record changed
 * while a client pages appears again in a later page and is never skipped (an
 * offset or a timestamp cursor would skip or repeat).
 *
 * Format (opaque to clients): "c<seq>" (SQLite) or "x<tx>.c<seq>"
 * (PostgreSQL, where the feed is ordered by writing transaction, then seq),
 * each with ".t<ms>" when the feed began from an ISO timestamp and must keep
 * filtering on lastModified > ms.
 */
export interface FeedPosition {
  afterSeq: number;
  sinceMs: number | null;
  /** PostgreSQL's transaction part of the point; absent for SQLite. */
  afterTx?: number;
}

const CURSOR_RE = /^(?:x(\d{1,15})\.)?c(\d{1,15})(?:\.t(\d{1,15}))?$/;

export function encodeCursor(pos: FeedPosition): string {
  const tx = pos.afterTx === undefined ? '' : `x${pos.afterTx}.`;
  return pos.sinceMs === null ? `${tx}c${pos.afterSeq}` : `${tx}c${pos.afterSeq}.t${pos.sinceMs}`;
}

export type SinceParse = { ok: true; position: FeedPosition } | { ok: false; message: string };

/** `since` as a cursor, an ISO timestamp (seed compatibility), or absent (everything). */
export function parseSince(since: string | null | undefined): SinceParse {
  if (since === null || since === undefined || since === '') {
    return { ok: true, position: { afterSeq: 0, sinceMs: null } };
  }
  const m = CURSOR_RE.exec(since);
  if (m) {
    const afterTx = m[1] === undefined ? undefined : Number(m[1]);
    const afterSeq = Number(m[2]);
    const sinceMs = m[3] === undefined ? null : Number(m[3]);
    if (
      Number.isSafeInteger(afterSeq) &&
      (sinceMs === null || Number.isSafeInteger(sinceMs)) &&
      (afterTx === undefined || Number.isSafeInteger(afterTx))
    ) {
      return {
        ok: true,
        position: { afterSeq, sinceMs, ...(afterTx !== undefined ? { afterTx } : {}) },
      };
    }
  }
  if (isoTimestamp.safeParse(since).success) {
    return { ok: true, position: { afterSeq: 0, sinceMs: Date.parse(since) } };
  }
  return {
    ok: false,
    message: 'since: must be a cursor from a previous page or an ISO 8601 timestamp',
  };
}

export type LimitParse = { ok: true; limit: number } | { ok: false; message: string };

export function parseLimit(raw: string | null | undefined, def: number, max: number): LimitParse {
  if (raw === null || raw === undefined) return { ok: true, limit: def };
  if (!/^\d{1,6}$/.test(raw))
    return { ok: false, message: `limit: must be an integer from 1 to ${max}` };
  const n = Number(raw);
  if (n < 1 || n > max) return { ok: false, message: `limit: must be an integer from 1 to ${max}` };
  return { ok: true, limit: n };
}

/** The feed point a position stands for. */
export function pointOf(pos: FeedPosition): FeedPoint {
  return pos.afterTx === undefined ? { seq: pos.afterSeq } : { tx: pos.afterTx, seq: pos.afterSeq };
}

/** Feed order: by transaction (PostgreSQL), then seq. */
export function comparePoints(a: FeedPoint, b: FeedPoint): number {
  return (a.tx ?? 0) - (b.tx ?? 0) || a.seq - b.seq;
}

/**
 * The point to hand back after a page. Mid-feed it is the last row's point;
 * at the end it is the head, so the next pull starts after everything
 * committed now (rows skipped by a time filter are not read again). Never
 * backwards.
 */
export function nextPoint(
  from: FeedPoint,
  lastRow: FeedPoint | null,
  hasMore: boolean,
  head: FeedPoint,
): FeedPoint {
  if (hasMore) return lastRow ?? from;
  let out = head;
  for (const p of [lastRow, from]) if (p && comparePoints(p, out) > 0) out = p;
  return out;
}

/** nextPoint for positions with seq only (SQLite). */
export function nextPosition(
  from: FeedPosition,
  lastRowSeq: number | null,
  hasMore: boolean,
  headSeq: number,
): FeedPosition {
  const p = nextPoint(pointOf(from), lastRowSeq === null ? null : { seq: lastRowSeq }, hasMore, {
    seq: headSeq,
  });
  return { afterSeq: p.seq, sinceMs: from.sinceMs };
}

export function positionAt(point: FeedPoint, sinceMs: number | null): FeedPosition {
  return point.tx === undefined
    ? { afterSeq: point.seq, sinceMs }
    : { afterSeq: point.seq, sinceMs, afterTx: point.tx };
}
