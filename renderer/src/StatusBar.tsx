import type { OutboxCounts } from '../../shared/ipc/contract';

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

export function StatusBar({ counts }: { counts: OutboxCounts | null }) {
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
    </footer>
  );
}
