import { useState } from 'react';
import type { FieldRules, PickKind } from '../../../shared/resolve/types';
import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import { FIELD_LABEL, PICK_LABEL, STRATEGY_LABEL } from './format';
import { Dialog } from '../dialog/Dialog';

/** "For phone take ours, for interests merge, for title theirs, otherwise …": one bulk rule. */
export function RuleEditor(props: {
  initial: FieldRules;
  onPreview: (rules: FieldRules) => void;
  onCancel: () => void;
  /** The confirm button's words (default: preview the rule). */
  actionLabel?: string;
}) {
  const [rules, setRules] = useState<FieldRules>(props.initial);
  const setField = (f: VisitorField, v: string) => {
    const fields = { ...rules.fields };
    if (v === '') delete fields[f];
    else fields[f] = v as PickKind;
    setRules({ ...rules, fields });
  };
  return (
    <Dialog className="modal rule-editor" label="Rule per field" onClose={props.onCancel}>
      <h2>Rule per field</h2>
      <p className="muted">
        For each field, which side wins where it conflicts. Fields left on “default” follow the
        default.
      </p>
      <div className="rule-grid">
        {VISITOR_FIELDS.map((f) => (
          <label key={f}>
            <span>{FIELD_LABEL[f]}</span>
            <select
              aria-label={`Rule for ${FIELD_LABEL[f]}`}
              value={rules.fields[f] ?? ''}
              onChange={(e) => setField(f, e.target.value)}
            >
              <option value="">Default</option>
              {(['client', 'server', 'merged'] as const).map((k) => (
                <option key={k} value={k}>
                  {PICK_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label>
          <span>Default</span>
          <select
            aria-label="Default strategy"
            value={rules.default}
            onChange={(e) =>
              setRules({ ...rules, default: e.target.value as FieldRules['default'] })
            }
          >
            {(['merge', 'client_wins', 'server_wins'] as const).map((s) => (
              <option key={s} value={s}>
                {STRATEGY_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <footer className="modal-actions">
        <button onClick={props.onCancel}>Cancel</button>
        <button className="primary" onClick={() => props.onPreview(rules)}>
          {props.actionLabel ?? 'Preview rule'}
        </button>
      </footer>
    </Dialog>
  );
}
