import { useMemo, useState } from 'react';
import type { ConflictView } from '../../../shared/ipc/conflicts-contract';
import { conflictSides } from '../../../shared/resolve/conflict';
import { previewResolution } from '../../../shared/resolve/preview';
import { pickValue } from '../../../shared/resolve/strategies';
import type { Pick, PickKind, Resolution } from '../../../shared/resolve/types';
import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import {
  describeResolution,
  FIELD_LABEL,
  KIND_LABEL,
  PICK_LABEL,
  show,
  STRATEGY_LABEL,
} from './format';

/** The picks a working decision amounts to for the field table (a strategy picks every field alike). */
function pickOf(r: Resolution | null, f: VisitorField): Pick | undefined {
  if (!r) return undefined;
  if (r.strategy === 'manual') return r.picks[f];
  return {
    kind:
      r.strategy === 'server_wins' ? 'server' : r.strategy === 'client_wins' ? 'client' : 'merged',
  };
}

/** What a typed value looks like in its input: interests as a comma list. */
function typedText(p: Pick | undefined): string {
  if (p?.kind !== 'typed') return '';
  return Array.isArray(p.value) ? p.value.join(', ') : show(p.value) === '—' ? '' : String(p.value);
}

/** Text typed for a field, as the value the field's schema checks. */
export function typedValue(f: VisitorField, text: string): unknown {
  if (f === 'interests')
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return text;
}

/** "9 days" or "5 hours": how much earlier the capture was made. */
export function daysText(ms: number): string {
  const days = ms / 86_400_000;
  if (days >= 1) return `${Math.floor(days)} day${Math.floor(days) === 1 ? '' : 's'}`;
  const hours = Math.max(0, Math.round(ms / 3_600_000));
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** The field's working pick is the remembered result for its pair of values. */
function isRemembered(c: ConflictView, working: Resolution | null, f: VisitorField): boolean {
  if (!Object.hasOwn(c.remembered, f)) return false;
  const p = pickOf(working, f);
  return p?.kind === 'typed' && JSON.stringify(p.value) === JSON.stringify(c.remembered[f]);
}

export function DetailPane(props: {
  conflict: ConflictView | null;
  working: Resolution | null;
  /** The working decision is what Settings propose, not (yet) a person's choice. */
  suggested: boolean;
  fieldIndex: number;
  onWorking: (r: Resolution | null) => void;
  onPick: (field: VisitorField, pick: Pick) => void;
  onFocusField: (index: number) => void;
  onSave: () => void;
  onApply: () => void;
  typedRef: (field: VisitorField, el: HTMLInputElement | null) => void;
}) {
  const { conflict: c, working } = props;
  const [allFields, setAllFields] = useState(false);
  const preview = useMemo(
    () => (c && working ? previewResolution(c.resolvable, working) : null),
    [c, working],
  );
  if (!c) {
    return (
      <aside className="detail-pane empty" aria-label="Conflict detail">
        <p>Select a conflict to see both sides, pick per field and preview the result.</p>
      </aside>
    );
  }
  const sides = conflictSides(c.resolvable);
  const fields: VisitorField[] = allFields
    ? [...c.conflictFields, ...VISITOR_FIELDS.filter((f) => !c.conflictFields.includes(f))]
    : c.conflictFields;
  const whole = c.kind !== 'field';
  const saved = JSON.stringify(c.draft) === JSON.stringify(working);

  return (
    <aside className="detail-pane" aria-label="Conflict detail">
      <header className="detail-head">
        <h2>{c.name}</h2>
        <span className="detail-sub">
          {c.company || 'No company'} · {KIND_LABEL[c.kind]} · server version{' '}
          {c.resolvable.serverVersion ?? '—'}
        </span>
        {c.blocked && <p className="detail-blocked">{c.blocked}</p>}
        <p className="detail-badges">
          {c.stale && (
            <span className="badge badge-stale" data-testid="stale-badge">
              Stale capture
              {c.captureGapMs !== null
                ? ` · ${daysText(c.captureGapMs)} before the server’s change`
                : ''}
              : theirs proposed
            </span>
          )}
          {c.draftRule && (
            <span className="badge badge-rule" data-testid="rule-badge">
              Proposed by rule “{c.draftRule}”
            </span>
          )}
        </p>
      </header>
      <div className="detail-strategies" role="group" aria-label="Whole-record decision">
        {(['client_wins', 'server_wins', 'merge'] as const).map((s) => (
          <button
            key={s}
            className={working?.strategy === s ? 'active' : ''}
            aria-pressed={working?.strategy === s}
            onClick={() => props.onWorking({ strategy: s })}
          >
            {STRATEGY_LABEL[s]}
          </button>
        ))}
      </div>
      {whole ? (
        <p className="detail-note">
          {c.kind === 'update_deleted'
            ? 'The server deleted this visitor while we edited it. Ours re-creates it with our values; theirs removes it here too.'
            : 'We deleted this visitor while the server changed it. Ours deletes it on the server; theirs keeps the server’s record.'}
        </p>
      ) : (
        <table className="detail-fields" aria-label="Fields">
          <thead>
            <tr>
              <th>Field</th>
              <th>Base</th>
              <th>Ours</th>
              <th>Theirs</th>
              <th>Pick</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f, i) => {
              const pick = pickOf(working, f);
              const conflicting = c.conflictFields.includes(f);
              const merged = pickValue(f, { kind: 'merged' }, sides);
              return (
                <tr
                  key={f}
                  className={`${conflicting ? 'conflicting' : ''}${i === props.fieldIndex ? ' field-focused' : ''}`}
                  onClick={() => props.onFocusField(i)}
                >
                  <th scope="row">
                    {FIELD_LABEL[f]}
                    {isRemembered(c, working, f) && (
                      <span
                        className="badge badge-remembered"
                        data-testid="remembered-badge"
                        title="Settled this way before for the same pair of values"
                      >
                        remembered
                      </span>
                    )}
                  </th>
                  <td className="v-base">{show(sides.base?.[f])}</td>
                  <td className="v-ours">{show(sides.client[f])}</td>
                  <td className="v-theirs">{show(sides.server?.[f])}</td>
                  <td>
                    <div className="picks" role="radiogroup" aria-label={`${FIELD_LABEL[f]} pick`}>
                      {(['client', 'server', 'merged'] as PickKind[]).map((k) => (
                        <label
                          key={k}
                          title={
                            k === 'merged' && merged.ok
                              ? `Merged: ${show(merged.value)}`
                              : undefined
                          }
                        >
                          <input
                            type="radio"
                            name={`pick-${c.id}-${f}`}
                            checked={pick?.kind === k}
                            onChange={() => props.onPick(f, { kind: k })}
                          />
                          {PICK_LABEL[k]}
                        </label>
                      ))}
                      <label>
                        <input
                          type="radio"
                          name={`pick-${c.id}-${f}`}
                          checked={pick?.kind === 'typed'}
                          onChange={() =>
                            props.onPick(f, { kind: 'typed', value: sides.client[f] })
                          }
                        />
                        Typed
                      </label>
                      {pick?.kind === 'typed' && (
                        <input
                          className="typed-input"
                          aria-label={`${FIELD_LABEL[f]} typed value`}
                          ref={(el) => props.typedRef(f, el)}
                          defaultValue={typedText(pick)}
                          onChange={(e) =>
                            props.onPick(f, { kind: 'typed', value: typedValue(f, e.target.value) })
                          }
                        />
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {!whole && (
        <button className="link" onClick={() => setAllFields(!allFields)}>
          {allFields ? 'Show conflicting fields only' : 'Show all fields'}
        </button>
      )}
      <section className="detail-preview" aria-label="Merge preview" aria-live="polite">
        <h3>Merge preview</h3>
        {!working && <p className="muted">Pick a side per field, or a whole-record decision.</p>}
        {props.suggested && (
          <p className="muted" data-testid="suggested">
            {c.stale
              ? 'Proposed: the server’s values on the contested fields (stale capture).'
              : 'Proposed from Settings (default strategy per field).'}
          </p>
        )}
        {preview && !preview.ok && <p className="error">⚠ {preview.error.message}</p>}
        {preview?.ok && (
          <>
            <p>
              {preview.value.localEffect === 'remove'
                ? 'The visitor is removed from the local mirror.'
                : preview.value.localEffect === 'restore'
                  ? 'The visitor is restored in the local mirror.'
                  : preview.value.localChanges.length
                    ? `${preview.value.localChanges.length} local field change(s):`
                    : 'No local field changes.'}
            </p>
            {preview.value.localChanges.length > 0 && (
              <ul className="changes">
                {preview.value.localChanges.map((ch) => (
                  <li key={ch.field}>
                    <b>{FIELD_LABEL[ch.field]}</b>: <del>{show(ch.before)}</del> →{' '}
                    <ins>{show(ch.after)}</ins>
                  </li>
                ))}
              </ul>
            )}
            <p className="send-line">
              {preview.value.operation
                ? `Will send: ${preview.value.operation.action}${preview.value.operation.baseVersion !== undefined ? ` (base version ${preview.value.operation.baseVersion})` : ''}`
                : 'Nothing is sent: the server already holds this result.'}
            </p>
            {preview.value.operation && (
              <pre className="op-json" aria-label="Operation to send">
                {JSON.stringify(preview.value.operation, null, 2)}
              </pre>
            )}
          </>
        )}
      </section>
      <footer className="detail-actions">
        <span className="muted">
          {c.draft ? `Saved: ${describeResolution(c.draft)}` : 'No decision saved'}
        </span>
        <button onClick={props.onSave} disabled={!working || saved}>
          Save decision <kbd>S</kbd>
        </button>
        <button
          className="primary"
          onClick={props.onApply}
          disabled={!working || !preview?.ok || c.blocked !== null}
        >
          Apply this <kbd>A</kbd>
        </button>
      </footer>
    </aside>
  );
}
