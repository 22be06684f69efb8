import { useEffect, useState } from 'react';
import type { SyncProgress } from '../../../shared/ipc/contract';
import { DEMO_STEPS, type DemoStatus, type DemoStep } from '../../../shared/ipc/setup-contract';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { formatNumber } from '../intl';

const STEP_LABELS: Record<DemoStep, string> = {
  server: 'Start the demo server on this computer',
  mirror: 'Mirror its visitors into the local database',
  activity: 'Edit here while other devices edit the same visitors',
  sync: 'Sync: push the edits, meet the conflicts',
  ready: 'Ready to explore',
};

const count = formatNumber;

function stepState(step: DemoStep, status: DemoStatus): 'done' | 'active' | 'waiting' | 'failed' {
  if (!status.step) return 'waiting';
  const at = DEMO_STEPS.indexOf(status.step);
  const i = DEMO_STEPS.indexOf(step);
  if (status.state === 'running') return 'done';
  if (i < at) return 'done';
  if (i === at) return status.state === 'failed' ? 'failed' : 'active';
  return 'waiting';
}

const STATE_WORDS = { done: 'done', active: 'in progress', waiting: 'waiting', failed: 'failed' };

/** Try the demo: the steps as they happen, with the sync's live progress. */
export function DemoPanel({
  status,
  onEnter,
  disabled,
}: {
  status: DemoStatus;
  onEnter: () => void;
  disabled: boolean;
}) {
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const active = status.state === 'starting';

  useEffect(() => {
    if (!active) return;
    return getApi().on('sync:progress', setProgress);
  }, [active]);

  const start = () => {
    setError(null);
    getApi()
      .invoke('setup:startDemo', {})
      .catch((err: unknown) => setError(errorText(err)));
  };

  const shown = status.state !== 'off';
  const pct =
    progress && progress.phase === 'push' && progress.total > 0
      ? Math.round((progress.done / progress.total) * 100)
      : progress?.phase === 'done'
        ? 100
        : null;
  return (
    <section className="welcome-card" aria-labelledby="demo-title">
      <h2 id="demo-title">Try the demo</h2>
      <p>
        A sync server starts inside the console, on this computer only, with{' '}
        {count(status.visitors || 2000)} generated visitors and other devices editing them. In under
        a minute you see the mirror fill, a sync’s progress, conflicts and retries. Nothing leaves
        this computer.
      </p>
      {!shown && (
        <button type="button" className="primary" onClick={start} disabled={disabled}>
          Try the demo
        </button>
      )}
      {shown && (
        <ol className="demo-steps" aria-label="Demo steps">
          {DEMO_STEPS.map((step) => {
            const s = stepState(step, status);
            return (
              <li key={step} className={`demo-step ${s}`} data-testid={`demo-step-${step}`}>
                <span className="demo-mark" aria-hidden="true" />
                <span>{STEP_LABELS[step]}</span>
                <span className="sr-only"> ({STATE_WORDS[s]})</span>
              </li>
            );
          })}
        </ol>
      )}
      {active && progress && (
        <div className="demo-progress">
          <div
            className="demo-progress-track"
            role="progressbar"
            aria-label="Demo sync progress"
            aria-valuemin={0}
            aria-valuemax={100}
            {...(pct !== null ? { 'aria-valuenow': pct } : {})}
            aria-valuetext={
              progress.phase === 'pull'
                ? `${count(progress.pulled)} visitors received`
                : `${count(progress.done)} of ${count(progress.total)} changes sent`
            }
          >
            <div
              className={`demo-progress-fill${pct === null ? ' indeterminate' : ''}`}
              style={{ width: `${pct ?? 100}%` }}
            />
          </div>
          <p className="demo-progress-text" data-testid="demo-progress-text">
            {progress.phase === 'pull'
              ? `Received ${count(progress.pulled)} visitors`
              : `Sent ${count(progress.done)} of ${count(progress.total)} changes · ${count(progress.conflicts)} conflicts`}
          </p>
        </div>
      )}
      {status.state === 'running' && (
        <div className="demo-ready" role="status" data-testid="demo-ready">
          <p>
            <strong>The demo is ready.</strong> {count(status.visitors)} visitors mirrored ·{' '}
            {count(status.conflicts)} conflicts to resolve · {count(status.retrying)}{' '}
            {status.retrying === 1 ? 'change' : 'changes'} retrying.
          </p>
          <button type="button" className="primary" onClick={onEnter}>
            Open the console
          </button>
        </div>
      )}
      {status.state === 'failed' && (
        <div className="connect-result bad" role="alert">
          <strong>The demo could not start</strong>
          <p>{status.error?.message}</p>
          <button type="button" onClick={start}>
            Try again
          </button>
        </div>
      )}
      {error && (
        <div className="connect-result bad" role="alert">
          <p>{error}</p>
        </div>
      )}
    </section>
  );
}
