import { useEffect, useState } from 'react';
import { CLASS_INFO } from '../../../shared/queue/classify';
import type { QueueDetail as Detail } from '../../../shared/ipc/queue-contract';
import { VISITOR_FIELDS } from '../../../shared/visitor';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { countdown, shortTime, showValue, statusText } from './format';

const ACTION_WORD = { create: 'Create', update: 'Update', delete: 'Delete' } as const;

function attemptResult(a: Detail['attempts'][number]): string {
  if (a.outcome === 'success') return 'Accepted';
  if (a.outcome === 'conflict') return 'Conflict';
  const status = a.httpStatus === null ? 'no answer' : `HTTP ${a.httpStatus}`;
  return `${a.outcome === 'retry' ? 'Will retry' : 'Failed'} · ${status}`;
}

/** One operation: why it failed, what to do, its payload against the mirror, and every attempt. */
export function QueueDetail(props: {
  opId: string;
  /** Bumped by the screen when the queue changed, so the panel rereads. */
  version: number;
  canAct: boolean;
  now: number;
  onRetry: (opId: string) => void;
  onDiscard: (detail: Detail) => void;
  onEdited: (message: string) => void;
  onClose: () => void;
}) {
  const { opId, version } = props;
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    getApi()
      .invoke('queue:detail', { opId })
      .then(
        (d) => {
          if (!live) return;
          setDetail(d);
          setError(null);
        },
        (err: unknown) => live && setError(errorText(err)),
      );
    return () => {
      live = false;
    };
  }, [opId, version]);

  if (error)
    return (
      <aside className="q-detail" aria-label="Operation details">
        <p role="alert" className="q-error">
          {error}
        </p>
        <button onClick={props.onClose}>Close</button>
      </aside>
    );
  if (!detail)
    return <aside className="q-detail" aria-label="Operation details" aria-busy="true" />;

  const { item } = detail;
  const info = CLASS_INFO[item.cls];
  const data = item.data ?? {};
  const fields = VISITOR_FIELDS.filter(
    (f) => Object.hasOwn(data, f) || (item.action !== 'update' && detail.mirror),
  );

  const saveEdit = () => {
    if (editing === null) return;
    setBusy(true);
    getApi()
      .invoke('queue:editRetry', { opId, text: editing })
      .then(
        (r) => {
          setEditing(null);
          setEditError(null);
          props.onEdited(
            r.syncStarted
              ? 'Edited payload saved; sending it now.'
              : 'Edited payload saved; it goes with the next sync.',
          );
        },
        (err: unknown) => setEditError(errorText(err)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <aside className="q-detail" aria-label="Operation details">
      <div className="q-detail-head">
        <h2>
          {ACTION_WORD[item.action]} of {item.visitorName || item.localId}
        </h2>
        <button className="q-link" onClick={props.onClose} aria-label="Close details">
          ✕
        </button>
      </div>
      <dl className="q-facts">
        <dt>Status</dt>
        <dd data-testid="detail-status">{statusText(item)}</dd>
        <dt>Operation</dt>
        <dd className="q-mono">{item.opId}</dd>
        <dt>Attempts</dt>
        <dd data-testid="detail-attempts">{item.attempts}</dd>
        <dt>Next attempt</dt>
        <dd>{item.status === 'retrying' ? countdown(item.nextAttemptAt, props.now) : '—'}</dd>
      </dl>

      <section className={`q-why q-why-${item.cls}`} aria-label="Why it failed">
        <h3>
          <span className={`q-class q-class-${item.cls}`}>{info.label}</span>{' '}
          <span className="q-mono">{item.code}</span>
        </h3>
        <p data-testid="detail-message">{item.message || 'No message from the server.'}</p>
        <p className="q-muted">{info.explanation}</p>
        <p role="note" aria-label="What to do">
          <strong>What to do: </strong>
          {info.action}
        </p>
      </section>

      {props.canAct && item.source === 'outbox' && (
        <div className="q-actions" role="group" aria-label="Actions on this operation">
          <button className="primary" onClick={() => props.onRetry(opId)}>
            Retry now
          </button>
          {detail.editable && editing === null && (
            <button onClick={() => setEditing(JSON.stringify(item.data ?? {}, null, 2))}>
              Edit payload…
            </button>
          )}
          <button className="q-danger" onClick={() => props.onDiscard(detail)}>
            Discard…
          </button>
        </div>
      )}
      {props.canAct && !detail.editable && detail.notEditableReason && (
        <p className="q-muted" data-testid="not-editable">
          {detail.notEditableReason}
        </p>
      )}

      {editing !== null && (
        <section className="q-edit" aria-label="Edit payload">
          <label htmlFor="q-payload">
            Payload (JSON,{' '}
            {item.action === 'create' ? 'the whole record' : 'only the changed fields'})
          </label>
          <textarea
            id="q-payload"
            aria-label="Payload (JSON)"
            aria-invalid={editError !== null}
            aria-describedby={editError ? 'q-payload-error' : undefined}
            spellCheck={false}
            rows={10}
            value={editing}
            onChange={(e) => setEditing(e.target.value)}
          />
          {editError && (
            <p id="q-payload-error" role="alert" className="q-error">
              {editError}
            </p>
          )}
          <div className="q-actions">
            <button className="primary" disabled={busy} onClick={saveEdit}>
              Save and retry
            </button>
            <button onClick={() => setEditing(null)}>Cancel</button>
          </div>
        </section>
      )}

      <section aria-label="Payload against the mirror">
        <h3>Payload against the mirror</h3>
        {item.action === 'delete' ? (
          <p className="q-muted">Deletes the record on the server.</p>
        ) : (
          <table className="q-diff" aria-label="Payload diff">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">This change</th>
                <th scope="col">Local mirror</th>
                <th scope="col">Server</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((f) => {
                const sent = Object.hasOwn(data, f);
                const changed = sent && showValue(data[f]) !== showValue(detail.server?.[f]);
                return (
                  <tr key={f} className={changed ? 'q-changed' : ''} data-field={f}>
                    <th scope="row">{f}</th>
                    <td>{sent ? showValue(data[f]) : ''}</td>
                    <td>{detail.mirror ? showValue(detail.mirror[f]) : '(not in mirror)'}</td>
                    <td>{detail.server ? showValue(detail.server[f]) : '(not on server)'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section aria-label="Attempts">
        <h3>Attempts</h3>
        {detail.attempts.length === 0 ? (
          <p className="q-muted">Never sent.</p>
        ) : (
          <ol className="q-timeline" aria-label="Attempt timeline">
            {detail.attempts.map((a, i) => (
              <li key={i} data-testid="attempt">
                <span className="q-when">{shortTime(a.at)}</span>
                <span>
                  {a.runId !== null ? `run ${a.runId}` : 'run —'}
                  {a.chunk ? ` · chunk ${a.chunk}` : ''}
                </span>
                <span className={`q-outcome q-outcome-${a.outcome}`}>{attemptResult(a)}</span>
                {a.error && (
                  <span className="q-muted">
                    {a.error.code}: {a.error.message}
                  </span>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </aside>
  );
}
