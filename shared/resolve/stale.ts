import { VISITOR_FIELDS } from '../visitor';
import type { Picks, Resolution, ResolvableConflict } from './types';

/**
 * The stale-capture guard. A field device can sync a week after it captured
 * a change; by then the server's record has moved on, and the old capture
 * should not win by default. A conflict is a stale capture when the client's
 * operation (its `timestamp`) was made at least `thresholdMs` before the
 * server's change it collides with (the record's `lastModified`).
 */

export const DAY_MS = 86_400_000;
export const DEFAULT_STALE_CAPTURE_DAYS = 7;

/** How much earlier the client's change was made than the server's; null when either is unknown. */
export function captureGapMs(
  opTimestamp: string | null,
  serverModified: string | null,
): number | null {
  if (!opTimestamp || !serverModified) return null;
  const a = Date.parse(opTimestamp);
  const b = Date.parse(serverModified);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : null;
}

export function isStaleCapture(gapMs: number | null, thresholdMs: number): boolean {
  return gapMs !== null && gapMs >= thresholdMs;
}

/**
 * A stale capture's default decision: the server's values for the contested
 * fields, every other field as it would merge (so an uncontested change the
 * client made still goes through). A deletion conflict keeps the server's side whole.
 */
export function staleDefault(c: ResolvableConflict): Resolution {
  if (c.kind !== 'field') return { strategy: 'server_wins' };
  const picks: Picks = {};
  for (const f of VISITOR_FIELDS) if (c.conflictFields.includes(f)) picks[f] = { kind: 'server' };
  return { strategy: 'manual', picks };
}
