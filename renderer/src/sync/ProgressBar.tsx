import type { SyncProgress } from '../../../shared/ipc/contract';
import { formatCount, percentDone, type OutcomeTone } from './format';

/**
 * The run's bar: operations sent of operations to send while pushing,
 * indeterminate while downloading (the feed does not say how much is left),
 * full when the run is over, coloured by how it ended.
 */
export function ProgressBar({
  progress,
  tone,
}: {
  progress: SyncProgress | null;
  tone: OutcomeTone;
}) {
  const pct = progress ? percentDone(progress) : 0;
  const indeterminate = pct === null;
  // A run refused before it had anything to send: the colour and badge say it, not "100%".
  const hidePct = progress?.phase === 'done' && progress.total === 0 && tone !== 'ok';
  const useOps = progress !== null && progress.phase !== 'pull' && progress.total > 0;
  const now = useOps ? Math.min(progress.done, progress.total) : (pct ?? undefined);
  const max = useOps ? progress.total : 100;
  const valueText = !progress
    ? 'No sync has run in this session'
    : progress.phase === 'pull'
      ? `Downloading: ${formatCount(progress.pulled)} records received`
      : useOps
        ? `${formatCount(progress.done)} of ${formatCount(progress.total)} operations (${pct}%)`
        : progress.phase === 'done'
          ? 'Finished'
          : 'Nothing to send yet';
  return (
    <div className="sync-progress">
      <div
        className={`sync-progress-track tone-${tone}${indeterminate ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label="Sync progress"
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={indeterminate ? undefined : now}
        aria-valuetext={valueText}
        data-testid="sync-progressbar"
      >
        <div
          className="sync-progress-fill"
          style={indeterminate ? undefined : { width: `${pct}%` }}
        />
      </div>
      <span className="sync-progress-pct" data-testid="progress-percent" aria-hidden="true">
        {indeterminate ? '…' : hidePct ? '' : `${pct}%`}
      </span>
    </div>
  );
}
