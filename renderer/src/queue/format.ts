import type { QueueItem } from '../../../shared/ipc/queue-contract';
import { formatDateTime, formatNumber } from '../intl';

/** Pure wording for the queue screen (tests/unit/queue-format.test.ts). */

/** "in 4 s", "in 2 min 05 s", "due now" (a run picks it up), or "—" when none is planned. */
export function countdown(nextAttemptAt: string | null, now: number): string {
  if (!nextAttemptAt) return '—';
  const ms = Date.parse(nextAttemptAt) - now;
  if (!Number.isFinite(ms)) return '—';
  if (ms <= 0) return 'due now';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `in ${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `in ${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `in ${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** When an attempt happened, with its zone: admins compare these with the server's logs. */
export function shortTime(iso: string | null): string {
  return formatDateTime(iso, { short: true, seconds: true, zone: true });
}

export function statusText(item: Pick<QueueItem, 'status' | 'source' | 'gaveUp'>): string {
  if (item.source === 'conflict') return 'Conflict loop';
  if (item.status === 'retrying') return 'Retrying';
  return item.gaveUp ? 'Failed (gave up)' : 'Failed';
}

/** One value of a payload or record, as a short line of text. */
export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null || v === '') return '(empty)';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
