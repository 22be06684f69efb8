import { describe, expect, it } from 'vitest';
import { SYNC_RUN_OUTCOMES, type SyncProgress } from '../../shared/ipc/contract';
import {
  OUTCOME_LABELS,
  formatBytes,
  formatDuration,
  formatEta,
  formatRate,
  nextStep,
  outcomeLabel,
  outcomeTone,
  percentDone,
  phaseText,
  plural,
  runDuration,
  untilText,
} from '../../renderer/src/sync/format';

const progress = (p: Partial<SyncProgress>): SyncProgress => ({
  runId: 1,
  phase: 'push',
  chunk: 0,
  chunks: 0,
  done: 0,
  total: 0,
  pulled: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  conflicts: 0,
  errors: 0,
  retried: 0,
  bytes: 0,
  opsPerSecond: 0,
  etaSeconds: null,
  elapsedMs: 0,
  ...p,
});

describe('sync panel formatting', () => {
  it('bytes in human units, binary steps, one decimal below 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(-5)).toBe('0 B');
    expect(formatBytes(Number.NaN)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(200 * 1024)).toBe('200 KB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MB');
    expect(formatBytes(3.46 * 1024 * 1024)).toBe('3.5 MB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GB');
    expect(formatBytes(2 * 1024 ** 5)).toBe('2,048 TB');
  });

  it('durations from tenths of a second to hours', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(3)).toBe('< 0.1 s');
    expect(formatDuration(420)).toBe('0.4 s');
    expect(formatDuration(1000)).toBe('1 s');
    expect(formatDuration(9_940)).toBe('9.9 s');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(59_400)).toBe('59 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
    expect(runDuration('2026-01-01T10:00:00.000Z', '2026-01-01T10:00:01.500Z')).toBe('1.5 s');
    expect(runDuration('2026-01-01T10:00:00.000Z', null)).toBe('—');
  });

  it('time left by phase', () => {
    expect(formatEta(null, 'push')).toBe('calculating…');
    expect(formatEta(0, 'push')).toBe('under a second');
    expect(formatEta(12, 'push')).toBe('about 12 s');
    expect(formatEta(130, 'push')).toBe('about 2 min 10 s');
    expect(formatEta(null, 'pull')).toBe('after the download');
    expect(formatEta(5, 'done')).toBe('none');
  });

  it('rates, plurals and time until a retry', () => {
    expect(formatRate(1234.6)).toBe('1,235 ops/s');
    expect(plural(1, 'conflict')).toBe('1 conflict');
    expect(plural(3, 'conflict')).toBe('3 conflicts');
    expect(plural(2, 'retry', 'retries')).toBe('2 retries');
    const now = Date.parse('2026-01-01T10:00:00.000Z');
    expect(untilText('2026-01-01T10:02:00.000Z', now)).toBe('in 2 min 00 s');
    expect(untilText('2026-01-01T10:00:44.200Z', now)).toBe('in 45 s');
    expect(untilText('2026-01-01T09:59:00.000Z', now)).toBe('due now');
  });

  it('percent of the push; unknown while downloading; full when done', () => {
    expect(percentDone({ phase: 'pull', done: 0, total: 0 })).toBeNull();
    expect(percentDone({ phase: 'push', done: 0, total: 0 })).toBe(0);
    expect(percentDone({ phase: 'push', done: 120, total: 300 })).toBe(40);
    expect(percentDone({ phase: 'push', done: 299, total: 300 })).toBe(99);
    expect(percentDone({ phase: 'push', done: 400, total: 300 })).toBe(100);
    expect(percentDone({ phase: 'done', done: 0, total: 0 })).toBe(100);
    expect(percentDone({ phase: 'done', done: 300, total: 300 })).toBe(100);
    expect(percentDone({ phase: 'done', done: 20, total: 100 })).toBe(20);
  });

  it('says what the run is doing', () => {
    expect(phaseText(progress({ phase: 'pull' }))).toBe('Downloading server changes…');
    expect(phaseText(progress({ phase: 'pull', chunk: 3, pulled: 3000 }))).toBe(
      'Downloading server changes · page 3 · 3,000 records received',
    );
    expect(phaseText(progress({ phase: 'push', chunk: 4, chunks: 15 }))).toBe(
      'Sending local changes · chunk 4 of 15',
    );
    expect(phaseText(progress({ phase: 'done' }))).toBe('Finished');
  });

  it('every outcome has words and a tone; a run without one is running', () => {
    for (const o of SYNC_RUN_OUTCOMES) {
      expect(OUTCOME_LABELS[o]).toMatch(/^[A-Z]/);
      expect(outcomeTone(o)).not.toBe('running');
    }
    expect(outcomeLabel('success')).toBe('Succeeded');
    expect(outcomeLabel('partial')).toBe('Finished with conflicts or errors');
    expect(outcomeLabel('auth_error')).toBe('Token refused');
    expect(outcomeLabel('interrupted')).toBe('Interrupted');
    expect(outcomeLabel(null)).toBe('Running');
    expect(outcomeTone('auth_error')).toBe('error');
  });

  it('a next step for every error the engine reports', () => {
    const codes = ['auth', 'forbidden', 'network', 'timeout', 'tls', 'server', 'rate_limited'];
    const steps = codes.map((code) => nextStep({ code, retryable: true }, 'failed'));
    expect(new Set(steps).size).toBe(codes.length - 1); // server and rate_limited share one
    expect(nextStep({ code: 'auth', retryable: false }, 'auth_error')).toMatch(
      /valid sync token.*Connect/,
    );
    expect(nextStep({ code: 'cancelled', retryable: false }, 'cancelled')).toMatch(
      /^Nothing was lost/,
    );
    expect(nextStep(null, 'interrupted')).toMatch(/nothing is sent twice/);
    expect(nextStep({ code: 'strange', retryable: true }, 'failed')).toMatch(/try again/);
    expect(nextStep({ code: 'strange', retryable: false }, 'failed')).toMatch(/administrator/);
  });
});
