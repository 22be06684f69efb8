import type { AppError } from '../../../shared/errors';
import type { SyncProgress, SyncRunOutcome } from '../../../shared/ipc/contract';
import { formatDateTime, formatNumber } from '../intl';

/**
 * Pure wording and number formatting for the Sync screen and the status bar:
 * no React, no api, so each rule is unit-tested (tests/unit/sync-panel-format.test.ts).
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 0 B, 512 B, 1.5 KB, 23 MB: binary steps, one decimal below 10. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1023.6 KB rounds to 1024: say 1 MB instead.
  if (shown >= 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${formatNumber(shown)} ${UNITS[unit]}`;
}

/** 0.4 s, 12 s, 2 min 05 s, 1 h 02 min. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms > 0 && ms < 50) return '< 0.1 s';
  if (ms < 10_000) {
    const s = Math.round(ms / 100) / 10;
    return `${s.toFixed(1).replace(/\.0$/, '')} s`;
  }
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

/** Time left of a run: "about 12 s", "under a second", or "calculating…" before the first chunk. */
export function formatEta(seconds: number | null, phase: SyncProgress['phase']): string {
  if (phase === 'done') return 'none';
  if (phase === 'pull') return 'after the download';
  if (seconds === null || !Number.isFinite(seconds)) return 'calculating…';
  if (seconds <= 0) return 'under a second';
  return `about ${formatDuration(seconds * 1000)}`;
}

export function formatCount(n: number): string {
  return formatNumber(n);
}

export function formatRate(opsPerSecond: number): string {
  return `${formatCount(Math.round(opsPerSecond))} ops/s`;
}

/** "3 conflicts", "1 conflict". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/**
 * Whole percent of the push (0–100); null while the amount of work is not
 * known. A run that ended early (cancelled, refused) keeps the share it got to.
 */
export function percentDone(p: Pick<SyncProgress, 'phase' | 'done' | 'total'>): number | null {
  if (p.phase === 'pull') return null;
  if (p.total <= 0) return p.phase === 'done' ? 100 : 0;
  return Math.min(100, Math.floor((p.done / p.total) * 100));
}

/** What the progress line says the run is doing. */
export function phaseText(p: SyncProgress): string {
  if (p.phase === 'pull')
    return p.chunk === 0
      ? 'Downloading server changes…'
      : `Downloading server changes · page ${formatCount(p.chunk)} · ${plural(p.pulled, 'record')} received`;
  if (p.phase === 'push')
    return p.chunks === 0
      ? 'Sending local changes…'
      : `Sending local changes · chunk ${formatCount(p.chunk)} of ${formatCount(p.chunks)}`;
  return 'Finished';
}

export const OUTCOME_LABELS: Record<SyncRunOutcome, string> = {
  success: 'Succeeded',
  partial: 'Finished with conflicts or errors',
  failed: 'Failed',
  cancelled: 'Cancelled',
  auth_error: 'Token refused',
  interrupted: 'Interrupted',
};

export type OutcomeTone = 'ok' | 'warn' | 'error' | 'neutral' | 'running';

export const OUTCOME_TONES: Record<SyncRunOutcome, OutcomeTone> = {
  success: 'ok',
  partial: 'warn',
  failed: 'error',
  cancelled: 'neutral',
  auth_error: 'error',
  interrupted: 'warn',
};

export function outcomeLabel(outcome: SyncRunOutcome | null): string {
  return outcome === null ? 'Running' : OUTCOME_LABELS[outcome];
}

export function outcomeTone(outcome: SyncRunOutcome | null): OutcomeTone {
  return outcome === null ? 'running' : OUTCOME_TONES[outcome];
}

/**
 * What the person at the console can do about a run's last error. The
 * message itself comes from the core in plain words; this adds the next step.
 */
export function nextStep(
  error: Pick<AppError, 'code' | 'retryable'> | null,
  outcome: SyncRunOutcome | null,
): string {
  if (outcome === 'interrupted' && !error)
    return 'Press Sync now: changes that were on their way are sent again, and nothing is sent twice.';
  switch (error?.code) {
    case 'auth':
      return 'Ask your administrator for a valid sync token, enter it under Connection and press Connect, then press Sync now. Your changes stay queued meanwhile.';
    case 'forbidden':
      return 'This token may not sync visitors. Ask your administrator for a staff token, enter it under Connection, then press Sync now.';
    case 'network':
      return 'Check the server address under Connection and this computer’s network, then press Sync now. Your changes stay queued meanwhile.';
    case 'timeout':
      return 'The server is slow or unreachable. Wait a moment and press Sync now; queued changes are sent again safely.';
    case 'tls':
      return 'The server’s certificate was not accepted. Check the address (https:// and the exact host name) with your administrator.';
    case 'server':
    case 'rate_limited':
      return 'The server is busy or had a problem. The affected changes wait until the retry time shown; press Sync now after it.';
    case 'too_large':
      return 'A change is larger than the server accepts. Shorten long notes on the affected records, then press Sync now.';
    case 'cancelled':
      return 'Nothing was lost. Press Sync now to carry on where the sync stopped.';
    case 'not_configured':
      return 'Enter the server address and token under Connection and press Connect.';
    case 'offline':
      return 'Reconnect this computer to the network; the sync starts by itself when it is back online.';
    case 'sync_in_progress':
      return 'Wait for the running sync to finish, or press Cancel.';
    case undefined:
      return 'Press Sync now to try again.';
    default:
      return error?.retryable
        ? 'Press Sync now to try again in a moment. If it keeps happening, tell your administrator the time of this sync.'
        : 'Tell your administrator the time of this sync and the message above; your changes stay queued meanwhile.';
  }
}

/** 10:42 (with seconds when asked), in the computer's locale. */
export function clockTime(iso: string, withSeconds = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
  });
}

/** Nov 25, 10:42:13 CET: the history's start column, with its zone (runs are reported by time). */
export function dateTime(iso: string): string {
  return formatDateTime(iso, { short: true, seconds: true, zone: true });
}

/** "in 45 s", "in 3 min 10 s", "due now". */
export function untilText(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '';
  if (ms <= 500) return 'due now';
  return `in ${formatDuration(Math.ceil(ms / 1000) * 1000)}`;
}

/** How long a finished run took, from its row in the history. */
export function runDuration(startedAt: string, finishedAt: string | null): string {
  if (!finishedAt) return '—';
  return formatDuration(Date.parse(finishedAt) - Date.parse(startedAt));
}
