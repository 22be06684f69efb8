import { ConflictKindSchema, type ConflictKind } from '../../../shared/protocol';
import type { RuleMatch } from '../../../shared/resolve/saved-rules';
import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import { Dialog } from '../dialog/Dialog';
import { count, FIELD_LABEL, KIND_LABEL } from './format';
import { DecisionFields } from './RuleEditor';
import { editState } from './rule-draft';
import type { RuleEditing, RulesStore } from './rules-store';

const CONFLICT_KINDS = ConflictKindSchema.options;

/** A list toggled one member at a time, kept in the order of `all` (the order shown). */
function toggled<T>(all: readonly T[], list: readonly T[], item: T, on: boolean): T[] {
  return all.filter((x) => (x === item ? on : list.includes(x)));
}

/**
 * A saved rule, whole: its name, what it matches, its decision and its mode.
 * An automatic rule with a new match or decision is saved only once its dry
 * run over the conflicts open now is on screen. A view of RulesStore.
 */
export function SavedRuleEditor(props: { store: RulesStore; editing: RuleEditing }) {
  const { store, editing: e } = props;
  const { draft: d } = e;
  const state = editState(e.rule, d, e.dryRun);
  const setMatch = (patch: Partial<RuleMatch>) =>
    store.changeEdit({ match: { ...d.match, ...patch } });
  const dry = e.dryRun && e.dryRun.key === state.key ? e.dryRun : null;
  return (
    <Dialog
      className="modal rule-editor saved-rule-editor"
      label="Edit rule"
      onClose={store.cancelEdit}
    >
      <h2>Edit rule “{e.rule.name}”</h2>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void store.saveEdit();
        }}
      >
        <label className="rule-line">
          <span>Name</span>
          <input
            aria-label="Rule name"
            value={d.name}
            onChange={(ev) => store.changeEdit({ name: ev.target.value })}
          />
        </label>

        <fieldset>
          <legend>Matches</legend>
          <p className="muted">Every part left empty matches anything.</p>
          <div role="group" aria-label="Conflict kinds" className="rule-checks">
            <span>Kind</span>
            {CONFLICT_KINDS.map((k: ConflictKind) => (
              <label key={k}>
                <input
                  type="checkbox"
                  checked={d.match.kinds.includes(k)}
                  onChange={(ev) =>
                    setMatch({
                      kinds: toggled(CONFLICT_KINDS, d.match.kinds, k, ev.target.checked),
                    })
                  }
                />{' '}
                {KIND_LABEL[k]}
              </label>
            ))}
          </div>
          <div role="group" aria-label="Conflicting fields" className="rule-checks">
            <span>Contesting any of</span>
            {VISITOR_FIELDS.map((f: VisitorField) => (
              <label key={f}>
                <input
                  type="checkbox"
                  checked={d.match.fields.includes(f)}
                  onChange={(ev) =>
                    setMatch({
                      fields: toggled(VISITOR_FIELDS, d.match.fields, f, ev.target.checked),
                    })
                  }
                />{' '}
                {FIELD_LABEL[f]}
              </label>
            ))}
          </div>
          <label className="rule-line">
            <span>Company contains</span>
            <input
              aria-label="Company contains"
              value={d.match.company}
              onChange={(ev) => setMatch({ company: ev.target.value })}
            />
          </label>
          <label className="rule-line">
            <span>Capture method</span>
            <input
              aria-label="Capture method"
              placeholder="any"
              value={d.match.captureMethod}
              onChange={(ev) => setMatch({ captureMethod: ev.target.value })}
            />
          </label>
          <label className="rule-line">
            <span>Capture age</span>
            <select
              aria-label="Capture age"
              value={d.match.stale === null ? 'any' : d.match.stale ? 'yes' : 'no'}
              onChange={(ev) =>
                setMatch({
                  stale: ev.target.value === 'any' ? null : ev.target.value === 'yes',
                })
              }
            >
              <option value="any">Any capture</option>
              <option value="yes">Stale captures only</option>
              <option value="no">Fresh captures only</option>
            </select>
          </label>
        </fieldset>

        <fieldset>
          <legend>Decision</legend>
          <DecisionFields
            value={{ rules: d.rules, remembered: d.remembered }}
            onChange={(next) =>
              store.changeEdit({ ...next, ...(next.rules ? { rulesTouched: true } : {}) })
            }
          />
        </fieldset>

        <fieldset role="radiogroup" aria-label="Mode">
          <legend>Mode</legend>
          <label>
            <input
              type="radio"
              name="rule-mode"
              checked={d.mode === 'proposed'}
              onChange={() => store.changeEdit({ mode: 'proposed' })}
            />{' '}
            Proposed: matching conflicts get its decision as a draft
          </label>
          <label>
            <input
              type="radio"
              name="rule-mode"
              checked={d.mode === 'automatic'}
              onChange={() => store.changeEdit({ mode: 'automatic' })}
            />{' '}
            Automatic: applied right after each sync, as one batch you can undo
          </label>
        </fieldset>

        {state.errors.length > 0 && (
          <ul className="error" role="alert" aria-label="What to fix">
            {state.errors.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        )}

        {state.needsDryRun && (
          <section className="rule-dry-run" aria-label="Dry run">
            <p className="muted">
              Before this rule applies by itself, see what it would do to the conflicts open now: it
              saves as automatic only after its dry run.{' '}
              <button type="button" onClick={() => void store.dryRunEdit()}>
                Dry run…
              </button>
            </p>
            {dry?.error && <p className="error">{dry.error}</p>}
            {dry && !dry.preview && !dry.error && (
              <p className="muted">Working out what it would do…</p>
            )}
            {dry?.preview && (
              <p data-testid="edit-dry-run">
                Over the conflicts open now, this rule would resolve{' '}
                <strong>{count(dry.preview.resolvable, 'conflict')}</strong>, queue{' '}
                {count(dry.preview.operations, 'operation')} and leave {dry.preview.skipped} open
                {dry.preview.remembered > 0
                  ? `; ${count(dry.preview.remembered, 'conflict')} with remembered values`
                  : ''}
                .
              </p>
            )}
          </section>
        )}

        {e.error && (
          <p className="error" role="alert">
            {e.error}
          </p>
        )}

        <footer className="modal-actions">
          <button type="button" onClick={store.cancelEdit}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!state.canSave || e.saving}>
            Save rule
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
