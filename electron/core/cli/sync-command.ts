import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppError } from '../../../shared/errors';
import type { SyncProgress, SyncRunOutcome, SyncSummary } from '../../../shared/ipc/contract';
import { ServerUrlSchema } from '../../../shared/server-url';
import { TokenSchema } from '../../../shared/token';
import { startCore } from '../core';
import { assertReadable } from '../db/damage-check';
import { DEFAULT_RETRY_WINDOW_MS, DEFAULT_SYNC_SETTINGS, type SyncSettings } from '../sync/engine';
import {
  EXIT,
  UsageError,
  numberFlag,
  optionalString,
  requiredString,
  type Command,
  type FlagValues,
} from './args';
import { DB_OPTION, dbPathOf, rethrowOpenError } from './database';
import { ProgressReporter, describeError, keyValues, plural, seconds, writeJson } from './output';

const D = DEFAULT_SYNC_SETTINGS;
export const TOKEN_ENV = 'VISITOR_CONSOLE_TOKEN';
const DEFAULT_MAX_WAIT_S = DEFAULT_RETRY_WINDOW_MS / 1000;

const USAGE = `usage: npm run cli -- sync --db <file> --server <url> --token <token> [options]

Pulls the server's changes into the local database, then pushes the outbox in
chunks, like "Sync now" in the app. Operations that fail with a retryable error
are tried again when their backoff falls due, in further runs, as long as that
is within --max-wait; so a sync ends with every operation settled (synced,
conflict or failed) or still waiting to retry after a bounded wait. A page of
the server's changes whose reading fails the same way (cut off, timed out, 5xx,
429) is read again from where it stopped, with the same backoff, within
--max-wait too.

  --db <file>              the console's SQLite database (created if missing)
  --server <url>           the sync server, http:// or https://
  --token <token>          bearer token (or set ${TOKEN_ENV}, which keeps it
                           out of the process list)
  --chunk-size <n>         operations per bulk-sync request (default ${D.chunkSize})
  --page-size <n>          records per change-feed page (default ${D.pageSize})
  --backoff-base-ms <ms>   wait after the first failed attempt (default ${D.backoff.baseMs})
  --backoff-factor <x>     growth of the wait per attempt (default ${D.backoff.factor})
  --max-attempts <n>       attempts before an operation fails for good (default ${D.backoff.maxAttempts})
  --timeout-ms <ms>        per-request timeout (default ${D.requestTimeoutMs})
  --max-wait <seconds>     how long to keep waiting for retries (default ${DEFAULT_MAX_WAIT_S})
  --no-wait                one run only, no waiting; retries are left for the next sync
  --json                   print the summary as JSON on stdout
  -q, --quiet              no progress on stderr
  -h, --help               this text

Progress goes to stderr (one line per step; a single updating line on a
terminal). The summary goes to stdout; with --json it is the SyncSummary of
the app ({ runId, outcome, pulled, created, updated, deleted, conflicts,
errors, retried, pending, retrying, failed, openConflicts, autoResolved,
durationMs, lastError }) totalled over the runs, plus serverUrl and runs (each run's own
SyncSummary). outcome: success, partial, failed, cancelled or auth_error.

Ctrl-C cancels the run cleanly (what went through is kept; what was in flight
goes again, safely, next time); a second Ctrl-C quits at once.

Exit codes: 0 every operation went through (nothing left to retry);
1 the sync finished with conflicts, failed operations, operations still
waiting to retry, or another server error; 2 usage error, database cannot be
opened, server unreachable or token refused; 130 interrupted (Ctrl-C).`;

export interface CliSyncSummary extends SyncSummary {
  serverUrl: string;
  runs: SyncSummary[];
}

function appVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('../../../package.json') as { version?: string };
    return `${pkg.version ?? '0.0.0'}-cli`;
  } catch {
    return 'cli';
  }
}

export function settingsFrom(values: FlagValues, usage = USAGE): SyncSettings {
  const int = (name: string, fallback: number, min: number, max: number) =>
    numberFlag(values, name, usage, { fallback, min, max, integer: true });
  return {
    ...D,
    chunkSize: int('chunk-size', D.chunkSize, 1, 10_000),
    pageSize: int('page-size', D.pageSize, 1, 10_000),
    requestTimeoutMs: int('timeout-ms', D.requestTimeoutMs, 100, 3_600_000),
    backoff: {
      ...D.backoff,
      baseMs: int('backoff-base-ms', D.backoff.baseMs, 0, 3_600_000),
      factor: numberFlag(values, 'backoff-factor', usage, {
        fallback: D.backoff.factor,
        min: 1,
        max: 100,
      }),
      maxAttempts: int('max-attempts', D.backoff.maxAttempts, 1, 1_000),
    },
    autoSyncIntervalMs: 0,
  };
}

const CONNECTION_CODES = new Set(['network', 'timeout', 'tls']);
const isConnectionError = (e: AppError | null) => e !== null && CONNECTION_CODES.has(e.code);

const attempted = (s: SyncSummary) =>
  s.created + s.updated + s.deleted + s.conflicts + s.errors + s.retried;

const FIRST_BLIP_PAUSE_MS = 500;
const MAX_BLIP_PAUSE_MS = 10_000;

/**
 * A run that could not reach a server which did answer an earlier run of this
 * sync: a restart or a blip, worth waiting out. A server unreachable from the
 * first run on is a wrong address or a server that is down: said at once (exit 2).
 */
export function serverBlip(last: SyncSummary, runs: readonly SyncSummary[]): boolean {
  if (last.outcome !== 'failed' || attempted(last) > 0 || !last.lastError?.retryable) return false;
  return runs.some((r) => r !== last && (r.outcome !== 'failed' || r.pulled + attempted(r) > 0));
}

/** Whether another run can still settle something: operations wait to retry and the server is there. */
function worthAnotherRun(s: SyncSummary): boolean {
  if (s.outcome === 'auth_error' || s.outcome === 'cancelled') return false;
  if (s.retrying === 0) return false;
  // Unreachable before anything went out: another run would only find it unreachable again.
  return !(s.outcome === 'failed' && attempted(s) === 0);
}

/** The runs of one CLI sync as one summary: totals, the final state, one outcome. */
export function combineRuns(
  runs: readonly SyncSummary[],
  serverUrl: string,
  durationMs: number,
  interrupted: boolean,
): CliSyncSummary {
  const last = runs.at(-1)!;
  const sum = (
    k:
      | 'pulled'
      | 'created'
      | 'updated'
      | 'deleted'
      | 'conflicts'
      | 'errors'
      | 'retried'
      | 'autoResolved',
  ) => runs.reduce((n, r) => n + r[k], 0);
  const totals = {
    pulled: sum('pulled'),
    created: sum('created'),
    updated: sum('updated'),
    deleted: sum('deleted'),
    conflicts: sum('conflicts'),
    errors: sum('errors'),
    retried: sum('retried'),
    autoResolved: sum('autoResolved'),
  };
  let outcome: SyncRunOutcome;
  if (interrupted || last.outcome === 'cancelled') outcome = 'cancelled';
  else if (runs.length === 1 || last.outcome !== 'success') outcome = last.outcome;
  else
    outcome =
      totals.conflicts === 0 && totals.errors === 0 && last.retrying === 0 ? 'success' : 'partial';
  return {
    ...last,
    ...totals,
    outcome,
    durationMs,
    serverUrl,
    runs: [...runs],
  };
}

export function exitCodeOf(s: SyncSummary): number {
  if (s.outcome === 'cancelled') return EXIT.interrupted;
  if (s.outcome === 'auth_error') return EXIT.error;
  if (s.outcome === 'failed' && isConnectionError(s.lastError)) return EXIT.error;
  return s.outcome === 'success' && s.retrying === 0 ? EXIT.ok : EXIT.problems;
}

export const syncCommand: Command = {
  name: 'sync',
  summary: 'pull the server changes and push the outbox, waiting for retries',
  usage: USAGE,
  options: {
    ...DB_OPTION,
    server: { type: 'string' },
    token: { type: 'string' },
    'chunk-size': { type: 'string' },
    'page-size': { type: 'string' },
    'backoff-base-ms': { type: 'string' },
    'backoff-factor': { type: 'string' },
    'max-attempts': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'max-wait': { type: 'string' },
    'no-wait': { type: 'boolean' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const dbPath = dbPathOf(values, USAGE);
    const url = ServerUrlSchema.safeParse(requiredString(values, 'server', USAGE));
    if (!url.success)
      throw new UsageError(
        `--server ${url.error.issues[0]?.message ?? 'is not an address'}`,
        USAGE,
      );
    const serverUrl = url.data;
    const token = optionalString(values, 'token') ?? io.env[TOKEN_ENV];
    if (!token?.trim()) throw new UsageError(`--token is required (or set ${TOKEN_ENV})`, USAGE);
    const tokenCheck = TokenSchema.safeParse(token);
    if (!tokenCheck.success)
      throw new UsageError(`the token ${tokenCheck.error.issues[0]!.message}`, USAGE);
    const settings = settingsFrom(values);
    const maxWaitMs =
      numberFlag(values, 'max-wait', USAGE, { fallback: DEFAULT_MAX_WAIT_S, min: 0, max: 86_400 }) *
      1000;
    const wait = !values['no-wait'];

    // A damaged page is otherwise met halfway through a run (or not at all, and
    // the mirror stays wrong): the file is checked whole before anything is sent.
    if (existsSync(dbPath)) assertReadable(dbPath);
    const progress = new ProgressReporter(io, !values.quiet);
    const core = rethrowOpenError(() =>
      startCore({
        dbPath,
        appVersion: appVersion(),
        settings: () => settings,
        events: {
          emit(event, payload) {
            if (event === 'sync:progress') progress.progress(payload as SyncProgress);
          },
        },
      }),
    );

    const startedAt = Date.now();
    const deadline = startedAt + maxWaitMs;
    const runs: SyncSummary[] = [];
    let blipPause = FIRST_BLIP_PAUSE_MS;
    const stopWaiting = new AbortController();
    let interrupted = false;
    const off = io.onInterrupt(() => {
      if (interrupted) {
        io.err('\nInterrupted again: quitting now.\n');
        io.forceExit(EXIT.interrupted);
        return;
      }
      interrupted = true;
      progress.note('Cancelling the sync… (Ctrl-C again to quit at once)');
      core.sync.cancel();
      stopWaiting.abort();
    });
    try {
      core.sync.configure({ serverUrl, token: token.trim() });
      for (;;) {
        const summary = await core.sync.sync(runs.length === 0 ? 'cli' : 'cli-retry', {
          // A page read that failed is retried within the run only while --max-wait lasts.
          retryUntil: wait ? deadline : Date.now(),
        });
        runs.push(summary);
        if (interrupted || !wait) break;
        if (serverBlip(summary, runs)) {
          // The server answered earlier in this sync and is gone for a moment (a
          // restart, a proxy): keep trying, within --max-wait, as the help says.
          if (Date.now() + blipPause > deadline) {
            progress.note(
              `The server still does not answer; giving up after --max-wait ${maxWaitMs / 1000} s.`,
            );
            break;
          }
          progress.note(
            `The server did not answer (${summary.lastError!.message}); trying again in ${seconds(blipPause)}.`,
          );
          try {
            await sleep(blipPause, undefined, { signal: stopWaiting.signal });
          } catch {
            break; // Ctrl-C while waiting
          }
          blipPause = Math.min(blipPause * 2, MAX_BLIP_PAUSE_MS);
          continue;
        }
        blipPause = FIRST_BLIP_PAUSE_MS;
        if (!worthAnotherRun(summary)) break;
        const next = core.sync.status().nextRetryAt;
        if (!next) break;
        const due = Math.max(0, Date.parse(next) - Date.now());
        // Backoff is jittered (±20 %): a little longer lets more of them go in one run.
        const delay = due + Math.min(500, Math.round(due / 4));
        if (Date.now() + due > deadline) {
          progress.note(
            `${plural(summary.retrying, 'operation')} still waiting to retry (next attempt at ${next}, after --max-wait ${maxWaitMs / 1000} s).`,
          );
          break;
        }
        progress.note(
          `Run ${runs.length} finished (${summary.outcome}); ${plural(summary.retrying, 'operation')} to retry, next run in ${seconds(delay)}.`,
        );
        try {
          const patience = Math.max(due, deadline - Date.now());
          await sleep(Math.min(delay, patience), undefined, { signal: stopWaiting.signal });
        } catch {
          break; // Ctrl-C while waiting
        }
      }
    } finally {
      off();
      progress.endLine();
      core.close();
    }

    const summary = combineRuns(runs, serverUrl, Date.now() - startedAt, interrupted);
    const code = exitCodeOf(summary);
    if (values.json) writeJson(io, summary);
    else io.out(describe(summary, dbPath));
    if (code === EXIT.error && summary.lastError)
      io.err(`error: ${describeError(summary.lastError)}\n`);
    return code;
  },
};

function describe(s: CliSyncSummary, dbPath: string): string {
  const runs = s.runs.length > 1 ? `, ${s.runs.length} runs` : '';
  const lines = [`Sync with ${s.serverUrl}: ${s.outcome} (${seconds(s.durationMs)}${runs})`];
  const outbox = `${s.pending} pending, ${s.retrying} retrying, ${s.failed} failed; ${s.openConflicts} open conflicts`;
  if (s.pulled + attempted(s) === 0 && s.lastError) {
    // Stopped before anything happened (unreachable, token refused): just why, and what waits.
    lines.push(
      keyValues(
        [
          ['nothing', 'was pulled or sent'],
          ['outbox now', outbox],
          ['last error', describeError(s.lastError)],
        ],
        '  ',
      ).trimEnd(),
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    keyValues(
      [
        ['pulled', plural(s.pulled, 'record')],
        ['pushed', `${s.created} created, ${s.updated} updated, ${s.deleted} deleted`],
        [
          'conflicts',
          s.autoResolved
            ? `${s.conflicts} (${s.autoResolved} resolved by automatic rules)`
            : String(s.conflicts),
        ],
        ['failed', String(s.errors)],
        ['retried', String(s.retried)],
        ['outbox now', outbox],
        ...(s.lastError ? [['last error', describeError(s.lastError)] as const] : []),
      ],
      '  ',
    ).trimEnd(),
  );
  const db = JSON.stringify(dbPath);
  if (s.openConflicts > 0) lines.push(`To see the conflicts: npm run cli -- conflicts --db ${db}`);
  if (s.failed > 0) lines.push(`To see the failed operations: npm run cli -- failed --db ${db}`);
  if (s.retrying > 0 && s.outcome !== 'cancelled')
    lines.push(`${plural(s.retrying, 'operation')} will be retried by the next sync.`);
  return `${lines.join('\n')}\n`;
}
