import { useState } from 'react';
import type { FieldRules, PickKind } from '../../../shared/resolve/types';
import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import { FIELD_LABEL, PICK_LABEL, STRATEGY_LABEL } from './format';
import { Dialog } from '../dialog/Dialog';

/** A rule's decision as the editor holds it: the pick per field, the default, remembered values. */
export interface EditedDecision {
  rules: FieldRules;
  remembered: boolean;
}

/** The pick per field, the default, and "use remembered values": shared by both rule dialogs. */
export function DecisionFields(props: {
  value: EditedDecision;
  onChange: (next: Partial<EditedDecision>) => void;
}) {
  const { rules, remembered } = props.value;
  const setField = (f: VisitorField, v: string) => {
    const fields = { ...rules.fields };
    if (v === '') delete fields[f];
    else fields[f] = v as PickKind;
    props.onChange({ rules: { ...rules, fields } });
  };
  return (
    <>
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
              props.onChange({
                rules: { ...rules, default: e.target.value as FieldRules['default'] },
              })
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
      <label className="rule-remembered">
        <input
          type="checkbox"
          checked={remembered}
          onChange={(e) => props.onChange({ remembered: e.target.checked })}
        />{' '}
        Use remembered values where there are any
        <span className="muted">
          {' '}
          — a contested field whose two values were settled before takes that result instead of the
          pick above.
        </span>
      </label>
    </>
  );
}

/** "For phone take ours, for interests merge, for title theirs, otherwise …": one bulk rule. */
export function RuleEditor(props: {
  initial: EditedDecision;
  onPreview: (decision: EditedDecision) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState<EditedDecision>(props.initial);
  return (
    <Dialog className="modal rule-editor" label="Rule per field" onClose={props.onCancel}>
      <h2>Rule per field</h2>
      <p className="muted">
        For each field, which side wins where it conflicts. Fields left on “default” follow the
        default.
      </p>
      <DecisionFields value={value} onChange={(next) => setValue({ ...value, ...next })} />
      <footer className="modal-actions">
        <button onClick={props.onCancel}>Cancel</button>
        <button className="primary" onClick={() => props.onPreview(value)}>
          Preview rule
        </button>
      </footer>
    </Dialog>
  );
}
