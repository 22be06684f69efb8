import { useState, type FormEvent } from 'react';
import type { SyncStatus } from '../../../shared/ipc/contract';
import type { SyncStore } from './sync-store';

/** Which server to sync with, and whether it is set up and reachable. */
export function ConnectionCard({
  store,
  status,
  busy,
}: {
  store: SyncStore;
  status: SyncStatus | null;
  busy: boolean;
}) {
  const [serverUrl, setServerUrl] = useState(() => status?.serverUrl ?? '');
  const [token, setToken] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setSaved(false);
    const result = await store.connect(serverUrl, token);
    setSaving(false);
    if (result.ok) {
      setFields({});
      setMessage(null);
      setToken('');
      setSaved(true);
    } else {
      setFields(result.fields);
      setMessage(result.message);
    }
  };

  const configured = status?.configured === true;
  const online = status?.online !== false;
  return (
    <section className="sync-card connection-card" aria-labelledby="connection-title">
      <div className="sync-card-head">
        <h2 id="connection-title">Connection</h2>
        <span
          className={`conn-pill ${!configured ? 'off' : online ? 'on' : 'offline'}`}
          data-testid="connection-state"
        >
          <span className="conn-dot" aria-hidden="true" />
          {!status
            ? 'Checking…'
            : !configured
              ? 'Not set up'
              : online
                ? 'Connected · online'
                : 'Connected · offline'}
        </span>
      </div>
      <dl className="conn-facts">
        <dt>Server</dt>
        <dd data-testid="connection-server">{status?.serverUrl ?? 'None yet'}</dd>
        <dt>Network</dt>
        <dd data-testid="connection-network">
          {online ? 'This computer is online' : 'This computer is offline'}
        </dd>
      </dl>
      <form className="conn-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className={`field${fields.serverUrl ? ' invalid' : ''}`}>
          <label htmlFor="sync-server-url">Server address</label>
          <input
            id="sync-server-url"
            type="url"
            inputMode="url"
            autoComplete="url"
            spellCheck={false}
            placeholder="https://sync.example.com"
            value={serverUrl}
            aria-invalid={fields.serverUrl ? true : undefined}
            aria-describedby={fields.serverUrl ? 'sync-server-url-error' : undefined}
            onChange={(e) => setServerUrl(e.target.value)}
          />
          {fields.serverUrl && (
            <span className="field-error" id="sync-server-url-error">
              Server address {fields.serverUrl}
            </span>
          )}
        </div>
        <div className={`field${fields.token ? ' invalid' : ''}`}>
          <label htmlFor="sync-token">Token</label>
          <input
            id="sync-token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={configured ? 'Enter the token again to change the connection' : ''}
            value={token}
            aria-invalid={fields.token ? true : undefined}
            aria-describedby={fields.token ? 'sync-token-error' : undefined}
            onChange={(e) => setToken(e.target.value)}
          />
          {fields.token && (
            <span className="field-error" id="sync-token-error">
              Token {fields.token}
            </span>
          )}
        </div>
        <div className="conn-actions">
          <button type="submit" className={configured ? '' : 'primary'} disabled={saving || busy}>
            {configured ? 'Update connection' : 'Connect'}
          </button>
          {saved && !message && (
            <span className="conn-saved" role="status" data-testid="connection-saved">
              Connection set
            </span>
          )}
        </div>
        {message && !Object.keys(fields).length && (
          <div className="banner error" role="alert">
            {message}
          </div>
        )}
      </form>
      <p className="sync-hint" data-testid="connection-hint">
        The connection lasts until the console is closed; to keep one (tested first, the token
        stored encrypted), connect in Settings. The token is not shown again.
      </p>
    </section>
  );
}
