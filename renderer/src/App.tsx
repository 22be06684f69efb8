import { useEffect, useState } from 'react';
import { UpdateDialog } from './updates/UpdateDialog';
import { UpdatesStore } from './updates/updates-store';
import type { OutboxCounts } from '../../shared/ipc/contract';
import { getApi } from './api';
import { errorText } from './error-text';
import { JobsBar } from './jobs/JobsBar';
import { JobsStore } from './jobs/jobs-store';
import { lazyScreen } from './lazy-screen';
import { StatusBar } from './StatusBar';
import { SyncStore } from './sync/sync-store';
import { preloadVisitorParts, VisitorsScreen } from './visitors/VisitorsScreen';
import { SetupGate } from './welcome/SetupGate';

/** Every screen of the window, in the navigation's order; each renders from the window's shared state. */
interface ScreenProps {
  sync: SyncStore;
  counts: OutboxCounts | null;
}
// The first screen is in the window's own bundle; the others are chunks of their own
// (lazy-screen.tsx says why), fetched ahead once the window is idle.
const Conflicts = lazyScreen('Conflicts', () =>
  import('./conflicts/ConflictsScreen').then((m) => m.ConflictsScreen),
);
const Sync = lazyScreen('Sync', () => import('./sync/SyncScreen').then((m) => m.SyncScreen));
const Queue = lazyScreen('Retry queue', () =>
  import('./queue/QueueScreen').then((m) => m.QueueScreen),
);
const Import = lazyScreen('Import', () =>
  import('./import/ImportScreen').then((m) => m.ImportScreen),
);
const Settings = lazyScreen('Settings', () =>
  import('./settings/SettingsScreen').then((m) => m.SettingsScreen),
);
const SCREENS = [
  { id: 'visitors', label: 'Visitors', render: () => <VisitorsScreen />, preload: null },
  {
    id: 'conflicts',
    label: 'Conflicts',
    render: () => <Conflicts.Screen />,
    preload: Conflicts.preload,
  },
  {
    id: 'sync',
    label: 'Sync',
    render: ({ sync, counts }: ScreenProps) => <Sync.Screen store={sync} counts={counts} />,
    preload: Sync.preload,
  },
  { id: 'queue', label: 'Retry queue', render: () => <Queue.Screen />, preload: Queue.preload },
  { id: 'import', label: 'Import', render: () => <Import.Screen />, preload: Import.preload },
  {
    id: 'settings',
    label: 'Settings',
    render: () => <Settings.Screen />,
    preload: Settings.preload,
  },
] as const;
type Screen = (typeof SCREENS)[number]['id'];

/** Fetches the other screens' code, quietly: a screen that fails says so when it is shown. */
function preloadScreens() {
  for (const s of SCREENS) s.preload?.().catch(() => undefined);
  preloadVisitorParts().catch(() => undefined);
}

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
  const [updates] = useState(() => (window.api ? new UpdatesStore(window.api) : null));

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

  // The other screens' code is fetched once the first screen has had its turn: a second
  // after the console opens, when the window is next idle (so not during its first rows).
  useEffect(() => {
    let idle = 0;
    const timer = setTimeout(() => {
      idle = requestIdleCallback(preloadScreens, { timeout: 2000 });
    }, 1000);
    return () => {
      clearTimeout(timer);
      cancelIdleCallback(idle);
    };
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

  useEffect(() => {
    if (!updates) return;
    updates.start();
    return updates.stop;
  }, [updates]);

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
          {SCREENS.map(({ id, label, preload }) => (
            <button
              key={id}
              className={`nav-item${screen === id ? ' active' : ''}`}
              aria-current={screen === id ? 'page' : undefined}
              onClick={() => setScreen(id)}
              // Pointing at a screen is a good sign it is next: fetch it if it is not in yet.
              onPointerEnter={() => preload?.().catch(() => undefined)}
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
      {updates && <UpdateDialog store={updates} />}
    </div>
  );
}
