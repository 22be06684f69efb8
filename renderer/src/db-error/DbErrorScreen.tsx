import { useState } from 'react';
import type { StartupProblem } from '../../../shared/ipc/setup-contract';
import { getApi } from '../api';
import { errorText } from '../error-text';
import './db-error.css';

/** Instead of a white window: why the database would not open, and what to do about it. */
export function DbErrorScreen({ problem }: { problem: StartupProblem }) {
  const [note, setNote] = useState<string | null>(null);
  const api = getApi();
  const open = (folder: 'data' | 'logs') =>
    api.invoke('app:openFolder', { folder }).then(
      ({ opened }) => !opened && setNote('The folder could not be opened from here.'),
      (err: unknown) => setNote(errorText(err)),
    );
  const retry = () =>
    api.invoke('app:relaunch', {}).then(
      ({ relaunching }) => !relaunching && setNote('Restart the console by hand.'),
      (err: unknown) => setNote(errorText(err)),
    );
  return (
    <main className="db-error" aria-labelledby="db-error-title">
      <div className="db-error-card" role="alert">
        <h1 id="db-error-title">{problem.title}</h1>
        <p>{problem.message}</p>
        <h2>What to do</h2>
        <ol>
          {problem.steps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        <p className="db-error-path">
          Database file: <code>{problem.dbPath}</code>
        </p>
        <div className="db-error-actions">
          <button type="button" className="primary" onClick={() => void retry()}>
            Try again
          </button>
          <button type="button" onClick={() => void open('data')}>
            Open the data folder
          </button>
          <button type="button" onClick={() => void open('logs')}>
            Open the logs folder
          </button>
        </div>
        {note && <p role="status">{note}</p>}
      </div>
    </main>
  );
}
