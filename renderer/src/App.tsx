import { useEffect, useState } from 'react';
import type { OutboxCounts } from '../../shared/ipc/contract';
import { getApi } from './api';
import { errorText } from './error-text';
import { StatusBar } from './StatusBar';
import { VisitorsScreen } from './visitors/VisitorsScreen';

export function App() {
  const [counts, setCounts] = useState<OutboxCounts | null>(null);
  const [fatal, setFatal] = useState<string | null>(() =>
    window.api
      ? null
      : 'The console window was opened without its connection to the application core. Restart the console.',
  );

  useEffect(() => {
    if (!window.api) return;
    const api = getApi();
    api.invoke('outbox:counts', {}).then(setCounts, (err: unknown) => setFatal(errorText(err)));
    return api.on('outbox:changed', setCounts);
  }, []);

  if (fatal) {
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
          <button className="nav-item active" aria-current="page">
            Visitors
          </button>
        </nav>
      </header>
      <main className="app-main">
        <VisitorsScreen />
      </main>
      <StatusBar counts={counts} />
    </div>
  );
}
