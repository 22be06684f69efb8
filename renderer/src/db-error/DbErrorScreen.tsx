import { useState, useSyncExternalStore, type FormEvent } from 'react';
import type { StartupProblem } from '../../../shared/ipc/setup-contract';
import { rebuildLines } from '../../../shared/rebuild';
import { getApi } from '../api';
import { DbErrorStore } from './db-error-store';
import './db-error.css';

/**
 * Instead of a white window: why the database would not open, and what to do
 * about it; for a damaged file, the rebuild from the server that keeps the
 * edits not synced yet. `onOpened`: the console runs on the rebuilt database.
 */
export function DbErrorScreen({
  problem,
  onOpened,
}: {
  problem: StartupProblem;
  onOpened: () => void;
}) {
  const [store] = useState(() => new DbErrorStore(getApi()));
  const s = useSyncExternalStore(store.subscribe, store.snapshot);
  const [token, setToken] = useState('');

  if (s.result) {
    const { summary, reopened } = s.result;
    return (
      <main className="db-error" aria-labelledby="db-rebuilt-title">
        <section className="db-error-card db-rebuilt" role="status">
          <h1 id="db-rebuilt-title">The database was rebuilt</h1>
          <p>
            The console mirrors {summary.serverUrl} again, with the local work it could read from
            the damaged file put back. The next sync sends the kept operations; each is applied
            once.
          </p>
          <dl className="db-rebuilt-summary" data-testid="rebuild-summary">
            {rebuildLines(summary).map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          {summary.unreadable.length > 0 && (
            <p className="field-error">
              Some rows could not be read: the changes they held are not in the rebuilt database.
              The damaged file is kept as <code>{summary.keptAs}</code>.
            </p>
          )}
          <div className="db-error-actions">
            {reopened ? (
              <button type="button" className="primary" onClick={onOpened}>
                Open the console
              </button>
            ) : (
              <>
                <p>Restart the console to open the rebuilt database.</p>
                <button type="button" className="primary" onClick={() => void store.retry()}>
                  Restart
                </button>
              </>
            )}
          </div>
          {s.note && <p role="status">{s.note}</p>}
        </section>
      </main>
    );
  }

  const submitToken = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim()) void store.rebuild(token.trim());
  };
  return (
    <main className="db-error" aria-labelledby="db-error-title">
      <div className="db-error-card" role="alert">
        <h1 id="db-error-title">{problem.title}</h1>
        <p>{problem.message}</p>
        <h2>What to do</h2>
        <ol>
          {problem.steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
        <p className="db-error-path">
          Database file: <code>{problem.dbPath}</code>
        </p>
        {problem.canRebuild && !s.askToken && (
          <div className="db-error-actions">
            <button
              type="button"
              className="primary"
              disabled={s.rebuilding}
              onClick={() => void store.rebuild()}
            >
              Rebuild from the server, keeping unsynced edits
            </button>
          </div>
        )}
        {problem.canRebuild && s.askToken && (
          <form className="db-error-token" onSubmit={submitToken}>
            <label htmlFor="db-error-token">Token for the sync server</label>
            <input
              id="db-error-token"
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
            <button type="submit" className="primary" disabled={s.rebuilding || !token.trim()}>
              Rebuild with this token
            </button>
          </form>
        )}
        {s.rebuilding && (
          <p role="status" data-testid="rebuild-progress">
            Rebuilding: salvaging the local work and mirroring the server…
          </p>
        )}
        {s.error && !s.rebuilding && (
          <p className="field-error" data-testid="rebuild-error">
            {s.error}
          </p>
        )}
        <div className="db-error-actions">
          <button
            type="button"
            className={problem.canRebuild ? undefined : 'primary'}
            onClick={() => void store.retry()}
          >
            Try again
          </button>
          <button type="button" onClick={() => void store.openFolder('data')}>
            Open the data folder
          </button>
          <button type="button" onClick={() => void store.openFolder('logs')}>
            Open the logs folder
          </button>
        </div>
        {s.note && <p role="status">{s.note}</p>}
      </div>
    </main>
  );
}
