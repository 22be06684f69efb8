import { useEffect, useSyncExternalStore } from 'react';
import { CLASS_INFO } from '../../../shared/queue/classify';
import { ConfirmDialog } from './ConfirmDialog';
import type { ArchiveStore } from './archive-store';
import { plural, shortTime, showValue } from './format';

/** The archive of discarded operations: restore, export, and purge what a saved export holds. */
export function ArchiveView({ store, canAct }: { store: ArchiveStore; canAct: boolean }) {
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  useEffect(() => store.start(), [store]);
  const current = s.rows.find((r) => r.id === s.current) ?? null;
  const total = s.total ?? 0;
  const exported = s.facets?.exported ?? 0;

  return (
    <section className="q-archive" aria-label="Archive of discarded operations">
      <p className="q-muted">
        Discarded operations are kept here whole: the payload, every attempt&apos;s error, who
        discarded them and when. Restore one to the queue, or export them; only what was exported to
        a saved file may be purged.
      </p>
      <div className="q-filters" role="search" aria-label="Search the archive">
        <input
          type="search"
          className="search"
          aria-label="Search the archive"
          placeholder="Visitor, message, payload, id or who discarded it"
          value={s.text}
          onChange={(e) => store.setText(e.target.value)}
        />
        <span className="count" data-testid="archive-total">
          {s.total === null ? 'Counting…' : `${plural(total, 'archived operation')}`}
          {s.facets ? ` · ${exported.toLocaleString('en-US')} exported` : ''}
        </span>
      </div>

      {canAct && (
        <div className="q-bulk">
          <div role="group" aria-label="Selected archived operations">
            <span>{plural(s.selected.size, 'selected', 'selected')}</span>
            <button
              disabled={!s.selected.size}
              onClick={() => store.askFor({ kind: 'restore', ...store.targetOf('selected') })}
            >
              Restore selected
            </button>
          </div>
          <div role="group" aria-label="All archived operations matching">
            <span>All {plural(total, 'match', 'matches')}:</span>
            <button
              disabled={!total}
              onClick={() =>
                store.askFor({ kind: 'export', format: 'csv', ...store.targetOf('matching') })
              }
            >
              Export archive CSV
            </button>
            <button
              disabled={!total}
              onClick={() =>
                store.askFor({ kind: 'export', format: 'json', ...store.targetOf('matching') })
              }
            >
              Export archive JSON
            </button>
            <button
              className="q-danger"
              disabled={!exported}
              title={exported ? undefined : 'Export first: only exported operations may be purged'}
              onClick={() => store.askFor({ kind: 'purge', count: exported })}
            >
              Purge exported ({exported.toLocaleString('en-US')})…
            </button>
          </div>
        </div>
      )}

      {s.unconfirmed && (
        <div
          className="q-notice"
          role="group"
          aria-label="Confirm the archive export"
          data-testid="archive-export-confirm"
        >
          <p>
            {`${s.unconfirmed.filename} (${plural(s.unconfirmed.count, 'operation')}) was handed to the browser to save. Once the file is saved, confirm it: only then may these operations be purged.`}
          </p>
          <button disabled={s.busy} onClick={() => void store.settleExport(true)}>
            The file is saved
          </button>
          <button
            className="q-link"
            disabled={s.busy}
            onClick={() => void store.settleExport(false)}
          >
            It was not saved
          </button>
        </div>
      )}
      {s.notice && (
        <p
          className={`q-notice${s.notice.error ? ' error' : ''}`}
          role={s.notice.error ? 'alert' : 'status'}
          data-testid="archive-notice"
        >
          {s.notice.text}
          <button className="q-link" onClick={store.dismiss} aria-label="Dismiss">
            ✕
          </button>
        </p>
      )}

      <div className="q-body">
        <div className="q-archive-table">
          <table aria-label="Archived operations">
            <thead>
              <tr>
                {canAct && <th aria-label="Select" />}
                <th>Visitor</th>
                <th>Action</th>
                <th>Error</th>
                <th>Attempts</th>
                <th>Discarded</th>
                <th>By</th>
                <th>Exported</th>
              </tr>
            </thead>
            <tbody>
              {s.rows.map((r) => (
                <tr
                  key={r.id}
                  data-testid="archive-row"
                  className={r.id === s.current ? 'current' : ''}
                  onClick={() => store.open(r.id)}
                >
                  {canAct && (
                    <td onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label={`Select ${r.visitorName || r.localId}`}
                        checked={s.selected.has(r.id)}
                        onChange={() => store.toggle(r.id)}
                      />
                    </td>
                  )}
                  <td>{r.visitorName || r.localId}</td>
                  <td>{r.action}</td>
                  <td title={`${r.code}: ${r.message}`}>
                    <span className={`q-class q-class-${r.cls}`}>{CLASS_INFO[r.cls].label}</span>{' '}
                    {r.message}
                  </td>
                  <td>{r.attempts}</td>
                  <td>{shortTime(r.archivedAt)}</td>
                  <td>{r.serverName ? `${r.archivedBy} (${r.serverName})` : r.archivedBy}</td>
                  <td>{r.exportedAt ? shortTime(r.exportedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.rows.length < total && (
            <button className="q-link" onClick={() => void store.loadMore()}>
              Load more ({(total - s.rows.length).toLocaleString('en-US')} older)
            </button>
          )}
          {s.total === 0 && <p className="q-muted">Nothing has been discarded.</p>}
        </div>
        {current && (
          <aside className="q-detail" aria-label="Archived operation" data-testid="archive-detail">
            <h2>
              {current.action} of {current.visitorName || current.localId}
            </h2>
            <p>
              Discarded {shortTime(current.archivedAt)} by {current.archivedBy}
              {current.serverName ? ` (${current.serverName})` : ''}; it was {current.was}.
              {current.dependsOn ? ` It came along with ${current.dependsOn}.` : ''}
            </p>
            <h3>Payload</h3>
            {current.data ? (
              <dl className="q-facts">
                {Object.entries(current.data).map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{showValue(v)}</dd>
                  </div>
                ))}
              </dl>
            ) : (
              <p className="q-muted">A delete carries no payload.</p>
            )}
            <h3>Attempts</h3>
            <ol className="q-timeline">
              {current.attemptLog.map((a, i) => (
                <li key={i}>
                  {shortTime(a.at)} · {a.outcome}
                  {a.httpStatus !== null ? ` · HTTP ${a.httpStatus}` : ''}
                  {a.error ? ` · ${a.error.code}: ${a.error.message}` : ''}
                </li>
              ))}
              {current.attemptLog.length === 0 && <li>Never sent.</li>}
            </ol>
            <button className="q-link" onClick={() => store.open(null)}>
              Close
            </button>
          </aside>
        )}
      </div>

      {s.ask && (
        <ConfirmDialog
          title={
            s.ask.kind === 'restore'
              ? `Restore ${plural(s.ask.count, 'operation')}?`
              : s.ask.kind === 'purge'
                ? `Purge ${plural(s.ask.count, 'exported operation')}?`
                : `Export ${plural(s.ask.count, 'archived operation')}?`
          }
          confirmLabel={
            s.ask.kind === 'restore'
              ? `Restore ${s.ask.count.toLocaleString('en-US')}`
              : s.ask.kind === 'purge'
                ? `Purge ${s.ask.count.toLocaleString('en-US')}`
                : `Export ${s.ask.count.toLocaleString('en-US')} as ${s.ask.format.toUpperCase()}`
          }
          danger={s.ask.kind === 'purge'}
          busy={s.busy}
          onCancel={store.cancel}
          onConfirm={() => void store.confirm()}
        >
          {s.ask.kind === 'restore' && (
            <p>
              They go back to the queue as failed, with their attempts, and each visitor shows the
              change again. A create comes back with the changes discarded with it.
            </p>
          )}
          {s.ask.kind === 'export' && (
            <p>
              Saves them with their payloads and every attempt&apos;s error. Once the file is saved,
              they may be purged.
            </p>
          )}
          {s.ask.kind === 'purge' && (
            <p>
              Deletes for good the archived operations that were exported to a saved file.{' '}
              {s.facets && s.facets.unexported > 0
                ? `${plural(s.facets.unexported, 'operation')} not exported yet will be kept.`
                : ''}
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
