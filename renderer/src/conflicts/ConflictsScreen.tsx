import {
  useCallback,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import type { ConflictView } from '../../../shared/ipc/conflicts-contract';
import type { ConflictKind } from '../../../shared/protocol';
import { rulesFromStrategies } from '../../../shared/resolve/defaults';
import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import { getApi } from '../api';
import { AuditTrail } from './AuditTrail';
import { ConflictTable } from './ConflictTable';
import { ConflictsStore, type CaptureAge, type Decided } from './conflicts-store';
import { DetailPane } from './DetailPane';
import { keyCommand } from './keyboard';
import { count, FIELD_LABEL, KIND_LABEL } from './format';
import { PreviewDialog } from './PreviewDialog';
import { RuleEditor } from './RuleEditor';
import { RulesPanel } from './RulesPanel';
import { isSelected } from './selection';
import { SHORTCUTS, ShortcutSheet } from './Shortcuts';
import './conflicts.css';
import { formatNumber } from '../intl';

const KINDS: ConflictKind[] = ['field', 'update_deleted', 'delete_modified'];

/** The conflict workspace: layout over the conflicts store, which holds the state and calls. */
export function ConflictsScreen() {
  const [store] = useState(() => new ConflictsStore(getApi()));
  useEffect(() => {
    store.start();
    return store.stop;
  }, [store]);
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const searchRef = useRef<HTMLInputElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const typedInputs = useRef(new Map<VisitorField, HTMLInputElement>());

  const { rows, selection, pending, ruleOpen, rulesOpen, help, message, openTotal } = s;
  const total = store.total();
  const selected = store.selectedCount();
  // A Shift-click range over rows not loaded waits for their ids: its count is not known yet.
  const selecting = store.rangePending();
  const targetWords = store.targetWords();
  const focused = store.focused();
  const refocus = () => rootRef.current?.focus();
  // The same function on every render: the table's lines are memoised and compare it.
  const onRowClick = useCallback(
    (i: number, row: ConflictView, e: MouseEvent) => {
      // A plain click selects that row alone, as in any desktop list.
      store.clickRow(i, row, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
      rootRef.current?.focus();
    },
    [store],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const t = e.target as HTMLElement;
    const typing = t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA';
    if (e.key === 'Escape') {
      if (typing) t.blur();
      else store.escape();
      refocus();
      return;
    }
    if (typing || pending || ruleOpen || rulesOpen) return;
    const command = keyCommand(e);
    if (!command) return;
    e.preventDefault();
    const focusTo = store.command(command);
    if (focusTo === 'search') searchRef.current?.focus();
    else if (focusTo) setTimeout(() => typedInputs.current.get(focusTo)?.focus(), 0);
  };

  return (
    <div
      className="conflicts-screen"
      ref={rootRef}
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-label="Conflict workspace"
    >
      <div className="conflicts-toolbar" role="search">
        <input
          ref={searchRef}
          type="search"
          placeholder="Search name, company, values…  ( / )"
          aria-label="Search conflicts"
          value={s.text}
          onChange={(e) => store.setText(e.target.value)}
        />
        <input
          type="search"
          placeholder="Company"
          aria-label="Filter by company"
          value={s.company}
          onChange={(e) => store.setCompany(e.target.value)}
        />
        <select
          aria-label="Filter by kind"
          value={s.kinds.length === 1 ? s.kinds[0] : ''}
          onChange={(e) => store.setKinds(e.target.value ? [e.target.value as ConflictKind] : [])}
        >
          <option value="">All kinds</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter by decision"
          value={s.decided}
          onChange={(e) => store.setDecided(e.target.value as Decided)}
        >
          <option value="any">Decided or not</option>
          <option value="no">No decision yet</option>
          <option value="yes">Decision chosen</option>
        </select>
        <select
          aria-label="Filter by capture age"
          value={s.stale}
          onChange={(e) => store.setStale(e.target.value as CaptureAge)}
        >
          <option value="any">Any capture</option>
          <option value="yes">Stale captures</option>
          <option value="no">Fresh captures</option>
        </select>
        <label className="check">
          <input
            type="checkbox"
            checked={s.grouped}
            onChange={(e) => store.setGrouped(e.target.checked)}
          />
          Group by field
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={s.showBase}
            onChange={(e) => store.setShowBase(e.target.checked)}
          />
          Show base
        </label>
        <span className="spacer" />
        <button onClick={store.openRules}>Rules &amp; memory…</button>
        <button onClick={store.exportAudit}>Export audit CSV</button>
        <button onClick={() => store.setHelp(true)} aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
      <div className="field-chips" role="group" aria-label="Filter by conflicting field">
        {VISITOR_FIELDS.map((f) => (
          <button
            key={f}
            className={`chip${s.fields.includes(f) ? ' active' : ''}`}
            aria-pressed={s.fields.includes(f)}
            onClick={() => store.toggleField(f)}
          >
            {FIELD_LABEL[f]}
          </button>
        ))}
      </div>
      <div className="bulk-bar" role="toolbar" aria-label="Bulk decisions">
        <span className="bulk-count" data-testid="conflict-count">
          {rows.total === null ? 'Counting…' : `${count(total, 'conflict')} match`}
          {openTotal !== null && openTotal !== total ? ` (of ${formatNumber(openTotal)} open)` : ''}
          {selecting
            ? ' · selecting the range…'
            : selected
              ? ` · ${formatNumber(selected)} selected`
              : ''}
        </span>
        <button onClick={store.selectAll} disabled={total === 0}>
          Select all {total ? formatNumber(total) : ''} matching
        </button>
        {selected > 0 && <button onClick={store.clearSelection}>Clear selection</button>}
        <span className="sep" />
        <button
          disabled={selecting}
          onClick={() =>
            store.openPreview(`Ours for ${targetWords}`, {
              type: 'resolution',
              resolution: { strategy: 'client_wins' },
            })
          }
        >
          Ours
        </button>
        <button
          disabled={selecting}
          onClick={() =>
            store.openPreview(`Theirs for ${targetWords}`, {
              type: 'resolution',
              resolution: { strategy: 'server_wins' },
            })
          }
        >
          Theirs
        </button>
        <button
          disabled={selecting}
          onClick={() =>
            store.openPreview(`Merge for ${targetWords}`, {
              type: 'resolution',
              resolution: { strategy: 'merge' },
            })
          }
        >
          Merge
        </button>
        <button onClick={store.openRule} disabled={selecting}>
          Rule per field…
        </button>
        <button
          disabled={selecting}
          onClick={() =>
            store.openPreview(`Apply chosen decisions to ${targetWords}`, { type: 'drafts' })
          }
        >
          Apply chosen decisions
        </button>
        <span className="spacer" />
        {s.batch && !s.batch.undoneAt && (
          <button
            onClick={store.undo}
            disabled={s.batch.undoBlocked !== null}
            title={s.batch.undoBlocked ?? `Undo: ${s.batch.description}`}
          >
            Undo last apply ({count(s.batch.count, 'conflict')})
          </button>
        )}
      </div>
      {message && (
        <div className={`ws-message${message.error ? ' error' : ''}`} role="status">
          {message.text}
          <button className="link" aria-label="Dismiss" onClick={store.dismissMessage}>
            ×
          </button>
        </div>
      )}
      {rows.error && (
        <div className="ws-message error" role="alert">
          {rows.error}
        </div>
      )}
      <div className="conflicts-body">
        {total === 0 && !s.grouped && rows.total !== null ? (
          <div className="empty-state">
            <h2>{openTotal ? 'No conflict matches these filters' : 'No open conflicts'}</h2>
            <p>
              {openTotal ? 'Clear a filter to see more.' : 'Conflicts found by a sync appear here.'}
            </p>
          </div>
        ) : (
          <ConflictTable
            count={store.entryCount()}
            entryAt={store.entryAt}
            ensureRange={store.ensureRange}
            subscribeRows={rows.subscribe}
            rowsVersionIn={store.rowsVersionIn}
            sort={s.sort}
            onSort={store.setSort}
            isSelected={(id) => isSelected(selection, id)}
            focusedId={focused?.id ?? null}
            showBase={s.showBase}
            scrollTo={s.scrollTo}
            claimScroll={store.claimScroll}
            onRowClick={onRowClick}
            onToggle={store.tickRow}
            onGroup={store.toggleGroup}
          />
        )}
        <div className="detail-column">
          <DetailPane
            conflict={focused}
            working={s.working}
            suggested={store.isSuggested()}
            fieldIndex={s.fieldIndex}
            onWorking={store.setWorking}
            onPick={store.pickField}
            onFocusField={store.setFieldIndex}
            onSave={store.saveDraft}
            onApply={store.applyOne}
            typedRef={(f, el) => {
              if (el) typedInputs.current.set(f, el);
              else typedInputs.current.delete(f);
            }}
          />
          {focused && <AuditTrail localId={focused.localId} />}
        </div>
      </div>
      <footer className="shortcut-strip" aria-label="Shortcuts">
        {SHORTCUTS.slice(0, 9).map(([k, w]) => (
          <span key={k}>
            <kbd>{k}</kbd> {w}
          </span>
        ))}
        <span>
          <kbd>?</kbd> all shortcuts
        </span>
      </footer>
      {ruleOpen && (
        <RuleEditor
          initial={s.lastRules ?? { rules: rulesFromStrategies(s.strategies), remembered: false }}
          onCancel={store.closeRule}
          onPreview={store.previewRule}
        />
      )}
      {pending && (
        <PreviewDialog
          title={pending.title}
          preview={pending.preview}
          error={pending.error}
          busy={pending.busy}
          onApply={() => {
            store.applyPending();
            refocus();
          }}
          {...(store.canSaveRule() ? { onSaveRule: store.saveRule } : {})}
          onCancel={() => {
            store.cancelPending();
            refocus();
          }}
        />
      )}
      {help && <ShortcutSheet onClose={() => store.setHelp(false)} />}
      {rulesOpen && (
        <RulesPanel
          store={store.rules}
          onClose={() => {
            store.closeRules();
            refocus();
          }}
        />
      )}
    </div>
  );
}
