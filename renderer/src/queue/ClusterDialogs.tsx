import { useSyncExternalStore } from 'react';
import { CLASS_INFO } from '../../../shared/queue/classify';
import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import { FIELD_LABEL } from '../field-labels';
import { ConfirmDialog } from './ConfirmDialog';
import type { ClusterStore } from './cluster-store';
import { plural, showValue } from './format';

/** The dialogs of a failure group's Edit field… and Turn into conflicts… (state in ClusterStore). */
export function ClusterDialogs({ store }: { store: ClusterStore }) {
  const { dialog, busy, error } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  if (!dialog) return null;
  const what = `“${dialog.group.message || dialog.group.code}” (${CLASS_INFO[dialog.group.cls].label})`;

  if (dialog.kind === 'conflict')
    return (
      <ConfirmDialog
        title={`Turn ${plural(dialog.group.count, 'operation')} into conflicts?`}
        confirmLabel={`Turn ${dialog.group.count.toLocaleString('en-US')} into conflicts`}
        busy={busy}
        onCancel={store.close}
        onConfirm={() => void store.turnIntoConflicts()}
      >
        <p>
          The operations of {what} leave the queue. Each becomes a conflict in the Conflicts
          workspace against the server&apos;s current record, read from the server now, to be
          decided field by field there. A create (nothing on the server to compare with) stays in
          the queue.
        </p>
        {error && (
          <p className="q-notice error" role="alert">
            {error}
          </p>
        )}
      </ConfirmDialog>
    );

  const { form, preview } = dialog;
  return (
    <div className="q-backdrop" onKeyDown={(e) => e.key === 'Escape' && store.close()}>
      <div
        className="q-dialog q-edit-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="q-edit-title"
      >
        <h2 id="q-edit-title">Edit a field across {plural(dialog.group.count, 'operation')}</h2>
        <div className="q-dialog-body">
          <p>
            Every operation of {what}. Operations that may already have reached the server are left
            as they are; every edited payload is checked with the server&apos;s rules before
            anything is written.
          </p>
          <div className="q-edit-form">
            <label>
              Field
              <select
                aria-label="Field to edit"
                value={form.field}
                onChange={(e) => store.setForm({ field: e.target.value as VisitorField })}
              >
                {VISITOR_FIELDS.map((f) => (
                  <option key={f} value={f}>
                    {FIELD_LABEL[f]}
                  </option>
                ))}
              </select>
            </label>
            <fieldset>
              <legend>Change</legend>
              <label>
                <input
                  type="radio"
                  name="q-edit-mode"
                  checked={form.mode === 'replace'}
                  onChange={() => store.setForm({ mode: 'replace' })}
                />
                Find and replace
              </label>
              <label>
                <input
                  type="radio"
                  name="q-edit-mode"
                  checked={form.mode === 'set'}
                  onChange={() => store.setForm({ mode: 'set' })}
                />
                Set the value
              </label>
            </fieldset>
            {form.mode === 'replace' ? (
              <>
                <label>
                  Find
                  <input
                    aria-label="Find"
                    value={form.find}
                    onChange={(e) => store.setForm({ find: e.target.value })}
                  />
                </label>
                <label>
                  Replace with
                  <input
                    aria-label="Replace with"
                    value={form.replace}
                    onChange={(e) => store.setForm({ replace: e.target.value })}
                  />
                </label>
              </>
            ) : (
              <label>
                New value {form.field === 'interests' ? '(comma-separated)' : '(empty clears it)'}
                <input
                  aria-label="New value"
                  value={form.value}
                  onChange={(e) => store.setForm({ value: e.target.value })}
                />
              </label>
            )}
          </div>
          {preview && (
            <div className="q-edit-preview" data-testid="edit-preview" role="status">
              <p>
                <strong>{plural(preview.changed, 'operation')}</strong> will be edited and retried
                {preview.unchanged
                  ? `; ${preview.unchanged.toLocaleString('en-US')} unchanged`
                  : ''}
                {preview.invalid
                  ? `; ${plural(preview.invalid, 'edited payload')} the server would refuse`
                  : ''}
                .
              </p>
              {preview.notEditable.map((n) => (
                <p key={n.reason} className="q-muted">
                  {plural(n.count, 'operation')} left as they are: {n.reason}
                </p>
              ))}
              {preview.invalidSamples.map((s) => (
                <p key={s.opId} className="q-notice error">
                  {s.visitorName || s.opId}: {s.reason}
                </p>
              ))}
              {preview.samples.length > 0 && (
                <table className="q-edit-samples" aria-label="Sample changes">
                  <thead>
                    <tr>
                      <th>Visitor</th>
                      <th>Before</th>
                      <th>After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.samples.map((s) => (
                      <tr key={s.opId}>
                        <td>{s.visitorName}</td>
                        <td>{showValue(s.before)}</td>
                        <td>{showValue(s.after)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
          {error && (
            <p className="q-notice error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="q-dialog-actions">
          <button onClick={store.close}>Cancel</button>
          <button disabled={busy} onClick={() => void store.preview()}>
            Preview
          </button>
          <button
            className="primary"
            disabled={busy || !preview || preview.changed === 0 || preview.invalid > 0}
            onClick={() => void store.apply()}
          >
            {preview ? `Edit and retry ${plural(preview.changed, 'operation')}` : 'Edit and retry'}
          </button>
        </div>
      </div>
    </div>
  );
}
