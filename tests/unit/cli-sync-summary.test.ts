import { describe, expect, it } from 'vitest';
import type { SyncProgress, SyncSummary } from '../../shared/ipc/contract';
import { UsageError, numberFlag } from '../../electron/core/cli/args';
import { ProgressReporter, describeProgress, type Io } from '../../electron/core/cli/output';
import { combineRuns, exitCodeOf, settingsFrom } from '../../electron/core/cli/sync-command';
import { DEFAULT_SYNC_SETTINGS } from '../../electron/core/sync/engine';

const run = (over: Partial<SyncSummary> = {}): SyncSummary => ({
  runId: 1,
  outcome: 'success',
  pulled: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  conflicts: 0,
  errors: 0,
  retried: 0,
  pending: 0,
  retrying: 0,
  failed: 0,
  autoResolved: 0,
  openConflicts: 0,
  durationMs: 10,
  lastError: null,
  ...over,
});

const network = { code: 'network', message: 'Nothing answers', retryable: true };
const server503 = { code: 'server', message: 'HTTP 503', retryable: true };

describe('cli sync: one summary and one exit code for the runs', () => {
  it('totals the counts, keeps the final state of the last run', () => {
    const s = combineRuns(
      [
        run({ runId: 1, outcome: 'partial', pulled: 5, created: 3, retried: 2, retrying: 2 }),
        run({ runId: 2, outcome: 'success', pulled: 3, created: 2, openConflicts: 4 }),
      ],
      'http://x',
      1234,
      false,
    );
    expect(s).toMatchObject({
      runId: 2,
      outcome: 'success',
      pulled: 8,
      created: 5,
      retried: 2,
      retrying: 0,
      openConflicts: 4,
      durationMs: 1234,
      serverUrl: 'http://x',
    });
    expect(s.runs).toHaveLength(2);
    expect(exitCodeOf(s)).toBe(0);
  });

  it('is partial when a conflict or a failure happened in any run, even if the last was clean', () => {
    const s = combineRuns(
      [run({ outcome: 'partial', conflicts: 1, retrying: 1, retried: 1 }), run()],
      'u',
      1,
      false,
    );
    expect(s.outcome).toBe('partial');
    expect(exitCodeOf(s)).toBe(1);
  });

  it('keeps a single run’s own outcome', () => {
    expect(combineRuns([run({ outcome: 'partial', errors: 1 })], 'u', 1, false).outcome).toBe(
      'partial',
    );
  });

  it('is cancelled when interrupted, whatever the last run said', () => {
    const s = combineRuns([run()], 'u', 1, true);
    expect(s.outcome).toBe('cancelled');
    expect(exitCodeOf(s)).toBe(130);
  });

  it('exit codes: 0 all through, 1 problems or still retrying, 2 unreachable or token refused', () => {
    expect(exitCodeOf(run())).toBe(0);
    expect(exitCodeOf(run({ retrying: 3 }))).toBe(1);
    expect(exitCodeOf(run({ outcome: 'partial', conflicts: 2 }))).toBe(1);
    expect(exitCodeOf(run({ outcome: 'partial', failed: 1, errors: 1 }))).toBe(1);
    expect(exitCodeOf(run({ outcome: 'failed', retried: 4, lastError: server503 }))).toBe(1);
    expect(exitCodeOf(run({ outcome: 'failed', lastError: network }))).toBe(2);
    expect(
      exitCodeOf(run({ outcome: 'auth_error', lastError: { ...network, code: 'auth' } })),
    ).toBe(2);
  });
});

describe('cli sync: settings from flags', () => {
  it('defaults to DEFAULT_SYNC_SETTINGS, never syncs in the background', () => {
    expect(settingsFrom({})).toEqual({ ...DEFAULT_SYNC_SETTINGS, autoSyncIntervalMs: 0 });
  });

  it('takes each flag', () => {
    const s = settingsFrom({
      'chunk-size': '50',
      'page-size': '100',
      'backoff-base-ms': '20',
      'backoff-factor': '1.5',
      'max-attempts': '3',
      'timeout-ms': '5000',
    });
    expect(s).toMatchObject({
      chunkSize: 50,
      pageSize: 100,
      requestTimeoutMs: 5000,
      backoff: {
        baseMs: 20,
        factor: 1.5,
        maxAttempts: 3,
        jitter: DEFAULT_SYNC_SETTINGS.backoff.jitter,
      },
    });
  });

  it('refuses what is not a number in range, naming the flag', () => {
    const bad: [string, string, RegExp][] = [
      ['chunk-size', '0', /--chunk-size must be between 1 and 10000, got 0/],
      ['chunk-size', '2.5', /--chunk-size must be a whole number, got "2.5"/],
      ['chunk-size', '12abc', /must be a whole number/],
      ['chunk-size', '', /must be a whole number/],
      ['backoff-factor', '0.5', /--backoff-factor must be between 1 and 100/],
      ['backoff-factor', 'Infinity', /--backoff-factor must be a number/],
      ['max-attempts', '-1', /between 1 and 1000/],
    ];
    for (const [flag, value, message] of bad) {
      expect(() => settingsFrom({ [flag]: value }), `${flag}=${value}`).toThrow(UsageError);
      expect(() => settingsFrom({ [flag]: value }), `${flag}=${value}`).toThrow(message);
    }
    expect(numberFlag({ x: ' 1e3 ' }, 'x', 'u', { fallback: 0, min: 0, max: 5000 })).toBe(1000);
  });
});

const progress = (over: Partial<SyncProgress> = {}): SyncProgress => ({
  runId: 1,
  phase: 'push',
  chunk: 3,
  chunks: 10,
  done: 100,
  total: 500,
  pulled: 0,
  created: 90,
  updated: 0,
  deleted: 0,
  conflicts: 1,
  errors: 0,
  retried: 9,
  bytes: 0,
  opsPerSecond: 250,
  etaSeconds: 2,
  elapsedMs: 400,
  ...over,
});

function fakeIo(isTTY: boolean): Io & { text: () => string } {
  let text = '';
  return {
    out: () => undefined,
    err: (t) => void (text += t),
    errIsTTY: isTTY,
    errColumns: 60,
    env: {},
    onInterrupt: () => () => undefined,
    forceExit: () => undefined,
    text: () => text,
  };
}

describe('cli sync: progress on stderr', () => {
  it('says where the push is, leaving out counts still at 0', () => {
    expect(describeProgress(progress())).toBe(
      'push: chunk 3/10, 100/500 ops (90 created, 1 conflict, 9 to retry), 250 ops/s, ~2 s left',
    );
    expect(describeProgress(progress({ phase: 'pull', pulled: 5000, chunk: 1 }))).toBe(
      'pull: 5000 records received (page 1)',
    );
  });

  it('not a terminal: one line per new step, repeats dropped', () => {
    const io = fakeIo(false);
    const p = new ProgressReporter(io, true);
    p.progress(progress());
    p.progress(progress({ elapsedMs: 700 }));
    p.progress(progress({ chunk: 4, done: 150 }));
    p.progress(progress({ phase: 'done' }));
    expect(io.text().split('\n')).toHaveLength(3);
  });

  it('a terminal: one line redrawn in place, cut to the width, ended before a note', () => {
    const io = fakeIo(true);
    let now = 0;
    const p = new ProgressReporter(io, true, () => now);
    p.progress(progress());
    now = 50;
    p.progress(progress({ chunk: 4 })); // within 100 ms: skipped
    now = 200;
    p.progress(progress({ chunk: 5 }));
    p.note('Run 1 finished');
    const text = io.text();
    const redraw = '\r\u001b[2K';
    expect(text.split(redraw)).toHaveLength(3);
    expect(text).toContain('chunk 5/10');
    expect(text).not.toContain('chunk 4/10');
    expect(text.endsWith('\nRun 1 finished\n')).toBe(true);
    for (const line of text.split(redraw).flatMap((part) => part.split('\n')))
      expect(line.length).toBeLessThanOrEqual(59);
  });

  it('--quiet: nothing', () => {
    const io = fakeIo(false);
    new ProgressReporter(io, false).progress(progress());
    expect(io.text()).toBe('');
  });
});
