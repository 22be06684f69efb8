import { useSyncExternalStore } from 'react';
import type { JobProgress } from '../../../shared/ipc/jobs-contract';
import type { JobsStore } from './jobs-store';
import { formatNumber } from '../intl';

const count = formatNumber;

function seconds(s: number): string {
  if (s < 1) return 'under a second';
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** "12,345 of 50,000 conflicts (24%), about 6 s left". */
export function jobProgressText(j: JobProgress): string {
  const of = j.total !== null ? ` of ${count(j.total)}` : '';
  const pct = j.total ? ` (${Math.floor((100 * j.done) / j.total)}%)` : '';
  const eta = j.etaSeconds !== null ? `, about ${seconds(j.etaSeconds)} left` : '';
  return `${count(j.done)}${of} ${j.unit}${pct}${eta}`;
}

/**
 * The core's long jobs, above every screen (Cancel stays put while the
 * numbers change beside it): what runs, how far it got, and
 * a Cancel that rolls the whole job back. Also the word when the core's
 * process is restarting.
 */
export function JobsBar({ store }: { store: JobsStore }) {
  const s = useSyncExternalStore(store.subscribe, store.snapshot);
  return (
    <div className="jobs-area">
      {s.link.state === 'reconnecting' && (
        <div className="core-link-banner" role="alert" data-testid="core-reconnecting">
          The console’s background process stopped and is restarting. Your work is safe: whatever
          was under way is rolled back or resumes by itself. Reconnecting…
        </div>
      )}
      {s.running.map((j) => (
        <section className="job-bar" key={j.jobId} aria-label={j.label} data-testid="job-bar">
          <span className="job-label">{j.label}</span>
          <progress
            max={j.total ?? undefined}
            value={j.total !== null ? Math.min(j.done, j.total) : undefined}
            aria-valuetext={jobProgressText(j)}
          />
          <button
            type="button"
            onClick={() => void store.cancel(j.jobId)}
            disabled={!j.cancellable || s.cancelling.has(j.jobId)}
          >
            {s.cancelling.has(j.jobId) ? 'Cancelling…' : 'Cancel'}
          </button>
          <span className="job-count" data-testid="job-progress">
            {jobProgressText(j)}
          </span>
        </section>
      ))}
      {(s.ended || s.notice) && (
        <div className="job-ended" role="status" data-testid="job-ended">
          <span>
            {s.ended?.kind === 'import' && s.ended.error
              ? // An import commits as it goes: its own words say what was kept and how to go on.
                `${s.ended.label}: ${jobProgressText(s.ended)}. ${s.ended.error.message}`
              : s.ended?.state === 'cancelled'
                ? `${s.ended.label}: cancelled after ${jobProgressText(s.ended)}. Nothing of it was saved.`
                : s.ended
                  ? `${s.ended.label} stopped: ${s.ended.error?.message ?? 'an error'}. Nothing of it was saved.`
                  : s.notice}
          </span>
          <button type="button" onClick={store.dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
