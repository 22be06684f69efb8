import { useSyncExternalStore } from 'react';
import { clockTime, outcomeLabel, outcomeTone, percentDone, plural } from './format';
import type { SyncStore } from './sync-store';

/** The status bar's one line about sync: a running run's percent, or how the last one ended. */
export function SyncIndicator({ store, onOpen }: { store: SyncStore; onOpen?: () => void }) {
  const { status, progress, starting } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  if (!status) return null;
  let text: string;
  let tone = '';
  const live = progress && progress.phase !== 'done' ? progress : null;
  if (status.running || starting) {
    const pct = live ? percentDone(live) : null;
    text = live?.phase === 'push' ? `Syncing… ${pct ?? 0}%` : 'Syncing… downloading';
    tone = 'running';
  } else if (!status.configured && !status.lastRun) {
    text = 'Sync not set up';
  } else if (!status.lastRun?.finishedAt) {
    text = 'Not synced yet';
  } else {
    const run = status.lastRun;
    const at = clockTime(run.finishedAt ?? run.startedAt);
    const t = outcomeTone(run.outcome);
    const what =
      run.outcome === 'success'
        ? ''
        : run.outcome === 'partial'
          ? [
              run.conflicts > 0 && plural(run.conflicts, 'conflict'),
              run.errors > 0 && plural(run.errors, 'error'),
              run.retried > 0 && `${plural(run.retried, 'retry', 'retries')}`,
            ]
              .filter(Boolean)
              .join(' · ') || outcomeLabel(run.outcome)
          : outcomeLabel(run.outcome);
    text = `Last sync ${at}${what ? ` · ${what}` : ''}`;
    tone = t === 'error' ? 'error' : t === 'warn' ? 'warn' : '';
  }
  if (!status.running && status.nextRetryAt)
    text += ` · retry from ${clockTime(status.nextRetryAt)}`;
  if (!status.online) text += ' · offline';
  return (
    <button
      type="button"
      className={`status-sync${tone ? ` ${tone}` : ''}`}
      data-testid="sync-indicator"
      onClick={onOpen}
      title="Open the Sync screen"
    >
      {tone === 'running' && <span className="status-sync-spinner" aria-hidden="true" />}
      {text}
    </button>
  );
}
