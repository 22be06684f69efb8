import { AppErrorException, appError, type AppError } from '../../../shared/errors';
import type { SyncRunOutcome, SyncStatus, SyncSummary } from '../../../shared/ipc/contract';
import type { BulkSyncResponse, Operation } from '../../../shared/protocol';
import type { Clock } from '../clock';
import type { ConflictsRepo } from '../conflicts/conflicts-repo';
import type { Db } from '../db/open';
import type { EventSink } from '../events';
import type { AttemptsRepo } from '../outbox/attempts-repo';
import type { OutboxRepo, SendableOp } from '../outbox/outbox-repo';
import type { Repos } from '../repos';
import type { VisitorsRepo } from '../visitors/visitors-repo';
import { DEFAULT_BACKOFF, retryHorizonMs, type BackoffSettings } from './backoff';
import { chunk, halve } from './chunker';
import { applyChangePage } from './mirror';
import { Progress } from './progress';
import type { RunsRepo } from './runs-repo';
import { CREATE_FAILED, CREATE_REMOVED } from '../outbox/orphan-errors';
import { ServerApi, type ApiFailure, type ApiResult, type PreparedPush } from './server-api';
import { adoptsPulledCopy, resultsMatch, retryOrFail, settleResults } from './settle';
import type { SyncStateRepo } from './sync-state-repo';
import { relaxed, relaxedAcrossTurns } from '../db/durability';
import { journalsInMemory } from '../db/memory-journals';
import type { WriteGate } from '../db/write-gate';
import { heldElsewhere, readLease } from './lease';
import { PoisonSplitter } from './poison-split';
import { unexpectedError } from '../db/storage-error';
import { setTimeout as sleep } from 'node:timers/promises';
import { pageRetryDelayMs } from './page-retry';

export interface SyncConnection {
  serverUrl: string;
  token: string;
}

/** What the shell (settings) or the CLI decides; the core takes it as a plain object. */
export interface SyncSettings {
  /** Operations per bulk-sync request: 500 measured best (docs/measured-facts.md, `npm run bench`). */
  chunkSize: number;
  /** Records per change-feed page. */
  pageSize: number;
  backoff: BackoffSettings;
  requestTimeoutMs: number;
  /** Background syncs while the app is open; 0 = off. */
  autoSyncIntervalMs: number;
  /** Gzip pushes as for a remote server even at a loopback address (a local tunnel; tests). */
  offHost?: boolean;
}

/** What the caller decides for one run. */
export interface SyncRunOptions {
  /**
   * The latest moment (wall-clock ms) at which this run may still start a
   * retry of a change page that failed retryably; the CLI passes the end of
   * its --max-wait. Default: DEFAULT_RETRY_WINDOW_MS after the run starts.
   */
  retryUntil?: number;
}

/** How long a run may keep retrying a failed page read unless told otherwise (the CLI's --max-wait default). */
export const DEFAULT_RETRY_WINDOW_MS = 120_000;

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  chunkSize: 500,
  pageSize: 5_000,
  backoff: DEFAULT_BACKOFF,
  requestTimeoutMs: 30_000,
  autoSyncIntervalMs: 0,
};

export interface SyncEngineDeps {
  db: Db;
  /** The core's table modules (built once per core). */
  repos: Repos;
  /** The core's write gate: a window's write waits while a pulled page is written across turns. */
  gate?: WriteGate;
  clock: Clock;
  events: EventSink;
  settings?: () => SyncSettings;
  random?: () => number;
  /**
   * After the push, when it found conflicts: replays the saved rules over
   * those newer than `sinceId`; returns how many automatic rules resolved.
   */
  afterConflicts?: (sinceId: number) => Promise<number>;
  /** Where a failure that does not end the run is said (the core's log). */
  warn?: (message: string, err: unknown) => void;
}

const PROGRESS_EVERY_MS = 250;
/** The run's lease is renewed every 20 beats (5 s), well inside its two-minute life (lease.ts). */
const LEASE_EVERY_TICKS = 20;
/**
 * How long writing a pulled page may hold the core's thread at a time: a
 * window's read waits at most about this long during a first mirror.
 */
const PAGE_SLICE_MS = 40;
/** WAL pages between automatic checkpoints while a run writes (SQLite's default: 1 000). */
const RUN_WAL_PAGES = 16_000;

const INTERRUPTED = appError(
  'interrupted',
  'The console stopped while this operation was on its way to the server, so whether the server received it is unknown. It goes again with the same id (the server applies it at most once).',
  true,
);

/** A chunk's operations claimed (in flight, attempt counted), not yet on the wire. */
interface ClaimedChunk {
  ops: SendableOp[];
  label: string;
  push: PreparedPush;
}

/** A chunk on the wire: its claimed operations and the reply to come. */
interface SentChunk {
  ops: SendableOp[];
  label: string;
  res: Promise<ApiResult<BulkSyncResponse>>;
}

/** A chunk whose reply is in; `clean` when it answers each operation in order. */
interface RepliedChunk {
  ops: SendableOp[];
  label: string;
  res: ApiResult<BulkSyncResponse>;
  clean: boolean;
}

/** Ends a run early with an outcome; what was settled stays settled. */
class StopRun extends Error {
  constructor(
    readonly outcome: SyncRunOutcome,
    readonly error: AppError,
  ) {
    super(error.message);
  }
}

/**
 * The sync engine: pulls the change feed into the mirror, then pushes the
 * outbox in chunks. Every state change of an operation is written in the same
 * transaction as the data it concerns, so killing the process at any instant
 * loses nothing and duplicates nothing: what was in flight is sent again with
 * the same opId, and the server answers a replay with its first result.
 */
export class SyncEngine {
  private readonly visitors: VisitorsRepo;
  private readonly outbox: OutboxRepo;
  private readonly conflicts: ConflictsRepo;
  private readonly attempts: AttemptsRepo;
  private readonly runs: RunsRepo;
  private readonly state: SyncStateRepo;
  private connection: SyncConnection | null = null;
  private online = true;
  private current: { abort: AbortController; progress: Progress } | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private intervalTimer: NodeJS.Timeout | null = null;
  private background = false;
  private splitter = new PoisonSplitter();
  /**
   * The outbox changed since its counts were last announced. During a run they
   * go out with the progress ticks, not after every chunk: counting after every
   * chunk was 4 % of a push's own time (profiled), and each announcement makes
   * the open screens read again. The run's end announces them in any case.
   */
  private outboxChanged = false;

  constructor(private readonly deps: SyncEngineDeps) {
    ({
      visitors: this.visitors,
      outbox: this.outbox,
      conflicts: this.conflicts,
      attempts: this.attempts,
      runs: this.runs,
      state: this.state,
    } = deps.repos);
    this.recoverIfOrphaned();
  }

  /**
   * A run no live process is finishing (the last one died): mark it interrupted
   * and send its in-flight operations again. Left alone while another process
   * (the app, or the CLI) is syncing this file.
   */
  private recoverIfOrphaned(): boolean {
    return this.deps.db
      .transaction(() => {
        if (heldElsewhere(readLease(this.state), Date.now())) return false;
        const at = this.nowIso();
        this.runs.markInterrupted(at);
        // Each was handed to the network and no answer was stored: an attempt with
        // no reply, so nothing treats it as never sent (the queue will not edit it).
        for (const opId of this.outbox.recoverInFlight(at))
          this.attempts.record({
            opId,
            runId: null,
            chunk: null,
            at,
            outcome: 'retry',
            httpStatus: null,
            error: INTERRUPTED,
          });
        return true;
      })
      .immediate();
  }

  /** Takes the lease for this process (recovering what a dead holder left), or says who holds it. */
  private acquireLease(): void {
    const taken = this.deps.db
      .transaction(() => {
        if (!this.recoverIfOrphaned()) return false;
        this.renewLease();
        return true;
      })
      .immediate();
    if (!taken) {
      throw new AppErrorException(
        appError(
          'sync_in_progress',
          'Another console window or the command-line tool is syncing this database; wait for it to finish.',
          true,
        ),
      );
    }
  }

  private renewLease(): void {
    this.state.set('runLease', JSON.stringify({ pid: process.pid, at: Date.now() }));
  }

  private releaseLease(): void {
    if (readLease(this.state)?.pid === process.pid) this.state.set('runLease', null);
  }

  private get settings(): SyncSettings {
    return this.deps.settings?.() ?? DEFAULT_SYNC_SETTINGS;
  }

  /** Due times beyond this were set by a clock that ran fast (backoff.ts): due now. */
  private retryHorizon(): string {
    const now = this.deps.clock.now().getTime();
    return new Date(now + retryHorizonMs(this.settings.backoff)).toISOString();
  }

  private nowIso(): string {
    return this.deps.clock.now().toISOString();
  }

  configure(connection: SyncConnection | null): SyncStatus {
    this.connection = connection;
    this.scheduleBackground();
    return this.status();
  }

  /** The server and token of this session, for calls outside a run (the queue's GET /api/me). */
  get currentConnection(): SyncConnection | null {
    return this.connection;
  }

  status(): SyncStatus {
    const last = this.runs.recent(1)[0] ?? null;
    return {
      configured: this.connection !== null,
      serverUrl: this.connection?.serverUrl ?? null,
      online: this.online,
      running: this.current !== null,
      progress: this.current?.progress.snapshot() ?? null,
      lastRun: last,
      nextRetryAt: this.outbox.nextRetryAt(this.nowIso(), this.retryHorizon()),
    };
  }

  history(limit: number) {
    return this.runs.recent(limit);
  }

  cancel(): boolean {
    if (!this.current) return false;
    this.current.abort.abort();
    return true;
  }

  /** Fed by the shell's online/offline signals: offline pauses, online resumes. */
  setOnline(online: boolean): void {
    const was = this.online;
    this.online = online;
    if (!online) this.cancel();
    this.emitStatus();
    if (online && !was && this.connection) void this.sync('online').catch(() => undefined);
  }

  /** Background syncs on an interval, and a run when the next retry falls due. */
  startBackground(): void {
    this.background = true;
    this.scheduleBackground();
  }

  stopBackground(): void {
    this.background = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.retryTimer = this.intervalTimer = null;
  }

  private scheduleBackground(retries = true): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.retryTimer = this.intervalTimer = null;
    if (!this.background || !this.connection) return;
    const every = this.settings.autoSyncIntervalMs;
    if (every > 0) {
      this.intervalTimer = setInterval(
        () => void this.sync('interval').catch(() => undefined),
        every,
      );
      this.intervalTimer.unref?.();
    }
    const next = retries ? this.outbox.nextRetryAt(this.nowIso(), this.retryHorizon()) : null;
    if (next) {
      const wait = Math.max(0, Date.parse(next) - this.deps.clock.now().getTime());
      this.retryTimer = setTimeout(
        () => void this.sync('retry').catch(() => undefined),
        Math.min(wait, 2 ** 31 - 1),
      );
      this.retryTimer.unref?.();
    }
  }

  /** One run. Refuses while another runs, when offline, or with no server configured. */
  async sync(trigger = 'manual', options: SyncRunOptions = {}): Promise<SyncSummary> {
    if (this.current)
      throw new AppErrorException(
        appError(
          'sync_in_progress',
          'A sync is already running; wait for it to finish or cancel it.',
          true,
        ),
      );
    if (!this.connection)
      throw new AppErrorException(
        appError(
          'not_configured',
          'No sync server is set up yet. Enter the server address and token first.',
        ),
      );
    if (!this.online)
      throw new AppErrorException(
        appError(
          'offline',
          'The computer is offline; the sync starts by itself when it is back online.',
          true,
        ),
      );
    this.acquireLease();
    const retryUntil = options.retryUntil ?? Date.now() + DEFAULT_RETRY_WINDOW_MS;
    const startedAt = this.deps.clock.now();
    const runId = this.runs.start(trigger, startedAt.toISOString());
    const progress = new Progress(runId, startedAt.getTime(), () =>
      this.deps.clock.now().getTime(),
    );
    const abort = new AbortController();
    this.current = { abort, progress };
    const api = new ServerApi({
      serverUrl: this.connection.serverUrl,
      token: this.connection.token,
      clientId: this.state.clientId(),
      timeoutMs: this.settings.requestTimeoutMs,
      offHost: this.settings.offHost === true,
    });
    let ticks = 0;
    this.tickFailing.clear();
    const ticker = setInterval(() => this.tick(++ticks), PROGRESS_EVERY_MS);
    this.emitStatus();
    let outcome: SyncRunOutcome = 'success';
    let lastError: AppError | null = null;
    let autoResolved = 0;
    const conflictsBefore = this.conflicts.maxId();
    // A run commits a transaction per page and per chunk; at SQLite's default
    // the WAL is copied back into the file (and synced) every 1 000 pages,
    // which profiled at up to half of a push's commits. During a run it is
    // copied every 16 000 pages (64 MB), so a page written by several
    // chunks is copied once; afterwards the default comes back.
    const walPages = this.deps.db.pragma('wal_autocheckpoint', { simple: true }) as number;
    this.deps.db.pragma(`wal_autocheckpoint = ${Math.max(walPages, RUN_WAL_PAGES)}`);
    // Statement journals in memory for the run (memory-journals.ts): a push's
    // claims and settles wrote as much to the temporary file as to the WAL
    // (330 MB for 50 000 operations, profiled), and a first mirror wrote it once
    // per pulled record.
    const restoreJournals = journalsInMemory(this.deps.db);
    try {
      await this.pull(api, progress, abort.signal, retryUntil);
      lastError = await this.push(api, progress, abort.signal);
      // The rules' own failure (e.g. a bulk apply refused) leaves the conflicts open, said in words.
      if (progress.conflicts && this.deps.afterConflicts)
        autoResolved = await this.deps.afterConflicts(conflictsBefore).catch((err: unknown) => {
          lastError =
            err instanceof AppErrorException
              ? err.error
              : appError(
                  'auto_rules_failed',
                  'The automatic rules could not run; the conflicts stay open.',
                );
          return 0;
        });
      const settled = progress.created + progress.updated + progress.deleted;
      if (lastError && settled + progress.pulled === 0 && progress.conflicts === 0)
        outcome = 'failed';
      else if (lastError || progress.conflicts || progress.errors || progress.retried)
        outcome = 'partial';
    } catch (err) {
      if (err instanceof StopRun) {
        outcome = err.outcome;
        lastError = err.error;
      } else {
        // Not a way a run is meant to end (a full disk, a bug): it is a failed run,
        // with the reason, and the mirror's last-sync time stays where it was.
        outcome = 'failed';
        lastError = unexpectedError(err);
      }
    } finally {
      // A run that ends while a chunk is on the wire (an unexpected error while
      // the one before settled) cuts it: its operations stay in flight and go
      // again, same opId, as after a crash.
      abort.abort();
      this.deps.db.pragma(`wal_autocheckpoint = ${walPages}`);
      restoreJournals();
      clearInterval(ticker);
      progress.phase = 'done';
      // The run's end is written in one transaction; if even that cannot be written
      // (the disk is full), the engine still lets go of the run, so the next sync is
      // not refused as "already running". The unfinished row is marked interrupted then.
      const endError = this.endRun(runId, outcome, progress, lastError);
      this.current = null;
      if (endError) {
        outcome = 'failed';
        lastError = endError;
      }
      this.afterRun(progress, outcome);
    }
    const counts = this.outbox.counts();
    return {
      runId,
      outcome,
      pulled: progress.pulled,
      created: progress.created,
      updated: progress.updated,
      deleted: progress.deleted,
      conflicts: progress.conflicts,
      errors: progress.errors,
      retried: progress.retried,
      pending: counts.pending,
      retrying: counts.retrying,
      failed: counts.failed,
      openConflicts: this.conflicts.openCount(),
      autoResolved,
      durationMs: this.deps.clock.now().getTime() - startedAt.getTime(),
      lastError,
    };
  }

  /** Records the run's end and, after a good run, the last-sync time; an error value if it cannot. */
  private endRun(
    runId: number,
    outcome: SyncRunOutcome,
    progress: Progress,
    lastError: AppError | null,
  ): AppError | null {
    const finishedAt = this.nowIso();
    try {
      this.deps.db.transaction(() => {
        this.runs.finish(runId, finishedAt, outcome, { ...progress }, lastError);
        if (outcome === 'success' || outcome === 'partial')
          this.state.set('lastSyncAt', finishedAt);
      })();
    } catch (err) {
      const error = unexpectedError(err);
      try {
        this.runs.finish(runId, finishedAt, 'failed', { ...progress }, error);
      } catch {
        // Not even that fits: the row stays unfinished and is marked interrupted later.
      }
      return error;
    } finally {
      try {
        this.releaseLease();
      } catch {
        // A lease this process cannot clear is taken back by it on its next run.
      }
    }
    return null;
  }

  /** Tells the window and the scheduler that the run is over; never throws. */
  private afterRun(progress: Progress, outcome: SyncRunOutcome): void {
    try {
      this.emitProgress(progress);
      this.deps.events.emit('visitors:changed', {});
      this.outboxChanged = false;
      this.deps.events.emit('outbox:changed', this.outbox.counts());
      if (progress.conflicts)
        this.deps.events.emit('conflicts:changed', { open: this.conflicts.openCount() });
      this.emitStatus();
      // The run's end, announced by the engine itself (log, OS notification, the window).
      const ended = this.runs.recent(1)[0];
      if (ended) this.deps.events.emit('sync:runEnded', ended);
    } finally {
      // After a cancel the person decides when to go on; the interval and the next
      // retry after a later run still apply.
      this.scheduleBackground(outcome !== 'cancelled');
    }
  }

  /**
   * The change feed into the mirror, a transaction per page. A page read that
   * fails retryably (a cut reply, a timeout, a 5xx, a 429) is read again from
   * the same cursor after the push's backoff, within the run's limit
   * (page-retry.ts); anything else stops the run with the error's words.
   */
  private async pull(
    api: ServerApi,
    progress: Progress,
    signal: AbortSignal,
    retryUntil: number,
  ): Promise<void> {
    const repos = {
      visitors: this.visitors,
      state: this.state,
      conflicts: this.conflicts,
      searchIndex: this.deps.repos.searchIndex,
    };
    const writing = {
      transaction: <T>(work: () => Promise<T>) =>
        relaxedAcrossTurns(this.deps.db, this.deps.gate ?? null, 'the sync', work),
      yieldTurn: nextTurn,
      sliceMs: PAGE_SLICE_MS,
    };
    // The cursor of the page in the air: every page before it is written.
    let asked = this.state.get('cursor') ?? this.state.get('lastSyncTimestamp');
    let next = api.changes(asked, this.settings.pageSize, signal);
    let failures = 0;
    let reached = false;
    for (;;) {
      const res = await next;
      if (!res.ok) {
        this.stopIfFatal(res.error);
        failures++;
        reached ||= !res.error.unreached;
        const wait = pageRetryDelayMs(
          { error: res.error, attempts: failures, reached, now: Date.now(), retryUntil },
          this.settings.backoff,
          this.deps.random ?? Math.random,
        );
        // Unreachable, overloaded or broken beyond the run's patience: pushing now
        // would only spend every operation's attempts. The run stops; the next one
        // starts from the cursor of the last page written.
        if (wait === null) throw new StopRun('failed', plain(res.error));
        // The ticker goes on reporting progress (and renewing the lease) meanwhile.
        await this.pause(wait, signal);
        next = api.changes(asked, this.settings.pageSize, signal);
        continue;
      }
      failures = 0;
      reached = true;
      progress.bytesReceived += res.bytesReceived;
      const page = res.value;
      if (page.hasMore) {
        // The next page is asked for before this one is written, so the server
        // reads it and the network carries it while SQLite writes this one
        // (profiled: a third of a sequential first mirror was spent waiting on
        // the server). Pages are still written one by one, in order, each with
        // its cursor: a crash resumes after the last page written, and the page
        // in the air is simply asked for again.
        asked = page.cursor;
        next = api.changes(asked, this.settings.pageSize, signal);
        await nextTurn();
      }
      const applied = await applyChangePage(repos, page, this.nowIso(), writing);
      // Our own acknowledged writes come back through the feed; they are not news.
      progress.pulled += applied.written + applied.deleted + applied.keptLocal;
      progress.chunk++;
      if (!page.hasMore) return;
    }
  }

  /** Waits before a retry within the run; a cancel ends the wait and the run. */
  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await sleep(ms, undefined, { signal });
    } catch {
      throw new StopRun('cancelled', appError('cancelled', 'The sync was cancelled.'));
    }
  }

  /** The outbox in chunks; each operation goes at most once per run (retries wait their turn). */
  private async push(
    api: ServerApi,
    progress: Progress,
    signal: AbortSignal,
  ): Promise<AppError | null> {
    const sent = new Set<number>();
    let lastError: AppError | null = null;
    this.splitter = new PoisonSplitter();
    progress.startPush(0);
    for (let pass = 0; pass < 50; pass++) {
      const failedNow = this.outbox.failOrphans(CREATE_FAILED, CREATE_REMOVED, this.nowIso());
      if (failedNow)
        progress.add({
          created: 0,
          updated: 0,
          deleted: 0,
          conflicts: 0,
          errors: failedNow,
          retried: 0,
        });
      // Updates of a record whose create was just acknowledged become due in the next pass.
      const fresh = this.outbox
        .dueSeqs(this.nowIso(), this.retryHorizon())
        .filter((seq) => !sent.has(seq));
      if (fresh.length === 0) break;
      // The pull's page count stays on show when there is nothing to push.
      if (pass === 0) progress.chunk = 0;
      fresh.forEach((seq) => sent.add(seq));
      progress.total = progress.done + fresh.length;
      const chunks = chunk(fresh, this.settings.chunkSize);
      progress.chunks = chunks.length;
      // Pipelined: chunk n+1 is claimed while the server applies chunk n, it
      // leaves as soon as n's reply is in, and n settles while the server
      // applies n+1 (profiled: the server and SQLite took turns, each idle
      // while the other worked; then the claim, 8 ms a chunk, was what was
      // left between a reply and the next send). The server still gets one
      // chunk at a time, in order: n+1 leaves only after n's reply. Every
      // claim and settle is its own transaction as before, so a crash leaves
      // what it left without the overlap: operations in flight that go again
      // with the same opId. A claimed operation or a reply waiting to settle
      // is, to a local edit, an operation in flight (never rewritten: the
      // edit queues a new operation, rebased when the reply settles).
      // n+1 leaves first only when settling n cannot change what n+1 carries:
      // a pass holds one operation per record, so n's settle touches n+1's
      // records only when it adopts a create's copy pulled meanwhile (its queued
      // operations move to the create's row, settle.ts). Then, as for a reply
      // that is not clean (413 halves, 401 stops the run, …), n+1's claim is
      // undone, n settles, and n+1 is claimed afresh.
      let waiting: SentChunk | null = null;
      let claimed: ClaimedChunk | null = null;
      try {
        for (const [i, seqs] of chunks.entries()) {
          const label = `${i + 1}/${chunks.length}`;
          claimed = this.claimChunk(api, seqs, label);
          let replied: RepliedChunk | null = waiting ? await this.reply(waiting) : null;
          waiting = null;
          if (replied && (!replied.clean || this.settleReachesOthers(replied))) {
            this.unclaim(claimed);
            claimed = null;
            lastError = (await this.settleChunk(api, progress, replied, signal)) ?? lastError;
            replied = null;
            claimed = this.claimChunk(api, seqs, label);
          }
          if (signal.aborted) {
            this.unclaim(claimed);
            claimed = null;
            if (replied) await this.settleChunk(api, progress, replied, signal);
            throw new StopRun('cancelled', appError('cancelled', 'The sync was cancelled.'));
          }
          progress.chunk = i + 1;
          waiting = claimed && this.sendClaimed(api, claimed, signal);
          claimed = null;
          if (replied) {
            // The request is written to its socket before SQLite holds the thread.
            if (waiting) await nextTurn();
            lastError = (await this.settleChunk(api, progress, replied, signal)) ?? lastError;
          }
        }
      } finally {
        // Claimed but never sent (the run stopped): back in the queue, not "no answer".
        this.unclaim(claimed);
      }
      if (waiting)
        lastError =
          (await this.settleChunk(api, progress, await this.reply(waiting), signal)) ?? lastError;
    }
    return lastError;
  }

  /** Sends a chunk and settles its reply, one after the other (the 413 halves). */
  private async sendChunk(
    api: ServerApi,
    progress: Progress,
    seqs: readonly number[],
    label: string,
    signal: AbortSignal,
  ): Promise<AppError | null> {
    const sent = this.sendChunkAsync(api, progress, seqs, label, signal);
    if (!sent) return null;
    return this.settleChunk(api, progress, await this.reply(sent), signal);
  }

  /** Claims the operations (in flight, attempt counted) and puts them on the wire. */
  private sendChunkAsync(
    api: ServerApi,
    progress: Progress,
    seqs: readonly number[],
    label: string,
    signal: AbortSignal,
  ): SentChunk | null {
    const claimed = this.claimChunk(api, seqs, label);
    return claimed && this.sendClaimed(api, claimed, signal);
  }

  /**
   * In flight, attempt counted, the request serialised; null when edited into
   * nothing meanwhile (create + delete).
   */
  private claimChunk(api: ServerApi, seqs: readonly number[], label: string): ClaimedChunk | null {
    const at = this.nowIso();
    const ops = relaxed(this.deps.db, () => this.outbox.claim(seqs, at));
    if (ops.length === 0) return null;
    const [n, total] = label.split('/').map((x) => parseInt(x, 10));
    // The pull alone moves lastSyncTimestamp: a push never changes it.
    const push = api.preparePush({
      operations: ops.map(toWire),
      lastSyncTimestamp: this.state.get('lastSyncTimestamp'),
      chunkInfo: { number: n!, total: total! },
    });
    return { ops, label, push };
  }

  /** A claim that never went on the wire, undone: attempts and status as they were. */
  private unclaim(claimed: ClaimedChunk | null): void {
    if (!claimed) return;
    const at = this.nowIso();
    relaxed(this.deps.db, () => claimed.ops.forEach((op) => this.outbox.requeue(op.seq, at)));
  }

  private sendClaimed(api: ServerApi, { ops, label, push }: ClaimedChunk, signal: AbortSignal) {
    return { ops, label, res: api.bulkSync(push, signal) };
  }

  /** Whether settling this clean reply would change records of later chunks (settle.ts). */
  private settleReachesOthers({ ops, res }: RepliedChunk): boolean {
    return res.ok && adoptsPulledCopy(this.visitors, ops, res.value);
  }

  private async reply(sent: SentChunk): Promise<RepliedChunk> {
    const res = await sent.res;
    return { ...sent, res, clean: res.ok && resultsMatch(sent.ops, res.value) };
  }

  private async settleChunk(
    api: ServerApi,
    progress: Progress,
    { ops, label, res, clean }: RepliedChunk,
    signal: AbortSignal,
  ): Promise<AppError | null> {
    progress.bytesSent += res.bytesSent;
    const ctx = this.settleContext(progress.runId, label);
    if (res.ok && clean) {
      progress.bytesReceived += res.bytesReceived;
      progress.add(relaxed(this.deps.db, () => settleResults(ctx, ops, res.value, 200)));
      this.outboxChanged = true;
      return null;
    }
    const error: ApiFailure = res.ok
      ? appError(
          'bad_response',
          "The server's reply did not answer each operation in order; the chunk will be sent again.",
          true,
        )
      : res.error;
    return this.chunkFailed(api, progress, ops, label, error, signal);
  }

  /** Chunk-level trouble: docs/protocol.md's client rules, one by one. */
  private async chunkFailed(
    api: ServerApi,
    progress: Progress,
    ops: SendableOp[],
    label: string,
    error: ApiFailure,
    signal: AbortSignal,
  ): Promise<AppError | null> {
    const at = this.nowIso();
    const ctx = this.settleContext(progress.runId, label);
    const record = (op: SendableOp, outcome: 'retry' | 'failed') =>
      this.attempts.record({
        opId: op.opId,
        runId: progress.runId,
        chunk: label,
        at,
        outcome,
        httpStatus: error.status ?? null,
        error: plain(error),
      });
    if (error.code === 'auth' || error.code === 'forbidden') {
      this.deps.db.transaction(() => ops.forEach((op) => this.outbox.requeue(op.seq, at)))();
      throw new StopRun('auth_error', plain(error));
    }
    if (error.code === 'too_large') {
      const halves = halve(ops);
      if (halves) {
        this.deps.db.transaction(() => ops.forEach((op) => this.outbox.requeue(op.seq, at)))();
        // The server did not look at it: each half is claimed afresh, attempts as they were.
        const first = await this.sendChunk(api, progress, seqsOf(halves[0]), label, signal);
        const second = await this.sendChunk(api, progress, seqsOf(halves[1]), label, signal);
        return second ?? first;
      }
    }
    if (this.splitter.decide(ops, error)) {
      // Refused as a whole again: find the operation that provokes it (poison-split.ts).
      const [a, b] = halve(ops)!;
      this.deps.db.transaction(() => ops.forEach((op) => this.outbox.requeue(op.seq, at)))();
      const first = await this.sendChunk(api, progress, seqsOf(a), label, signal);
      const second = await this.sendChunk(api, progress, seqsOf(b), label, signal);
      this.splitter.halvesDone(first, second);
      return second ?? first;
    }
    if (error.code === 'cancelled') {
      // It may or may not have arrived: due again at once, same opId, attempt counted
      // and recorded (no answer), so nothing treats it as never sent.
      this.deps.db.transaction(() =>
        ops.forEach((op) => {
          this.outbox.retryLater(op.seq, at, plain(error), at);
          record(op, 'retry');
        }),
      )();
      throw new StopRun('cancelled', plain(error));
    }
    const counts = { created: 0, updated: 0, deleted: 0, conflicts: 0, errors: 0, retried: 0 };
    this.deps.db.transaction(() => {
      for (const op of ops) {
        const outcome = retryOrFail(ctx, op.seq, op.attempts + 1, error);
        counts[outcome === 'retry' ? 'retried' : 'errors']++;
        record(op, outcome);
      }
    })();
    progress.add(counts);
    this.outboxChanged = true;
    return plain(error);
  }

  private stopIfFatal(error: ApiFailure): void {
    if (error.code === 'auth' || error.code === 'forbidden')
      throw new StopRun('auth_error', plain(error));
    if (error.code === 'cancelled') throw new StopRun('cancelled', plain(error));
  }

  private settleContext(runId: number, chunkLabel: string) {
    return {
      db: this.deps.db,
      repos: {
        visitors: this.visitors,
        outbox: this.outbox,
        conflicts: this.conflicts,
        attempts: this.attempts,
      },
      backoff: this.settings.backoff,
      random: this.deps.random ?? Math.random,
      now: this.deps.clock.now(),
      runId,
      chunk: chunkLabel,
    };
  }

  /** The ticker's steps that failed at their last try: tried every beat, said once. */
  private readonly tickFailing = new Set<string>();

  /**
   * One beat of a run's ticker. A step that throws (the database busy or full, a listener's
   * bug) is said in the log once and done again at the next beat, until it works: a throw out
   * of a timer would end the core process in the middle of the run.
   */
  private tick(n: number): void {
    const steps: [string, () => void][] = [
      ['progress', () => this.emitProgress()],
      ['queue counts', () => this.emitOutboxCounts()],
    ];
    if (n % LEASE_EVERY_TICKS === 0 || this.tickFailing.has('run lease'))
      steps.push(['run lease', () => this.renewLease()]);
    for (const [what, step] of steps) {
      try {
        step();
        this.tickFailing.delete(what);
      } catch (err) {
        if (!this.tickFailing.has(what))
          this.deps.warn?.(`sync run: the ${what} could not be sent; tried again every beat`, err);
        this.tickFailing.add(what);
      }
    }
  }

  private emitProgress(progress = this.current?.progress): void {
    if (progress) this.deps.events.emit('sync:progress', progress.snapshot());
  }

  private emitOutboxCounts(): void {
    if (!this.outboxChanged) return;
    this.deps.events.emit('outbox:changed', this.outbox.counts());
    this.outboxChanged = false;
  }

  private emitStatus(): void {
    this.deps.events.emit('sync:status', this.status());
  }
}

export function toWire(op: SendableOp): Operation {
  return {
    action: op.action,
    localId: op.localId,
    ...(op.serverId ? { serverId: op.serverId } : {}),
    timestamp: op.timestamp,
    ...(op.action !== 'delete' && op.data ? { data: op.data } : {}),
    opId: op.opId,
    ...(op.baseVersion !== null && op.action !== 'create' ? { baseVersion: op.baseVersion } : {}),
  };
}

/** One turn of the event loop: a request just made is written to its socket before SQLite blocks the thread. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function seqsOf(ops: readonly SendableOp[]): number[] {
  return ops.map((op) => op.seq);
}

function plain(error: ApiFailure): AppError {
  return { code: error.code, message: error.message, retryable: error.retryable };
}
