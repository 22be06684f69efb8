import { useSyncExternalStore } from 'react';
import type { UpdateStatus } from '../../../shared/ipc/updates-contract';
import { Dialog } from '../dialog/Dialog';
import type { UpdatesStore } from './updates-store';
import './updates.css';

const WAITING: Record<'check' | 'download' | 'install', string> = {
  check: 'The check starts when the sync under way ends.',
  download: 'The download starts when the sync under way ends.',
  install: 'The console restarts to install when the sync under way ends.',
};

/** Where the update stands, in words (the title and one line). */
function words(status: UpdateStatus): { title: string; line: string } {
  const s = status.state;
  // A check held for a sync run: the last outcome is no longer the news.
  if (status.waitingForSync === 'check')
    return { title: 'Checking for updates…', line: 'Waiting for the sync under way to end.' };
  switch (s.kind) {
    case 'unsupported':
      return {
        title: 'Updates',
        line: 'This copy of the console does not update itself (a development build).',
      };
    case 'idle':
    case 'checking':
      return { title: 'Checking for updates…', line: 'Asking the update server.' };
    case 'upToDate':
      return { title: 'No update', line: 'This is the newest version of the console.' };
    case 'available':
    case 'downloading':
      return { title: `Version ${s.offer.version}`, line: 'Downloading the update…' };
    case 'ready':
      return {
        title: `Version ${s.offer.version} is ready`,
        line: 'Restart the console to install it. Nothing you did is lost.',
      };
    case 'installing':
      return { title: `Installing ${s.offer.version}`, line: 'The console restarts now…' };
    case 'failed':
      return { title: 'The update did not work', line: s.error.message };
  }
}

/** The update dialog: its state, the release notes, and "Restart and install" / "Later". */
export function UpdateDialog({ store }: { store: UpdatesStore }) {
  const { status, notice } = useSyncExternalStore(store.subscribe, store.snapshot);
  if (!status?.open) return null;
  const { title, line } = words(status);
  const offer = 'offer' in status.state ? status.state.offer : null;
  const ready = status.state.kind === 'ready';
  return (
    <Dialog className="update-dialog" labelledBy="update-title" onClose={store.later}>
      <h2 id="update-title">{title}</h2>
      <p role="status">{line}</p>
      {status.waitingForSync && status.waitingForSync !== 'check' && (
        <p className="update-waiting">{WAITING[status.waitingForSync]}</p>
      )}
      {offer && (
        <section aria-label="Release notes">
          <h3>What’s new</h3>
          <pre className="update-notes">{offer.notes || 'No release notes were published.'}</pre>
        </section>
      )}
      {notice && <p role="alert">{notice}</p>}
      <div className="dialog-actions">
        <button onClick={store.later}>{ready ? 'Later' : 'Close'}</button>
        {ready && (
          <button
            className="primary"
            disabled={status.waitingForSync === 'install'}
            onClick={store.install}
          >
            Restart and install
          </button>
        )}
      </div>
    </Dialog>
  );
}
