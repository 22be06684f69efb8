import { useSyncExternalStore } from 'react';
import type { OutboxCounts, SyncProgress, SyncRun } from '../../../shared/ipc/contract';
import { ConnectionCard } from './ConnectionCard';
import {
  clockTime,
  dateTime,
  formatBytes,
  formatCount,
  formatDuration,
  formatEta,
  formatRate,
  nextStep,
  outcomeLabel,
  outcomeTone,
  phaseText,
  plural,
  runDuration,
  untilText,
} from './format';
import { OutcomeBadge } from './OutcomeBadge';
import { ProgressBar } from './ProgressBar';
import { RunHistory } from './RunHistory';
import type { SyncStore } from './sync-store';

const noSubscription = () => () => undefined;
function everySecond(onTick: () => void): () => void {
  const t = setInterval(onTick, 1000);
  return () => clearInterval(t);
}
const currentSecond = () => Math.floor(Date.now() / 1000) * 1000;

/** The time, to the second, while `on` (for "in 45 s" texts); ticks only then. */
function useNow(on: boolean): number {
  return useSyncExternalStore(on ? everySecond : noSubscription, currentSecond);
}

function Stat({
  label,
  value,
  testId,
  tone,
}: {
  label: string;
  value: string;
  testId: string;
  tone?: 'warn' | 'error' | '' | undefined;
}) {
  return (
    <div className={`sync-stat${tone ? ` ${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function ProgressStats({ p }: { p: SyncProgress }) {
  const chunkText =
    p.phase === 'pull'
      ? p.chunk === 0
        ? '—'
        : `page ${formatCount(p.chunk)}`
      : p.chunks === 0
        ? '—'
        : `${formatCount(p.chunk)} of ${formatCount(p.chunks)}`;
  const warn = (n: number) => (n > 0 ? 'warn' : '');
  return (
    <dl className="sync-stats" aria-label="Run numbers">
      <Stat
        label="Operations"
        value={`${formatCount(p.done)} of ${formatCount(p.total)}`}
        testId="progress-ops"
      />
      <Stat label="Chunk" value={chunkText} testId="progress-chunk" />
      <Stat label="Received" value={formatCount(p.pulled)} testId="progress-pulled" />
      <Stat label="Created" value={formatCount(p.created)} testId="progress-created" />
      <Stat label="Updated" value={formatCount(p.updated)} testId="progress-updated" />
      <Stat label="Deleted" value={formatCount(p.deleted)} testId="progress-deleted" />
      <Stat
        label="Conflicts"
        value={formatCount(p.conflicts)}
        testId="progress-conflicts"
        tone={warn(p.conflicts)}
      />
      <Stat
        label="Errors"
        value={formatCount(p.errors)}
        testId="progress-errors"
        tone={p.errors > 0 ? 'error' : ''}
      />
      <Stat
        label="Retried"
        value={formatCount(p.retried)}
        testId="progress-retried"
        tone={warn(p.retried)}
      />
      <Stat label="Transferred" value={formatBytes(p.bytes)} testId="progress-bytes" />
      <Stat label="Speed" value={formatRate(p.opsPerSecond)} testId="progress-rate" />
      <Stat
        label={p.phase === 'done' ? 'Took' : 'Time left'}
        value={p.phase === 'done' ? formatDuration(p.elapsedMs) : formatEta(p.etaSeconds, p.phase)}
        testId="progress-eta"
      />
    </dl>
  );
}

/** The newest run that has ended: the one whose outcome and error the screen explains. */
function lastFinished(history: SyncRun[] | null, fallback: SyncRun | null): SyncRun | null {
  const fromHistory = history?.find((r) => r.finishedAt !== null) ?? null;
  if (fallback?.finishedAt && (!fromHistory || fallback.id > fromHistory.id)) return fallback;
  return fromHistory;
}

export function SyncScreen({ store, counts }: { store: SyncStore; counts: OutboxCounts | null }) {
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { status, progress, history, lastSummary, starting, cancelling, notice } = snap;
  const running = starting || status?.running === true;
  const now = useNow(Boolean(status?.nextRetryAt));
  const last = lastFinished(history, status?.lastRun ?? null);
  const lastError = last?.lastError ?? null;
  const showError = last !== null && (lastError !== null || last.outcome === 'interrupted');
  // The bar shows the run going now, or how the last run of this session ended.
  const summaryForBar = progress && lastSummary?.runId === progress.runId ? lastSummary : null;
  const barRun = progress && history?.find((r) => r.id === progress.runId);
  const barOutcome = summaryForBar?.outcome ?? barRun?.outcome ?? null;
  const tone = !progress || progress.phase !== 'done' ? 'running' : outcomeTone(barOutcome);
  const pending = counts?.total ?? 0;

  return (
    <div className="sync-screen">
      <div className="sync-top">
        <ConnectionCard
          key={status ? 'loaded' : 'loading'}
          store={store}
          status={status}
          busy={running}
        />

        <section className="sync-card run-card" aria-labelledby="run-title">
          <div className="sync-card-head">
            <h2 id="run-title">Sync</h2>
            <div className="run-actions">
              {running && (
                <button
                  className="danger"
                  onClick={() => void store.cancel()}
                  disabled={cancelling}
                >
                  {cancelling ? 'Cancelling…' : 'Cancel'}
                </button>
              )}
              <button
                className="primary"
                onClick={() => void store.syncNow()}
                disabled={running || !status?.configured}
                title={status?.configured ? undefined : 'Set up the connection first'}
              >
                Sync now
              </button>
            </div>
          </div>

          <p className="run-lead" data-testid="sync-pending">
            {pending === 0
              ? 'No local changes are waiting to be sent.'
              : `${plural(pending, 'local change')} waiting to be sent.`}{' '}
            {!status?.configured && 'Set up the connection to sync.'}
            {lastSummary && lastSummary.openConflicts > 0 && (
              <span className="run-conflicts" data-testid="open-conflicts">
                Open conflicts: {formatCount(lastSummary.openConflicts)}. Records changed both here
                and on the server keep your values until their conflict is resolved.
              </span>
            )}
          </p>

          {notice && (
            <div className="banner error" role="alert" data-testid="sync-notice">
              {notice.message} {nextStep(notice, null)}
            </div>
          )}

          {/* Said once when a run starts and once when it ends, not on every tick. */}
          <span className="sync-sr-only" role="status">
            {running
              ? 'Sync running'
              : progress?.phase === 'done' && barOutcome
                ? `Sync finished: ${outcomeLabel(barOutcome)}`
                : ''}
          </span>
          <div className="run-phase-line">
            <span className="run-phase" data-testid="sync-phase">
              {progress
                ? progress.phase === 'done'
                  ? 'Last run of this session'
                  : phaseText(progress)
                : running
                  ? 'Starting…'
                  : 'No sync has run in this session yet.'}
            </span>
            {progress?.phase === 'done' && barOutcome && <OutcomeBadge outcome={barOutcome} />}
            {progress && progress.phase !== 'done' && (
              <span className="run-elapsed">{formatDuration(progress.elapsedMs)} elapsed</span>
            )}
          </div>
          <ProgressBar progress={progress} tone={tone} />
          {progress ? (
            <ProgressStats p={progress} />
          ) : (
            <p className="sync-muted">
              Sync now downloads what changed on the server, then sends the changes made here, in
              chunks. Progress, counts and speed show here while it runs.
            </p>
          )}

          {status?.nextRetryAt && (
            <p className="next-retry" data-testid="next-retry">
              <strong>Next retry</strong> from {clockTime(status.nextRetryAt, true)} (
              {untilText(status.nextRetryAt, now)}): changes that failed for a passing reason are
              sent again by the first sync after that.
            </p>
          )}
        </section>
      </div>

      {showError && last && (
        <section
          className={`sync-card error-card${last.outcome === 'cancelled' ? ' stopped' : ''}`}
          aria-labelledby="last-error-title"
          data-testid="last-error-card"
        >
          <div className="sync-card-head">
            <h2 id="last-error-title">
              {last.outcome === 'cancelled' ? 'Last sync stopped' : 'Last sync problem'}
            </h2>
            <span className="sync-muted">
              {dateTime(last.startedAt)} · {runDuration(last.startedAt, last.finishedAt)}
            </span>
            <OutcomeBadge outcome={last.outcome} />
          </div>
          <p className="error-message" data-testid="last-error">
            {lastError?.message ?? 'The console was closed before this sync finished.'}
          </p>
          <p className="error-next" data-testid="last-error-next">
            <strong>What to do next:</strong> {nextStep(lastError, last.outcome)}
          </p>
        </section>
      )}

      <section className="sync-card history-card" aria-labelledby="history-title">
        <div className="sync-card-head">
          <h2 id="history-title">Run history</h2>
          {last && (
            <span className="sync-muted" data-testid="history-summary">
              Last finished {dateTime(last.finishedAt ?? last.startedAt)}
              {last.conflicts > 0 && ` · ${plural(last.conflicts, 'conflict')}`}
            </span>
          )}
        </div>
        <RunHistory runs={history} live={progress?.phase === 'done' ? null : progress} />
      </section>
    </div>
  );
}
