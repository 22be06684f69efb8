import type { OutboxCounts } from '../../shared/ipc/contract';
import { SyncIndicator } from './sync/SyncIndicator';
import type { SyncStore } from './sync/sync-store';
import { formatNumber } from './intl';

const plural = (n: number, word: string) => `${formatNumber(n)} ${word}${n === 1 ? '' : 's'}`;

export function StatusBar({
  counts,
  sync,
  onOpenSync,
}: {
  counts: OutboxCounts | null;
  /** The compact sync indicator at the right end, when given. */
  sync?: SyncStore;
  onOpenSync?: () => void;
}) {
  if (!counts) return <footer className="status-bar">Reading the local database…</footer>;
  return (
    <footer className="status-bar" aria-label="Sync status">
      <span data-testid="pending-total">
        {counts.total === 0
          ? 'All changes saved locally; nothing waiting to sync'
          : `${plural(counts.total, 'pending change')}`}
      </span>
      {counts.total > 0 && (
        <span className="status-detail" data-testid="pending-breakdown">
          {plural(counts.create, 'create')} · {plural(counts.update, 'update')} ·{' '}
          {plural(counts.delete, 'delete')}
        </span>
      )}
      {counts.retrying > 0 && (
        <span className="status-warn">{plural(counts.retrying, 'retrying operation')}</span>
      )}
      {counts.failed > 0 && (
        <span className="status-error">{plural(counts.failed, 'failed operation')}</span>
      )}
      {sync && <SyncIndicator store={sync} onOpen={onOpenSync} />}
    </footer>
  );
}
