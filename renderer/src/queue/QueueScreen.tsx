import {
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import type { Action } from '../../../shared/protocol';
import { CLASS_INFO, ERROR_CLASSES, type ErrorClass } from '../../../shared/queue/classify';
import type {
  QueueDetail,
  QueueFacets,
  QueueFilterIn,
  QueueGroup,
  QueueRole,
  QueueSort,
  QueueTargetIn,
} from '../../../shared/ipc/queue-contract';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { ArchiveStore } from './archive-store';
import { ArchiveView } from './ArchiveView';
import { ClusterDialogs } from './ClusterDialogs';
import { ClusterStore } from './cluster-store';
import { ConfirmDialog } from './ConfirmDialog';
import { plural } from './format';
import { GroupList } from './GroupList';
import { QueueDetail as DetailPanel } from './QueueDetail';
import { QueueRows } from './queue-rows';
import { QueueTable } from './QueueTable';
import { useNow } from './useNow';
import './queue.css';

const NONE: ReadonlySet<string> = new Set();

type Kind = 'retry' | 'discard' | 'export' | 'purge';
interface Pending {
  kind: Kind;
  format?: 'csv' | 'json';
  target: QueueTargetIn;
  count: number;
  what: string;
}

const VERB: Record<Kind, string> = {
  retry: 'Retry',
  discard: 'Discard',
  export: 'Export',
  purge: 'Purge',
};

function download(filename: string, mime: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The admins' console for what did not go through: the retry queue and failed operations. */
export function QueueScreen() {
  const api = getApi();
  const now = useNow(1000);
  const [role, setRole] = useState<QueueRole | null>(null);
  const [facets, setFacets] = useState<QueueFacets | null>(null);
  const [groups, setGroups] = useState<{ groups: QueueGroup[]; total: number } | null>(null);
  const [status, setStatus] = useState<'retrying' | 'failed' | null>(null);
  const [cls, setCls] = useState<ErrorClass | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [textInput, setTextInput] = useState('');
  const text = useDeferredValue(textInput.trim());
  const [signature, setSignature] = useState<string | null>(null);
  const [sort, setSort] = useState<QueueSort>({ column: 'created', direction: 'asc' });
  const [picked, setPicked] = useState<{ key: string; ids: ReadonlySet<string> }>({
    key: '',
    ids: NONE,
  });
  const [current, setCurrent] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error?: boolean } | null>(null);
  const [view, setView] = useState<'queue' | 'archive'>('queue');
  const archive = useMemo(() => new ArchiveStore(api), [api]);
  // Their results come back as the screen's notice; queue:changed rereads the rows.
  const clusters = useMemo(() => new ClusterStore(api, (text) => setNotice({ text })), [api]);
  // An export the window saved itself (no desktop save dialog): marked only once confirmed.
  const [unconfirmed, setUnconfirmed] = useState<{
    exportId: string;
    filename: string;
    count: number;
  } | null>(null);

  const filter: QueueFilterIn = useMemo(
    () => ({ status, cls, code, action, text, signature }),
    [status, cls, code, action, text, signature],
  );
  const rows = useMemo(() => new QueueRows(api, filter, sort), [api, filter, sort]);
  useSyncExternalStore(rows.subscribe, rows.getVersion);
  useEffect(() => {
    rows.start();
    return rows.stop;
  }, [rows]);
  // A new filter starts a new selection: acting on rows no longer shown would surprise.
  const filterKey = JSON.stringify(filter);
  const selected = picked.key === filterKey ? picked.ids : NONE;
  const setSelected = useCallback(
    (ids: ReadonlySet<string>) => setPicked({ key: filterKey, ids }),
    [filterKey],
  );

  const loadRole = useCallback(() => {
    api
      .invoke('queue:role', {})
      .then(setRole, (err: unknown) => setRole({ role: null, name: null, reason: errorText(err) }));
  }, [api]);
  useEffect(loadRole, [loadRole]);

  useEffect(() => {
    api.invoke('queue:facets', {}).then(setFacets, () => undefined);
    api
      .invoke('queue:groups', { filter: { ...filter, signature: null } })
      .then(setGroups, () => undefined);
  }, [api, filter, version]);

  // Runs and other windows change the queue: reread, at most every 300 ms.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const bump = () => {
      timer ??= setTimeout(() => {
        timer = null;
        rows.refresh();
        setVersion((v) => v + 1);
      }, 300);
    };
    const offs = [api.on('outbox:changed', bump), api.on('queue:changed', bump)];
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [api, rows]);

  const canAct = role?.role === 'admin';
  const total = rows.total ?? 0;

  const toggle = useCallback(
    (opId: string) =>
      setPicked((s) => {
        const next = new Set(s.key === filterKey ? s.ids : NONE);
        if (next.has(opId)) next.delete(opId);
        else next.add(opId);
        return { key: filterKey, ids: next };
      }),
    [filterKey],
  );

  const ask = (
    kind: Kind,
    target: QueueTargetIn,
    count: number,
    what: string,
    format?: 'csv' | 'json',
  ) => setPending({ kind, target, count, what, ...(format ? { format } : {}) });

  const run = async (p: Pending) => {
    setBusy(true);
    try {
      if (p.kind === 'export') {
        const file = await api.invoke('queue:export', { ...p.target, format: p.format ?? 'csv' });
        if (file.saved === 'main') {
          const changed = file.count - file.marked;
          setNotice({
            text: `Exported ${plural(file.count, 'operation')} to ${file.path ?? file.filename}.${changed > 0 ? ` ${plural(changed, 'operation')} changed meanwhile and ${changed === 1 ? 'is' : 'are'} not marked exported.` : ''}`,
          });
        } else if (file.saved === 'cancelled') {
          setNotice({
            text: 'Export cancelled: no file was saved, and nothing was marked exported.',
          });
        } else {
          download(file.filename, file.mime, file.content);
          setUnconfirmed({ exportId: file.exportId, filename: file.filename, count: file.count });
          setNotice(null);
        }
      } else if (p.kind === 'purge') {
        const r = await api.invoke('queue:purge', { expected: p.count });
        setNotice({ text: `Purged ${plural(r.count, 'exported failed operation')}.` });
      } else {
        const r = await api.invoke(p.kind === 'retry' ? 'queue:retry' : 'queue:discard', p.target);
        const done =
          p.kind === 'retry'
            ? `Retrying ${plural(r.count, 'operation')}${r.syncStarted ? '; sending now' : '; they go with the next sync'}.`
            : `Discarded ${plural(r.count, 'operation')} into the archive; the records are back to the server's version.`;
        setNotice({
          text: r.skipped ? `${done} ${r.skipped} left alone: ${r.skippedReason ?? ''}` : done,
        });
        setSelected(new Set());
      }
      setPending(null);
    } catch (err) {
      setNotice({ text: errorText(err), error: true });
      setPending(null);
    } finally {
      setBusy(false);
      rows.refresh();
      setVersion((v) => v + 1);
    }
  };

  /** The window saved the file (or did not): only a saved file makes its operations purgeable. */
  const settleExport = async (saved: boolean) => {
    const pending = unconfirmed;
    if (!pending) return;
    setUnconfirmed(null);
    if (!saved) {
      setNotice({ text: 'Nothing was marked exported: export again to save the file.' });
      return;
    }
    setBusy(true);
    try {
      const r = await api.invoke('queue:exportSaved', { exportId: pending.exportId });
      setNotice({
        text: `Saved ${pending.filename}: ${plural(r.count, 'operation')} marked exported.${r.changed > 0 ? ` ${plural(r.changed, 'operation')} changed meanwhile and ${r.changed === 1 ? 'is' : 'are'} not marked: export ${r.changed === 1 ? 'it' : 'them'} again.` : ''}`,
      });
    } catch (err) {
      setNotice({ text: errorText(err), error: true });
    } finally {
      setBusy(false);
      rows.refresh();
      setVersion((v) => v + 1);
    }
  };

  const retryOne = (opId: string) =>
    void run({
      kind: 'retry',
      target: { select: { opIds: [opId] }, expected: 1 },
      count: 1,
      what: '',
    });
  const discardOne = (d: QueueDetail) =>
    ask(
      'discard',
      { select: { opIds: [d.item.opId] }, expected: 1 },
      1,
      `the ${d.item.action} of ${d.item.visitorName || d.item.localId}`,
    );

  const selection: QueueTargetIn = { select: { opIds: [...selected] }, expected: selected.size };
  const matching: QueueTargetIn = { select: { filter }, expected: total };
  const onGroup = (g: QueueGroup, kind: 'retry' | 'discard' | 'export' | 'edit' | 'conflict') => {
    // The group's count is under the active filter: the action is too.
    const target = { select: { filter: { ...filter, signature: g.signature } }, expected: g.count };
    if (kind === 'edit') clusters.openEdit(g, target);
    else if (kind === 'conflict') clusters.openConflict(g, target);
    else
      ask(kind, target, g.count, `“${g.message || g.code}”`, kind === 'export' ? 'csv' : undefined);
  };

  const tabs = (
    <span className="q-tabs" role="tablist" aria-label="Queue or archive">
      <button role="tab" aria-selected={view === 'queue'} onClick={() => setView('queue')}>
        Queue
      </button>
      <button role="tab" aria-selected={view === 'archive'} onClick={() => setView('archive')}>
        Archive
      </button>
    </span>
  );
  if (view === 'archive')
    return (
      <div className="q-screen">
        <div className="q-head">
          <h1>Retry queue</h1>
          {tabs}
        </div>
        <ArchiveView store={archive} canAct={canAct} />
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
        <button className="q-link" onClick={loadRole}>
          Check role again
        </button>
        {canAct && facets && facets.failed > 0 && (
          <button
            className="q-danger"
            onClick={() =>
              facets.exportedFailed > 0
                ? ask(
                    'purge',
                    { select: { filter: { status: 'failed' } }, expected: facets.exportedFailed },
                    facets.exportedFailed,
                    '',
                  )
                : setNotice({
                    text: `Purging is allowed only after export: none of the ${plural(facets.unexportedFailed, 'failed operation')} has been exported yet.`,
                    error: true,
                  })
            }
          >
            Purge exported ({facets.exportedFailed.toLocaleString('en-US')})…
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
            value={status ?? ''}
            onChange={(e) => setStatus((e.target.value || null) as typeof status)}
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
            value={cls ?? ''}
            onChange={(e) => setCls((e.target.value || null) as ErrorClass | null)}
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
            value={code ?? ''}
            onChange={(e) => setCode(e.target.value || null)}
          >
            <option value="">Every code</option>
            {codes.map((c) => (
              <option key={c.code} value={c.code}>
                {c.code} ({c.count.toLocaleString('en-US')})
              </option>
            ))}
          </select>
        </label>
        <label>
          Action
          <select
            aria-label="Filter by action"
            value={action ?? ''}
            onChange={(e) => setAction((e.target.value || null) as Action | null)}
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
          value={textInput}
          onChange={(e) => setTextInput(e.target.value)}
        />
        <span className="count" data-testid="queue-total">
          {rows.total === null ? 'Counting…' : `${plural(total, 'operation')} match`}
        </span>
      </div>

      <GroupList
        groups={groups?.groups ?? null}
        total={groups?.total ?? 0}
        active={signature}
        canAct={canAct}
        onShow={setSignature}
        onAct={onGroup}
      />

      {canAct && (
        <div className="q-bulk">
          <div role="group" aria-label="Selected operations">
            <span data-testid="selected-count">
              {plural(selected.size, 'selected', 'selected')}
            </span>
            <button
              disabled={!selected.size}
              onClick={() => ask('retry', selection, selected.size, 'selected')}
            >
              Retry selected
            </button>
            <button
              disabled={!selected.size}
              onClick={() => ask('export', selection, selected.size, 'selected', 'csv')}
            >
              Export selected
            </button>
            <button
              className="q-danger"
              disabled={!selected.size}
              onClick={() => ask('discard', selection, selected.size, 'selected')}
            >
              Discard selected
            </button>
            {selected.size > 0 && (
              <button className="q-link" onClick={() => setSelected(new Set())}>
                Clear selection
              </button>
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
            {`${unconfirmed.filename} (${plural(unconfirmed.count, 'operation')}) was handed to the browser to save. Once the file is saved, confirm it: only then are the operations marked exported, and may be purged.`}
          </p>
          <button disabled={busy} onClick={() => void settleExport(true)}>
            The file is saved
          </button>
          <button className="q-link" disabled={busy} onClick={() => void settleExport(false)}>
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
          <button className="q-link" onClick={() => setNotice(null)} aria-label="Dismiss">
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
          sort={sort}
          onSort={setSort}
          currentId={current}
          onOpen={setCurrent}
          selectable={canAct}
          selected={selected}
          onToggle={toggle}
          now={now}
        />
        {current && (
          <DetailPanel
            key={current}
            opId={current}
            version={version}
            canAct={canAct}
            now={now}
            onRetry={retryOne}
            onDiscard={discardOne}
            onEdited={(t) => {
              setNotice({ text: t });
              rows.refresh();
              setVersion((v) => v + 1);
            }}
            onClose={() => setCurrent(null)}
          />
        )}
      </div>

      <ClusterDialogs store={clusters} />
      {pending && (
        <ConfirmDialog
          title={
            pending.kind === 'purge'
              ? `Purge ${plural(pending.count, 'exported failed operation')}?`
              : `${VERB[pending.kind]} ${plural(pending.count, 'operation')}?`
          }
          confirmLabel={
            pending.kind === 'purge'
              ? `Purge ${pending.count.toLocaleString('en-US')}`
              : `${VERB[pending.kind]} ${plural(pending.count, 'operation')}${pending.format ? ` as ${pending.format.toUpperCase()}` : ''}`
          }
          danger={pending.kind === 'discard' || pending.kind === 'purge'}
          busy={busy}
          onCancel={() => setPending(null)}
          onConfirm={() => void run(pending)}
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
              operations may be purged.
            </p>
          )}
          {pending.kind === 'purge' && (
            <p>
              Removes the {plural(pending.count, 'failed operation')} that were exported, rolling
              each record back to the server&apos;s version.{' '}
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
