import { useState, useSyncExternalStore } from 'react';
import type { SavedRuleView } from '../../../shared/ipc/conflicts-contract';
import { Dialog } from '../dialog/Dialog';
import { count, FIELD_LABEL, show } from './format';
import type { RulesStore } from './rules-store';
import { SavedRuleEditor } from './SavedRuleEditor';

/**
 * Saved rules, remembered values and the applies that can still be undone:
 * the workspace's memory, in one dialog. A view of RulesStore.
 */
export function RulesPanel(props: { store: RulesStore; onClose: () => void }) {
  const { store } = props;
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return (
    <Dialog className="modal rules-panel" label="Rules and memory" onClose={props.onClose}>
      <h2>Rules and memory</h2>
      {s.notice && (
        <p className={s.notice.error ? 'error' : 'muted'} role="status" data-testid="rules-notice">
          {s.notice.text}
        </p>
      )}
      <section aria-label="Saved rules">
        <h3>Saved rules</h3>
        <p className="muted">
          Proposed rules give the conflicts a sync brings their decision as a draft; automatic ones
          apply it right after the sync, as one batch you can undo below.
        </p>
        {s.rules?.length === 0 && (
          <p className="muted">No saved rules yet: use “Save as rule” in a bulk apply’s preview.</p>
        )}
        {s.rules && s.rules.length > 0 && (
          <table className="rules-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Rule</th>
                <th>Mode</th>
                <th>Matched</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {s.rules.map((r) => (
                <RuleRow
                  key={r.id}
                  rule={r}
                  store={store}
                  dryRun={s.dryRun?.ruleId === r.id ? s.dryRun : null}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-label="Undo applies">
        <h3>Recent applies</h3>
        {s.batches?.length === 0 && <p className="muted">Nothing applied yet.</p>}
        <ul className="batch-list">
          {s.batches?.map((b) => (
            <li key={b.id} data-testid="batch-row">
              <span className="batch-name">{b.description}</span>
              <span className="muted">
                {' '}
                · {count(b.count, 'conflict')} · {new Date(b.at).toLocaleString()}
              </span>
              {b.undoneAt ? (
                <span className="muted"> · undone</span>
              ) : (
                <>
                  <button
                    onClick={() => void store.undo(b)}
                    disabled={s.undoRefused[b.id] !== undefined}
                    aria-label={`Undo ${b.description}`}
                  >
                    Undo
                  </button>
                  {s.undoRefused[b.id] && (
                    <span className="muted batch-reason">{s.undoRefused[b.id]}</span>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="Remembered values">
        <h3>Remembered values</h3>
        <p className="muted">
          What a field was settled to for a pair of values; the next conflict with the same pair is
          proposed the same result (never applied without a click, unless a rule says to use
          remembered values).
        </p>
        {s.remembered?.length === 0 && <p className="muted">Nothing remembered yet.</p>}
        <ul className="remembered-list">
          {s.remembered?.map((v) => (
            <li key={v.id} data-testid="remembered-row">
              <strong>{FIELD_LABEL[v.field]}</strong>: {show(v.ours)} vs {show(v.theirs)} →{' '}
              <mark>{show(v.result)}</mark>
              <span className="muted"> · {count(v.uses, 'time')}</span>
              <button
                onClick={() => void store.forget(v)}
                aria-label={`Forget ${FIELD_LABEL[v.field]} ${show(v.ours)}`}
              >
                Forget
              </button>
            </li>
          ))}
        </ul>
      </section>
      <footer className="modal-actions">
        <button onClick={props.onClose}>Close</button>
      </footer>
      {s.editing && <SavedRuleEditor store={store} editing={s.editing} />}
    </Dialog>
  );
}

function RuleRow(props: {
  rule: SavedRuleView;
  store: RulesStore;
  dryRun: {
    preview: { resolvable: number; skipped: number; operations: number; targeted: number } | null;
    error: string | null;
  } | null;
}) {
  const { rule: r, store, dryRun } = props;
  const [name, setName] = useState<string | null>(null);
  return (
    <>
      <tr data-testid="rule-row" className={r.enabled ? '' : 'disabled'}>
        <td>
          {name === null ? (
            <span className="rule-name">{r.name}</span>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void store.rename(r, name).then(() => setName(null));
              }}
            >
              <input
                aria-label="New rule name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                autoFocus
              />
            </form>
          )}
        </td>
        <td className="rule-summary">
          {r.summary}
          {r.decision.remembered && (
            <span className="badge badge-remembered" data-testid="rule-remembered">
              remembered values
            </span>
          )}
        </td>
        <td>{r.enabled ? (r.mode === 'automatic' ? 'Automatic' : 'Proposed') : 'Disabled'}</td>
        <td data-testid="rule-matched">{r.matched.toLocaleString('en-US')}</td>
        <td className="rule-actions">
          <button onClick={() => setName(name === null ? r.name : null)}>Rename</button>
          <button onClick={() => store.startEdit(r)}>Edit…</button>
          {r.mode === 'proposed' ? (
            <button onClick={() => void store.dryRun(r.id)}>Dry run…</button>
          ) : (
            <button onClick={() => void store.setMode(r, 'proposed')}>Make proposed</button>
          )}
          <button onClick={() => void store.setEnabled(r, !r.enabled)}>
            {r.enabled ? 'Disable' : 'Enable'}
          </button>
          <button onClick={() => void store.deleteRule(r)}>Delete</button>
        </td>
      </tr>
      {dryRun && (
        <tr className="rule-dry-run">
          <td colSpan={5}>
            {dryRun.error && <p className="error">{dryRun.error}</p>}
            {!dryRun.preview && !dryRun.error && (
              <p className="muted">Working out what it would do…</p>
            )}
            {dryRun.preview && (
              <p data-testid="rule-dry-run">
                Over the conflicts open now, this rule would resolve{' '}
                <strong>{count(dryRun.preview.resolvable, 'conflict')}</strong>, queue{' '}
                {count(dryRun.preview.operations, 'operation')} and leave {dryRun.preview.skipped}{' '}
                open.{' '}
                <button className="primary" onClick={() => void store.setMode(r, 'automatic')}>
                  Make automatic
                </button>
              </p>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
