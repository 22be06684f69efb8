import { useEffect, useState } from 'react';
import type { OutboxCounts } from '../../shared/ipc/contract';
import { getApi } from './api';
import { ConflictsScreen } from './conflicts/ConflictsScreen';
import { errorText } from './error-text';
import { ImportScreen } from './import/ImportScreen';
import { JobsBar } from './jobs/JobsBar';
import { JobsStore } from './jobs/jobs-store';
import { QueueScreen } from './queue/QueueScreen';
import { SettingsScreen } from './settings/SettingsScreen';
import { StatusBar } from './StatusBar';
import { SyncScreen } from './sync/SyncScreen';
import { SyncStore } from './sync/sync-store';
import { VisitorsScreen } from './visitors/VisitorsScreen';
import { SetupGate } from './welcome/SetupGate';

/** Every screen of the window, in the navigation's order; each renders from the window's shared state. */
interface ScreenProps {
  sync: SyncStore;
  counts: OutboxCounts | null;
}
const SCREENS = [
  { id: 'visitors', label: 'Visitors', render: () => <VisitorsScreen /> },
  { id: 'conflicts', label: 'Conflicts', render: () => <ConflictsScreen /> },
  {
    id: 'sync',
    label: 'Sync',
    render: ({ sync, counts }: ScreenProps) => <SyncScreen store={sync} counts={counts} />,
  },
  { id: 'queue', label: 'Retry queue', render: () => <QueueScreen /> },
  { id: 'import', label: 'Import', render: () => <ImportScreen /> },
  { id: 'settings', label: 'Settings', render: () => <SettingsScreen /> },
] as const;
type Screen = (typeof SCREENS)[number]['id'];

/** First run (welcome), the database problem screen, or the console itself. */
export function App() {
  return (
    <SetupGate>
      <ConsoleApp />
    </SetupGate>
  );
}

function ConsoleApp() {
  const [counts, setCounts] = useState<OutboxCounts | null>(null);
  const [screen, setScreen] = useState<Screen>('visitors');
  const [fatal, setFatal] = useState<string | null>(() =>
    window.api
      ? null
      : 'The console window was opened without its connection to the application core. Restart the console.',
  );
  // One store for the window: a run started on the Sync screen stays visible in the status bar.
  const [sync] = useState(() => (window.api ? new SyncStore(window.api) : null));
  // The core's long jobs (bulk apply…) and its link, shown above every screen.
  const [jobs] = useState(() => (window.api ? new JobsStore(window.api) : null));

  useEffect(() => {
    if (!window.api) return;
    const api = getApi();
    api.invoke('outbox:counts', {}).then(setCounts, (err: unknown) => setFatal(errorText(err)));
    return api.on('outbox:changed', setCounts);
  }, []);

  // The application menu's commands for the window ("Sync now" goes to the core directly).
  useEffect(() => {
    if (!window.api) return;
    return getApi().on('app:command', ({ command }) => {
      if (command === 'open-settings') setScreen('settings');
    });
  }, []);

  useEffect(() => {
    if (!jobs) return;
    jobs.start();
    return jobs.stop;
  }, [jobs]);

  useEffect(() => {
    if (!sync) return;
    sync.start();
    return sync.stop;
  }, [sync]);

  if (fatal || !sync || !jobs) {
    return (
      <div className="fatal" role="alert">
        <h1>The console cannot start</h1>
        <p>{fatal}</p>
      </div>
    );
  }

  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">Visitor Reconciliation Console</span>
        <nav aria-label="Screens">
          {SCREENS.map(({ id, label }) => (
            <button
              key={id}
              className={`nav-item${screen === id ? ' active' : ''}`}
              aria-current={screen === id ? 'page' : undefined}
              onClick={() => setScreen(id)}
            >
              {label}
            </button>
          ))}
        </nav>
      </header>
      <JobsBar store={jobs} />
      <main className="app-main">
        {SCREENS.find((s) => s.id === screen)?.render({ sync, counts })}
      </main>
      <StatusBar counts={counts} sync={sync} onOpenSync={() => setScreen('sync')} />
    </div>
  );
}
