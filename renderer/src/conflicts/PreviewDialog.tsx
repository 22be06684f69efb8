import { useEffect, useRef, useState } from 'react';
import type { BulkPreview } from '../../../shared/ipc/conflicts-contract';
import type { Strategy } from '../../../shared/resolve/types';
import { count, FIELD_LABEL, show, STRATEGY_LABEL } from './format';
import { Dialog } from '../dialog/Dialog';
import { formatNumber } from '../intl';

/**
 * What a bulk apply will do, computed by main running the apply itself and
 * rolling it back: the numbers here are the numbers apply produces.
 */
export function PreviewDialog(props: {
  title: string;
  preview: BulkPreview | null;
  error: string | null;
  busy: boolean;
  onApply: () => void;
  onCancel: () => void;
  /** "Save as rule": this decision over this filter, replayed on the conflicts later syncs bring. */
  onSaveRule?: (name: string) => Promise<boolean>;
}) {
  const { preview: p } = props;
  const [ruleName, setRuleName] = useState('');
  const [ruleSaved, setRuleSaved] = useState<string | null>(null);
  const applyRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (p && p.resolvable > 0) applyRef.current?.focus();
  }, [p]);
  return (
    <Dialog
      className="modal preview-dialog"
      label="Preview of the bulk apply"
      onClose={props.onCancel}
    >
      <h2>{props.title}</h2>
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      {!p && !props.error && <p className="muted">Working out what this changes…</p>}
      {p && (
        <>
          <dl className="preview-numbers">
            <div>
              <dt>Conflicts resolved</dt>
              <dd data-testid="preview-resolvable">{formatNumber(p.resolvable)}</dd>
            </div>
            <div>
              <dt>Records changing locally</dt>
              <dd data-testid="preview-records">{formatNumber(p.recordsChanging)}</dd>
            </div>
            <div>
              <dt>Operations to send</dt>
              <dd data-testid="preview-operations">{formatNumber(p.operations)}</dd>
            </div>
            <div>
              <dt>Left open</dt>
              <dd data-testid="preview-skipped">{formatNumber(p.skipped)}</dd>
            </div>
            {p.remembered > 0 && (
              <div>
                <dt>With remembered values</dt>
                <dd data-testid="preview-remembered">{formatNumber(p.remembered)}</dd>
              </div>
            )}
          </dl>
          {Object.keys(p.byStrategy).length > 0 && (
            <p className="muted">
              {Object.entries(p.byStrategy)
                .map(([s, n]) => `${STRATEGY_LABEL[s as Strategy] ?? s}: ${formatNumber(n)}`)
                .join(' · ')}
            </p>
          )}
          {p.skippedReasons.length > 0 && (
            <ul className="skipped" aria-label="Left open">
              {p.skippedReasons.map((r) => (
                <li key={r.reason}>
                  {count(r.count, 'conflict')}: {r.reason}
                </li>
              ))}
            </ul>
          )}
          {p.samples.length > 0 && (
            <table className="samples" aria-label="Sample of before and after">
              <thead>
                <tr>
                  <th>Visitor</th>
                  <th>Before → after</th>
                  <th>Sends</th>
                </tr>
              </thead>
              <tbody>
                {p.samples.map((s) => (
                  <tr key={s.id}>
                    <td>{s.name}</td>
                    <td>
                      {s.localEffect === 'remove'
                        ? 'removed locally'
                        : s.changes.length === 0
                          ? 'no local change'
                          : s.changes.map((c) => (
                              <div key={c.field}>
                                <b>{FIELD_LABEL[c.field]}</b>: <del>{show(c.before)}</del> →{' '}
                                <ins>{show(c.after)}</ins>
                                {s.remembered.includes(c.field) && (
                                  <span className="badge badge-remembered">remembered</span>
                                )}
                              </div>
                            ))}
                    </td>
                    <td>
                      {s.operation
                        ? `${s.operation.action} ${Object.keys(s.operation.data ?? {}).join(', ')}`
                        : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {props.onSaveRule && (
        <form
          className="save-rule"
          onSubmit={(e) => {
            e.preventDefault();
            const name = ruleName.trim();
            if (name) void props.onSaveRule?.(name).then((ok) => ok && setRuleSaved(name));
          }}
        >
          <label>
            Save as rule{' '}
            <input
              aria-label="Rule name"
              placeholder="Rule name"
              maxLength={80}
              value={ruleName}
              onChange={(e) => setRuleName(e.target.value)}
            />
          </label>
          <button type="submit" disabled={!ruleName.trim()}>
            Save as rule
          </button>
          {ruleSaved && (
            <span className="muted" role="status">
              Saved “{ruleSaved}”: later conflicts like these get this decision as a draft.
            </span>
          )}
        </form>
      )}
      <footer className="modal-actions">
        <button onClick={props.onCancel}>Cancel</button>
        <button
          ref={applyRef}
          className="primary"
          disabled={!p || p.resolvable === 0 || props.busy}
          onClick={props.onApply}
        >
          {props.busy ? 'Applying…' : p ? `Apply to ${count(p.resolvable, 'conflict')}` : 'Apply'}
        </button>
      </footer>
    </Dialog>
  );
}
