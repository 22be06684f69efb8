import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import type { SettingsView, SetupState } from '../../../shared/ipc/setup-contract';
import type { Strategy } from '../../../shared/resolve/types';
import { VISITOR_FIELDS } from '../../../shared/visitor';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { ConnectForm } from '../welcome/ConnectForm';
import { useSetupState } from '../welcome/use-shell-state';
import { draftOf, patchOf, type SettingsDraft } from './settings-form';
import { FIELD_LABEL } from '../field-labels';
import { MirrorStore, describeReport } from './mirror-store';
import './settings.css';

const STRATEGY_LABELS: Record<Strategy, string> = {
  manual: 'Ask me',
  server_wins: 'Keep the server’s',
  client_wins: 'Keep ours',
  merge: 'Merge both',
};

type NumberKey = Exclude<keyof SettingsDraft, 'fieldStrategies'>;

/** Connection, sync, retries and conflict defaults; saved in the settings file. */
export function SettingsScreen() {
  const { state } = useSetupState();
  const [view, setView] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'saved' | 'error'; text: string } | null>(null);

  useEffect(() => {
    getApi()
      .invoke('settings:get', {})
      .then(
        (v) => {
          setView(v);
          setDraft(draftOf(v.settings));
        },
        (err: unknown) => setMessage({ kind: 'error', text: errorText(err) }),
      );
  }, []);

  const loaded = (v: SettingsView, text: string) => {
    setView(v);
    setDraft(draftOf(v.settings));
    setFields({});
    setMessage({ kind: 'saved', text });
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const p = patchOf(draft);
    if (!p.ok) {
      setFields(p.fields);
      setMessage({ kind: 'error', text: 'Check the marked settings.' });
      return;
    }
    try {
      loaded(await getApi().invoke('settings:update', { patch: p.patch }), 'Settings saved');
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(err) });
    }
  };

  const reset = async () => {
    try {
      loaded(await getApi().invoke('settings:reset', {}), 'Defaults restored');
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(err) });
    }
  };

  const numberField = (key: NumberKey, path: string, label: string, help: string, step = '1') => (
    <div className={`field${fields[path] ? ' invalid' : ''}`}>
      <label htmlFor={`set-${key}`}>{label}</label>
      <input
        id={`set-${key}`}
        type="number"
        step={step}
        value={draft?.[key] ?? ''}
        aria-invalid={fields[path] ? true : undefined}
        aria-describedby={`set-${key}-help`}
        onChange={(e) => draft && setDraft({ ...draft, [key]: e.target.value })}
      />
      <span className={fields[path] ? 'field-error' : 'settings-help'} id={`set-${key}-help`}>
        {fields[path] ? `${label} ${fields[path]}` : help}
      </span>
    </div>
  );

  return (
    <div className="settings-screen">
      <h1>Settings</h1>
      {view?.problem && (
        <div className="banner error" role="alert" data-testid="settings-problem">
          <p>{view.problem.message}</p>
          {view.problem.details.length > 0 && (
            <ul>
              {view.problem.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {state && <ConnectionSection state={state} />}
      {state && <MirrorSection />}
      {draft && (
        <form className="settings-form" onSubmit={(e) => void save(e)} noValidate>
          <fieldset>
            <legend>Sync</legend>
            {numberField(
              'chunkSize',
              'sync.chunkSize',
              'Changes per request',
              'How many changes go to the server in one request (1–1000; 500 measured fastest).',
            )}
            {numberField(
              'autoSyncMinutes',
              'sync.autoSyncMinutes',
              'Sync automatically every (minutes)',
              'While the console is open; 0 turns it off.',
            )}
          </fieldset>
          <fieldset>
            <legend>Retries</legend>
            {numberField(
              'baseSeconds',
              'backoff.baseSeconds',
              'First retry after (seconds)',
              'How long a change waits after the server could not take it.',
              '0.1',
            )}
            {numberField(
              'factor',
              'backoff.factor',
              'Wait grows by',
              'Each further retry waits this many times longer (2 doubles it).',
              '0.1',
            )}
            {numberField(
              'maxAttempts',
              'backoff.maxAttempts',
              'Attempts before giving up',
              'Then the change waits in the retry queue for a person.',
            )}
          </fieldset>
          <fieldset>
            <legend>Stale captures</legend>
            {numberField(
              'staleCaptureDays',
              'conflicts.staleCaptureDays',
              'Stale capture after (days)',
              'A conflict whose change was made this much earlier than the server’s is flagged, and the server’s values are proposed.',
              '0.5',
            )}
          </fieldset>
          <fieldset>
            <legend>Conflicts: what to propose first for each field</legend>
            <div className="strategy-grid">
              {VISITOR_FIELDS.map((f) => (
                <div className="field" key={f}>
                  <label htmlFor={`strategy-${f}`}>{FIELD_LABEL[f]}</label>
                  <select
                    id={`strategy-${f}`}
                    value={draft.fieldStrategies[f]}
                    onChange={(e) =>
                      setDraft({
                        ...draft,
                        fieldStrategies: {
                          ...draft.fieldStrategies,
                          [f]: e.target.value as Strategy,
                        },
                      })
                    }
                  >
                    {Object.entries(STRATEGY_LABELS).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
          </fieldset>
          <div className="settings-actions">
            <button type="submit" className="primary">
              Save settings
            </button>
            <button type="button" onClick={() => void reset()}>
              Restore defaults
            </button>
            {message && (
              <span
                className={message.kind === 'saved' ? 'settings-saved' : 'field-error'}
                role={message.kind === 'saved' ? 'status' : 'alert'}
                data-testid="settings-message"
              >
                {message.text}
              </span>
            )}
          </div>
          <p className="settings-help">Settings file: {view?.location}</p>
        </form>
      )}
    </div>
  );
}

function ConnectionSection({ state }: { state: SetupState }) {
  const [changing, setChanging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = state.connection;
  const disconnect = () =>
    getApi()
      .invoke('setup:disconnect', {})
      .then(
        () => setError(null),
        (err: unknown) => setError(errorText(err)),
      );
  return (
    <section className="settings-section" aria-labelledby="settings-connection">
      <h2 id="settings-connection">Connection</h2>
      <p data-testid="settings-connection">
        {c.kind === 'server'
          ? `Syncing with ${c.serverUrl}.`
          : c.kind === 'demo'
            ? `Running the demo: a sync server inside the console${state.demo.serverUrl ? ` at ${state.demo.serverUrl}` : ''}.`
            : 'No sync server is set up; the console works on its local database.'}
      </p>
      <p className="settings-help" data-testid="token-storage">
        {state.tokenStorage.kind === 'encrypted'
          ? 'The token is kept encrypted by the operating system’s keychain.'
          : `${state.tokenStorage.reason} The token is kept for this session only.`}
      </p>
      {state.tokenMissing && (
        <p className="banner error" role="alert">
          {state.tokenProblem ?? 'Enter the token again to sync with this server.'}
        </p>
      )}
      <div className="settings-actions">
        {c.kind !== 'demo' && (
          <button type="button" onClick={() => setChanging(!changing)} aria-expanded={changing}>
            {c.kind === 'server' ? 'Change server or token' : 'Connect to a server'}
          </button>
        )}
        {c.kind !== 'none' && (
          <button type="button" className="danger" onClick={() => void disconnect()}>
            {c.kind === 'demo' ? 'Leave the demo' : 'Disconnect'}
          </button>
        )}
      </div>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      {(changing || state.tokenMissing) && c.kind !== 'demo' && (
        <ConnectForm
          idPrefix="settings"
          initialUrl={c.kind === 'server' ? c.serverUrl : ''}
          onConnected={() => setChanging(false)}
        />
      )}
    </section>
  );
}

/** Check the mirror against the server and repair only what differs (npm run cli -- verify | repair). */
function MirrorSection() {
  const [store] = useState(() => new MirrorStore(getApi()));
  const s = useSyncExternalStore(store.subscribe, store.snapshot);
  const progress =
    s.progress && s.progress.total
      ? `${s.progress.done.toLocaleString('en-US')} of ${s.progress.total.toLocaleString('en-US')} records checked`
      : 'Comparing with the server…';
  return (
    <section className="settings-section" aria-labelledby="settings-mirror">
      <h2 id="settings-mirror">Check the mirror</h2>
      <p className="settings-help">
        Compares this computer’s copy with the server by hashes over ranges of records, and repairs
        only the records that differ. Changes not yet sent and open conflicts are kept.
      </p>
      <div className="settings-actions">
        <button type="button" disabled={s.running !== null} onClick={() => void store.check()}>
          Check
        </button>
        <button
          type="button"
          disabled={s.running !== null || !s.report || s.report.equal}
          onClick={() => void store.repair()}
        >
          Repair
        </button>
        {s.running && (
          <span role="status" data-testid="mirror-progress">
            {s.running === 'repair' ? 'Repairing: ' : ''}
            {progress}
          </span>
        )}
      </div>
      {s.repair && !s.running && (
        <p data-testid="mirror-repaired">
          Repaired {s.repair.repaired.toLocaleString('en-US')} record
          {s.repair.repaired === 1 ? '' : 's'}.
        </p>
      )}
      {s.report && !s.running && (
        <p
          data-testid="mirror-result"
          className={s.report.equal ? 'settings-saved' : 'field-error'}
        >
          {describeReport(s.report)}
        </p>
      )}
      {s.error && (
        <p className="field-error" role="alert" data-testid="mirror-error">
          {s.error}
        </p>
      )}
    </section>
  );
}
