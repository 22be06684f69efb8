import type { SyncProgress, SyncRun } from '../../../shared/ipc/contract';
import { dateTime, formatBytes, formatCount, formatDuration, runDuration } from './format';
import { OutcomeBadge } from './OutcomeBadge';
import { RunChart } from './RunChart';

const TRIGGERS: Record<string, string> = {
  manual: 'Sync now',
  retry: 'Retry',
  interval: 'Scheduled',
  online: 'Back online',
};

const COUNTS = [
  ['pulled', 'Received'],
  ['created', 'Created'],
  ['updated', 'Updated'],
  ['deleted', 'Deleted'],
  ['conflicts', 'Conflicts'],
  ['errors', 'Errors'],
  ['retried', 'Retried'],
] as const;

const countTone = (key: (typeof COUNTS)[number][0], n: number) =>
  n === 0
    ? 'zero'
    : key === 'conflicts' || key === 'retried'
      ? 'warn'
      : key === 'errors'
        ? 'error'
        : '';

/** The running run's row shows the live numbers: the engine writes its counts when it ends. */
function withLive(run: SyncRun, live: SyncProgress | null): SyncRun & { elapsed?: string } {
  if (!live || run.finishedAt !== null || live.runId !== run.id) return run;
  const { pulled, created, updated, deleted, conflicts, errors, retried } = live;
  return {
    ...run,
    pulled,
    created,
    updated,
    deleted,
    conflicts,
    errors,
    retried,
    bytesSent: live.bytes,
    bytesReceived: 0,
    elapsed: `${formatDuration(live.elapsedMs)}…`,
  };
}

/** The last runs, newest first: one row each, counts as the engine recorded them. */
export function RunHistory({
  runs,
  live = null,
}: {
  runs: SyncRun[] | null;
  live?: SyncProgress | null;
}) {
  if (runs === null) return <p className="sync-muted">Reading the history…</p>;
  if (runs.length === 0)
    return (
      <p className="sync-muted" data-testid="history-empty">
        No sync has run on this computer yet.
      </p>
    );
  return (
    <div className="sync-history-scroll">
      <RunChart runs={runs} />
      <table className="sync-history" aria-label="Sync runs, newest first">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Trigger</th>
            {COUNTS.map(([key, label]) => (
              <th scope="col" className="num" key={key}>
                {label}
              </th>
            ))}
            <th scope="col" className="num">
              Data
            </th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {runs
            .map((recorded) => withLive(recorded, live))
            .map((run) => (
              <tr key={run.id} data-testid="history-row" data-run-id={run.id}>
                <td data-testid="run-started">{dateTime(run.startedAt)}</td>
                <td data-testid="run-duration">
                  {run.elapsed ?? runDuration(run.startedAt, run.finishedAt)}
                </td>
                <td>{TRIGGERS[run.trigger] ?? run.trigger}</td>
                {COUNTS.map(([key]) => (
                  <td
                    className={`num ${countTone(key, run[key])}`}
                    key={key}
                    data-testid={`run-${key}`}
                  >
                    {formatCount(run[key])}
                  </td>
                ))}
                <td
                  className="num"
                  data-testid="run-bytes"
                  title={
                    run.elapsed
                      ? undefined
                      : `${formatBytes(run.bytesSent)} sent, ${formatBytes(run.bytesReceived)} received`
                  }
                >
                  {formatBytes(run.bytesSent + run.bytesReceived)}
                </td>
                <td data-testid="run-outcome">
                  <OutcomeBadge outcome={run.outcome} />
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}
