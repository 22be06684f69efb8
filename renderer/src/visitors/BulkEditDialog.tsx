import { useEffect, useRef } from 'react';
import { BULK_EDIT_FIELDS, type BulkEditField } from '../../../shared/visitor-bulk-edit';
import { Dialog } from '../dialog/Dialog';
import { FIELD_LABEL } from '../field-labels';
import { formatNumber } from '../intl';
import type { BulkEditSnapshot, BulkEditStore, EditKind } from './bulk-edit-store';
import './bulk-edit.css';

const KINDS: { kind: EditKind; label: string }[] = [
  { kind: 'set', label: 'Set to' },
  { kind: 'clear', label: 'Clear' },
  { kind: 'replace', label: 'Find and replace' },
];

/**
 * One field of the selected visitors: set, clear or find and replace. The
 * core previews the draft (counts and samples, the same code as the apply);
 * Apply is offered only for the preview on screen, and any change to the form
 * asks for a new one.
 */
export function BulkEditDialog(props: {
  store: BulkEditStore;
  snap: BulkEditSnapshot;
  /** How many visitors are selected (the words above the form). */
  selected: number;
  onPreview: () => void;
  onApply: () => void;
}) {
  const { store, snap, selected } = props;
  const { draft: d, preview: p, busy } = snap;
  const applyRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (p && p.changed > 0) applyRef.current?.focus();
  }, [p]);
  const interests = d.field === 'interests';
  return (
    <Dialog className="modal bulk-edit" labelledBy="bulk-edit-title" onClose={store.close}>
      <h2 id="bulk-edit-title">Edit {formatNumber(selected)} selected visitors</h2>
      <form
        className="bulk-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onPreview();
        }}
      >
        <label>
          Field{' '}
          <select
            value={d.field}
            onChange={(e) => store.setDraft({ field: e.target.value as BulkEditField })}
          >
            {BULK_EDIT_FIELDS.map((f) => (
              <option key={f} value={f}>
                {FIELD_LABEL[f]}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="bulk-kinds">
          <legend>Change</legend>
          {KINDS.map((k) => (
            <label key={k.kind}>
              <input
                type="radio"
                name="bulk-kind"
                checked={d.kind === k.kind}
                onChange={() => store.setDraft({ kind: k.kind })}
              />{' '}
              {k.label}
            </label>
          ))}
        </fieldset>
        {d.kind === 'set' && (
          <label>
            New value{' '}
            <input
              value={d.value}
              maxLength={10_000}
              placeholder={interests ? 'Comma-separated, e.g. AI, Cloud' : ''}
              onChange={(e) => store.setDraft({ value: e.target.value })}
            />
          </label>
        )}
        {d.kind === 'replace' && (
          <>
            <label>
              Find{' '}
              <input
                value={d.find}
                maxLength={1_000}
                onChange={(e) => store.setDraft({ find: e.target.value })}
              />
            </label>
            <label>
              Replace with{' '}
              <input
                value={d.replace}
                maxLength={1_000}
                onChange={(e) => store.setDraft({ replace: e.target.value })}
              />
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={d.matchCase}
                onChange={(e) => store.setDraft({ matchCase: e.target.checked })}
              />{' '}
              Match case
            </label>
          </>
        )}
        {interests && d.kind === 'replace' && (
          <p className="muted">Each interest is searched on its own; an emptied one is removed.</p>
        )}
        <div className="dialog-actions">
          <button type="submit" disabled={busy !== null}>
            {busy === 'previewing' ? 'Previewing…' : 'Preview'}
          </button>
        </div>
      </form>
      {snap.error && (
        <p className="error" role="alert">
          {snap.error}
        </p>
      )}
      {p && (
        <section aria-label="Preview of the bulk edit" className="bulk-preview">
          <dl className="bulk-numbers">
            <div>
              <dt>Change</dt>
              <dd data-testid="bulk-changed">{formatNumber(p.changed)}</dd>
            </div>
            <div>
              <dt>Already so</dt>
              <dd data-testid="bulk-unchanged">{formatNumber(p.unchanged)}</dd>
            </div>
            <div>
              <dt>Left out</dt>
              <dd data-testid="bulk-skipped">{formatNumber(p.skipped)}</dd>
            </div>
          </dl>
          {p.samples.length > 0 && (
            <table className="bulk-samples" aria-label="Sample of before and after">
              <thead>
                <tr>
                  <th>Visitor</th>
                  <th>Before</th>
                  <th>After</th>
                </tr>
              </thead>
              <tbody>
                {p.samples.map((s) => (
                  <tr key={s.localId}>
                    <td>{s.name}</td>
                    <td>
                      <del>{s.before || '(empty)'}</del>
                    </td>
                    <td>
                      <ins>{s.after || '(empty)'}</ins>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {p.problems.length > 0 && (
            <ul className="bulk-problems" aria-label="Left out">
              {p.problems.map((x) => (
                <li key={x.localId}>
                  <b>{x.name || x.localId}</b>: {x.message}
                </li>
              ))}
              {p.skipped > p.problems.length && (
                <li className="muted">and {formatNumber(p.skipped - p.problems.length)} more</li>
              )}
            </ul>
          )}
          <p className="muted">
            Each changed visitor is queued as one update (joined to any change already waiting);
            Undo puts them back while they are unsent.
          </p>
        </section>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={store.close} disabled={busy === 'applying'}>
          Cancel
        </button>
        <button
          ref={applyRef}
          type="button"
          className="primary"
          disabled={!p || p.changed === 0 || busy !== null}
          onClick={props.onApply}
        >
          {busy === 'applying'
            ? 'Applying…'
            : `Apply to ${formatNumber(p?.changed ?? 0)} visitor${p?.changed === 1 ? '' : 's'}`}
        </button>
      </div>
    </Dialog>
  );
}
