import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Action } from '../../../shared/protocol';
import { CLASS_INFO, ERROR_CLASSES, type ErrorClass } from '../../../shared/queue/classify';
import { getApi } from '../api';
import { ArchiveView } from './ArchiveView';
import { ClusterDialogs } from './ClusterDialogs';
import { ConfirmDialog } from './ConfirmDialog';
import { plural } from './format';
import { GroupList } from './GroupList';
import { QueueDetail as DetailPanel } from './QueueDetail';
import { QueueStore, type QueueActionKind, type QueueFilterChoices } from './queue-store';
import { QueueTable } from './QueueTable';
import { selectionTooLarge } from './selection-limit';
import { useNow } from './useNow';
import './queue.css';
import { formatNumber } from '../intl';

const VERB: Record<QueueActionKind, string> = {
  retry: 'Retry',
  discard: 'Discard',
  export: 'Export',
  archiveExported: 'Archive',
};

/** The admins' console for what did not go through: layout over the queue store. */
export function QueueScreen() {
  const [store] = useState(() => new QueueStore(getApi()));
  useEffect(() => {
    store.start();
    return store.stop;
  }, [store]);
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const now = useNow(1000);
  const { role, facets, groups, rows, selected, current, pending, busy, notice, unconfirmed } = s;
  const canAct = store.canAct;
  const total = store.total();
  const ask = store.ask;
  // Null while nothing is ticked, a Shift-click range still waits for its opIds, or
  // more are ticked than one action takes (then `tooLarge` says so).
  const selection = selected.size > 0 ? store.selectionTarget() : null;
  const tooLarge = selectionTooLarge(selected.size);
  const matching = store.matchingTarget();

  const tabs = (
    <span className="q-tabs" role="tablist" aria-label="Queue or archive">
      <button role="tab" aria-selected={s.view === 'queue'} onClick={() => store.setView('queue')}>
        Queue
      </button>
      <button
        role="tab"
        aria-selected={s.view === 'archive'}
        onClick={() => store.setView('archive')}
      >
        Archive
      </button>
    </span>
  );
  if (s.view === 'archive')
    return (
      <div className="q-screen">
        <div className="q-head">
          <h1>Retry queue</h1>
          {tabs}
        </div>
        <ArchiveView store={store.archive} canAct={canAct} />
      </div>
    );

  const codes = facets?.codes ?? [];
  return (
    <div className="q-screen">
      <div className="q-head">
        <h1>Retry queue</h1>
        {tabs}
        <span className="q-counts" data-testid="queue-counts">
          {facets
            ? `${plural(facets.retrying, 'retrying', 'retrying')} · ${plural(facets.failed, 'failed', 'failed')}`
            : 'Counting…'}
        </span>
        <span
          className={`q-role q-role-${role?.role ?? 'unknown'}`}
          data-testid="queue-role"
          title={role?.reason ?? undefined}
        >
          {role === null
            ? 'Checking your role…'
            : role.role === 'admin'
              ? `Admin${role.name ? ` · ${role.name}` : ''}`
              : role.role === 'staff'
                ? 'Staff · read-only'
                : 'Read-only · role unknown'}
        </span>
        <button className="q-link" onClick={store.loadRole}>
          Check role again
        </button>
        {canAct && facets && facets.failed > 0 && (
          <button onClick={store.askArchiveExported}>
            Archive exported ({formatNumber(facets.exportedFailed)})…
          </button>
        )}
      </div>
      {role && role.role !== 'admin' && (
        <p className="q-banner" role="note" data-testid="read-only-note">
          {role.role === 'staff'
            ? 'You are signed in with a staff token: you can see the queue, and an admin acts on it.'
            : `The queue is read-only: ${role.reason ?? 'the role could not be checked.'}`}
        </p>
      )}

      <div className="q-filters" role="search" aria-label="Filter the queue">
        <label>
          Status
          <select
            aria-label="Filter by status"
            value={s.status ?? ''}
            onChange={(e) =>
              store.setFilter({
                status: (e.target.value || null) as QueueFilterChoices['status'],
              })
            }
          >
            <option value="">Retrying and failed</option>
            <option value="retrying">Retrying</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label>
          Kind
          <select
            aria-label="Filter by kind of error"
            value={s.cls ?? ''}
            onChange={(e) =>
              store.setFilter({ cls: (e.target.value || null) as ErrorClass | null })
            }
          >
            <option value="">Every kind</option>
            {ERROR_CLASSES.map((c) => (
              <option key={c} value={c}>
                {CLASS_INFO[c].label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Code
          <select
            aria-label="Filter by error code"
            value={s.code ?? ''}
            onChange={(e) => store.setFilter({ code: e.target.value || null })}
          >
            <option value="">Every code</option>
            {codes.map((c) => (
              <option key={c.code} value={c.code}>
                {c.code} ({formatNumber(c.count)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Action
          <select
            aria-label="Filter by action"
            value={s.action ?? ''}
            onChange={(e) => store.setFilter({ action: (e.target.value || null) as Action | null })}
          >
            <option value="">Every action</option>
            <option value="create">Create</option>
            <option value="update">Update</option>
            <option value="delete">Delete</option>
          </select>
        </label>
        <input
          type="search"
          className="search"
          aria-label="Search the queue"
          placeholder="Visitor, message, payload or id"
          value={s.text}
          onChange={(e) => store.setFilter({ text: e.target.value })}
        />
        <span className="count" data-testid="queue-total">
          {rows.total === null ? 'Counting…' : `${plural(total, 'operation')} match`}
        </span>
      </div>

      <GroupList
        groups={groups?.groups ?? null}
        total={groups?.total ?? 0}
        active={s.signature}
        canAct={canAct}
        onShow={(signature) => store.setFilter({ signature })}
        onAct={store.askGroup}
      />

      {canAct && (
        <div className="q-bulk">
          <div role="group" aria-label="Selected operations">
            <span data-testid="selected-count" aria-live="polite">
              {s.selecting ? 'selecting the range…' : plural(selected.size, 'selected', 'selected')}
            </span>
            <button
              disabled={!selection}
              onClick={() => selection && ask('retry', selection, selected.size, 'selected')}
            >
              Retry selected
            </button>
            <button
              disabled={!selection}
              onClick={() =>
                selection && ask('export', selection, selected.size, 'selected', 'csv')
              }
            >
              Export selected
            </button>
            <button
              className="q-danger"
              disabled={!selection}
              onClick={() => selection && ask('discard', selection, selected.size, 'selected')}
            >
              Discard selected
            </button>
            {(selected.size > 0 || s.selecting) && (
              <button className="q-link" onClick={store.clearSelection}>
                Clear selection
              </button>
            )}
            {tooLarge && (
              <p className="q-limit" role="status" data-testid="selection-too-large">
                {tooLarge}
              </p>
            )}
          </div>
          <div role="group" aria-label="All matching operations">
            <span>All {plural(total, 'match', 'matches')}:</span>
            <button disabled={!total} onClick={() => ask('retry', matching, total, 'matching')}>
              Retry all
            </button>
            <button
              disabled={!total}
              onClick={() => ask('export', matching, total, 'matching', 'csv')}
            >
              Export CSV
            </button>
            <button
              disabled={!total}
              onClick={() => ask('export', matching, total, 'matching', 'json')}
            >
              Export JSON
            </button>
            <button
              className="q-danger"
              disabled={!total}
              onClick={() => ask('discard', matching, total, 'matching')}
            >
              Discard all
            </button>
          </div>
        </div>
      )}

      {unconfirmed && (
        <div
          className="q-notice"
          role="group"
          aria-label="Confirm the export"
          data-testid="export-confirm"
        >
          <p>
            {`${unconfirmed.filename} (${plural(unconfirmed.count, 'operation')}) was handed to the browser to save. Once the file is saved, confirm it: only then are the operations marked exported, and may be archived at once.`}
          </p>
          <button disabled={busy} onClick={() => void store.settleExport(true)}>
            The file is saved
          </button>
          <button className="q-link" disabled={busy} onClick={() => void store.settleExport(false)}>
            It was not saved
          </button>
        </div>
      )}
      {notice && (
        <p
          className={`q-notice${notice.error ? ' error' : ''}`}
          role={notice.error ? 'alert' : 'status'}
          data-testid="queue-notice"
        >
          {notice.text}
          <button className="q-link" onClick={store.dismissNotice} aria-label="Dismiss">
            ✕
          </button>
        </p>
      )}
      {rows.error && (
        <p className="q-notice error" role="alert">
          {rows.error}
        </p>
      )}

      <div className="q-body">
        <QueueTable
          total={total}
          getRow={rows.getRow}
          ensureRange={rows.ensureRange}
          sort={s.sort}
          onSort={store.setSort}
          currentId={current}
          onOpen={store.open}
          selectable={canAct}
          selected={selected}
          onTick={store.tick}
          now={now}
        />
        {current && (
          <DetailPanel
            key={current}
            opId={current}
            version={s.version}
            canAct={canAct}
            now={now}
            onRetry={(id) => void store.retryOne(id)}
            onDiscard={store.discardOne}
            onEdited={store.edited}
            onClose={() => store.open(null)}
          />
        )}
      </div>

      <ClusterDialogs store={store.clusters} />
      {pending && (
        <ConfirmDialog
          title={
            pending.kind === 'archiveExported'
              ? `Move ${plural(pending.count, 'exported failed operation')} to the archive?`
              : `${VERB[pending.kind]} ${plural(pending.count, 'operation')}?`
          }
          confirmLabel={
            pending.kind === 'archiveExported'
              ? `Archive ${formatNumber(pending.count)}`
              : `${VERB[pending.kind]} ${plural(pending.count, 'operation')}${pending.format ? ` as ${pending.format.toUpperCase()}` : ''}`
          }
          danger={pending.kind === 'discard' || pending.kind === 'archiveExported'}
          busy={busy}
          onCancel={store.cancelPending}
          onConfirm={() => void store.confirm()}
        >
          {pending.kind === 'retry' && (
            <p>
              {plural(pending.count, 'operation')} ({pending.what}) go out again now, each with a
              fresh set of attempts.
            </p>
          )}
          {pending.kind === 'discard' && (
            <p>
              The local change{pending.count === 1 ? '' : 's'} of{' '}
              {pending.count === 1 && pending.what !== 'selected' && pending.what !== 'matching'
                ? pending.what
                : plural(pending.count, 'operation')}{' '}
              {pending.count === 1 ? 'goes' : 'go'} to the archive, kept whole (payload, every
              attempt&apos;s error, who and when), and each record goes back to the server&apos;s
              version. A create the server never had takes the later changes of its visitor with it
              (they cannot be sent without it); the result counts them. The archive can restore
              them, and export them before a purge; it is recorded in the audit trail.
            </p>
          )}
          {pending.kind === 'export' && (
            <p>
              Saves {plural(pending.count, 'operation')} with their errors and payloads as a{' '}
              {(pending.format ?? 'csv').toUpperCase()} file. Once the file is saved, its failed
              operations may be moved to the archive at once (“Archive exported”).
            </p>
          )}
          {pending.kind === 'archiveExported' && (
            <p>
              The {plural(pending.count, 'failed operation')} that were exported leave the queue for
              the archive, kept whole (payload, every attempt&apos;s error, who and when), and each
              record goes back to the server&apos;s version. The archive can restore them; it
              deletes them only on a purge, after its own export is saved.{' '}
              {facets && facets.unexportedFailed > 0
                ? `${plural(facets.unexportedFailed, 'failed operation')} not exported yet will be kept.`
                : ''}
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
