import { useState, type FormEvent } from 'react';
import { issueFields } from '../../../shared/errors';
import {
  ConnectRequestSchema,
  type ConnectionTestResult,
  type SetupState,
} from '../../../shared/ipc/setup-contract';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { PROBLEM_TITLES } from './problem-words';

type Outcome =
  { kind: 'tested'; result: ConnectionTestResult } | { kind: 'refused'; message: string } | null;

/**
 * Server address and token, a connection test (GET /api/me) that says what
 * is wrong in plain words, and Connect, which tests again and saves.
 */
export function ConnectForm({
  idPrefix,
  initialUrl = '',
  onConnected,
}: {
  idPrefix: string;
  initialUrl?: string;
  onConnected: (state: SetupState) => void;
}) {
  const [serverUrl, setServerUrl] = useState(initialUrl);
  const [token, setToken] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<'test' | 'connect' | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const checked = () => {
    const parsed = ConnectRequestSchema.safeParse({ serverUrl, token });
    if (!parsed.success) {
      setFields(issueFields(parsed.error));
      setOutcome(null);
      return null;
    }
    setFields({});
    return parsed.data;
  };

  const test = async () => {
    const req = checked();
    if (!req) return;
    setBusy('test');
    setOutcome(null);
    try {
      setOutcome({ kind: 'tested', result: await getApi().invoke('setup:testConnection', req) });
    } catch (err) {
      setOutcome({ kind: 'refused', message: errorText(err) });
    }
    setBusy(null);
  };

  const connect = async (e: FormEvent) => {
    e.preventDefault();
    const req = checked();
    if (!req) return;
    setBusy('connect');
    setOutcome(null);
    try {
      const state = await getApi().invoke('setup:connect', req);
      setToken('');
      setBusy(null);
      onConnected(state);
    } catch (err) {
      setBusy(null);
      setOutcome({ kind: 'refused', message: errorText(err) });
    }
  };

  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <form className="connect-form" onSubmit={(e) => void connect(e)} noValidate>
      <div className={`field${fields.serverUrl ? ' invalid' : ''}`}>
        <label htmlFor={id('url')}>Server address</label>
        <input
          id={id('url')}
          type="url"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          placeholder="https://sync.example.com"
          value={serverUrl}
          aria-invalid={fields.serverUrl ? true : undefined}
          aria-describedby={fields.serverUrl ? id('url-error') : undefined}
          onChange={(e) => setServerUrl(e.target.value)}
        />
        {fields.serverUrl && (
          <span className="field-error" id={id('url-error')}>
            Server address {fields.serverUrl}
          </span>
        )}
      </div>
      <div className={`field${fields.token ? ' invalid' : ''}`}>
        <label htmlFor={id('token')}>Token</label>
        <input
          id={id('token')}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          aria-invalid={fields.token ? true : undefined}
          aria-describedby={fields.token ? id('token-error') : undefined}
          onChange={(e) => setToken(e.target.value)}
        />
        {fields.token && (
          <span className="field-error" id={id('token-error')}>
            Token {fields.token}
          </span>
        )}
      </div>
      <div className="connect-actions">
        <button type="button" onClick={() => void test()} disabled={busy !== null}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="primary" disabled={busy !== null}>
          {busy === 'connect' ? 'Connecting…' : 'Connect'}
        </button>
      </div>
      <ConnectOutcome outcome={outcome} />
    </form>
  );
}

function ConnectOutcome({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  if (outcome.kind === 'refused')
    return (
      <div className="connect-result bad" role="alert" data-testid="connection-result">
        <strong>Not connected</strong>
        <p>{outcome.message}</p>
      </div>
    );
  const r = outcome.result;
  if (r.ok)
    return (
      <div className="connect-result good" role="status" data-testid="connection-result">
        <strong>Connection works</strong>
        <p>
          {r.serverUrl} accepts this token as {r.role === 'admin' ? 'an admin' : 'staff'}
          {r.name ? ` (${r.name})` : ''}. Answered in {Math.round(r.latencyMs)} ms.
        </p>
      </div>
    );
  return (
    <div className="connect-result bad" role="alert" data-testid="connection-result">
      <strong>{PROBLEM_TITLES[r.problem]}</strong>
      <p>{r.message}</p>
      <p className="connect-hint">{r.hint}</p>
    </div>
  );
}
