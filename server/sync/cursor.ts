import { isoTimestamp } from '../../shared/visitor';

/**
 * Change-feed cursors. A cursor is the change sequence number of the last
 * record the client has seen: every write takes a new, higher sequence number,
 * so a record changed while a client pages appears again in a later page and
 * is never skipped (an offset or a timestamp cursor would skip or repeat).
 *
 * Format (opaque to clients): "c<seq>", or "c<seq>.t<ms>" when the feed began
 * from an ISO timestamp and must keep filtering on lastModified > ms.
 */
export interface FeedPosition {
  afterSeq: number;
  sinceMs: number | null;
}

const CURSOR_RE = /^c(\d{1,15})(?:\.t(\d{1,15}))?$/;

export function encodeCursor(pos: FeedPosition): string {
  return pos.sinceMs === null ? `c${pos.afterSeq}` : `c${pos.afterSeq}.t${pos.sinceMs}`;
}

export type SinceParse = { ok: true; position: FeedPosition } | { ok: false; message: string };

/** `since` as a cursor, an ISO timestamp (seed compatibility), or absent (everything). */
export function parseSince(since: string | null | undefined): SinceParse {
  if (since === null || since === undefined || since === '') {
    return { ok: true, position: { afterSeq: 0, sinceMs: null } };
  }
  const m = CURSOR_RE.exec(since);
  if (m) {
    const afterSeq = Number(m[1]);
    const sinceMs = m[2] === undefined ? null : Number(m[2]);
    if (Number.isSafeInteger(afterSeq) && (sinceMs === null || Number.isSafeInteger(sinceMs))) {
      return { ok: true, position: { afterSeq, sinceMs } };
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

/**
 * The cursor to hand back after a page. Mid-feed it is the last row's seq;
 * at the end it is the head, so the next pull starts after everything
 * committed now (rows skipped by a time filter are not read again).
 */
export function nextPosition(
  from: FeedPosition,
  lastRowSeq: number | null,
  hasMore: boolean,
  headSeq: number,
): FeedPosition {
  const seq = hasMore
    ? (lastRowSeq ?? from.afterSeq)
    : Math.max(lastRowSeq ?? 0, headSeq, from.afterSeq);
  return { afterSeq: seq, sinceMs: from.sinceMs };
}
