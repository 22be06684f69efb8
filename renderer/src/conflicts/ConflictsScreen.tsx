import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type {
  BatchInfo,
  BulkPreview,
  ConflictFilterIn,
  ConflictSort,
  ConflictTargetIn,
  ConflictView,
  Decision,
} from '../../../shared/ipc/conflicts-contract';
import type { ConflictKind } from '../../../shared/protocol';
import { conflictSides } from '../../../shared/resolve/conflict';
import { rulesFromStrategies, type FieldStrategies } from '../../../shared/resolve/defaults';
import { proposedResolution } from '../../../shared/resolve/remembered';
import type { FieldRules, Pick, Resolution } from '../../../shared/resolve/types';
import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { AuditTrail } from './AuditTrail';
import { ConflictTable, type Entry } from './ConflictTable';
import { useConflictRows } from './conflict-rows';
import { DetailPane } from './DetailPane';
import { keyCommand, type KeyCommand } from './keyboard';
import { count, describeResolution, FIELD_LABEL, KIND_LABEL } from './format';
import { PreviewDialog } from './PreviewDialog';
import { RuleEditor } from './RuleEditor';
import { RulesPanel } from './RulesPanel';
import { RulesStore } from './rules-store';
import {
  EMPTY_SELECTION,
  isSelected,
  range,
  selectAllMatching,
  selectedCount,
  toggle,
  toTarget,
  type Selection,
} from './selection';
import { SHORTCUTS, ShortcutSheet } from './Shortcuts';
import './conflicts.css';

interface PendingApply {
  title: string;
  target: ConflictTargetIn;
  decision: Decision;
  preview: BulkPreview | null;
  error: string | null;
  busy: boolean;
}

const KINDS: ConflictKind[] = ['field', 'update_deleted', 'delete_modified'];

/** The focused conflict's working decision, changed one field's pick at a time. */
function withPick(
  c: ConflictView,
  r: Resolution | null,
  field: VisitorField,
  pick: Pick,
): Resolution {
  const picks: Record<string, Pick> = {};
  // A whole-record strategy becomes the same picks on every conflicting field, then this one changes.
  if (r && r.strategy !== 'manual') {
    const kind =
      r.strategy === 'server_wins' ? 'server' : r.strategy === 'client_wins' ? 'client' : 'merged';
    for (const f of c.conflictFields) picks[f] = { kind };
  } else if (r) Object.assign(picks, r.picks);
  picks[field] = pick;
  return { strategy: 'manual', picks };
}

/** What an undecided conflict starts from: stale default or Settings, remembered values on top. */
function proposalFor(c: ConflictView, strategies: FieldStrategies): Resolution | null {
  return (
    proposedResolution(c.resolvable, { strategies, stale: c.stale, remembered: c.remembered })
      ?.resolution ?? null
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function ConflictsScreen() {
  const api = getApi();
  const [text, setText] = useState('');
  const [company, setCompany] = useState('');
  const [fields, setFields] = useState<VisitorField[]>([]);
  const [kinds, setKinds] = useState<ConflictKind[]>([]);
  const [decided, setDecided] = useState<'any' | 'yes' | 'no'>('any');
  const [stale, setStale] = useState<'any' | 'yes' | 'no'>('any');
  const [rulesOpen, setRulesOpen] = useState(false);
  const rulesStore = useMemo(() => new RulesStore(api), [api]);
  useEffect(() => {
    rulesStore.start();
    return rulesStore.stop;
  }, [rulesStore]);
  const [sort, setSort] = useState<ConflictSort>({ column: 'createdAt', direction: 'asc' });
  const [grouped, setGrouped] = useState(false);
  const [expanded, setExpanded] = useState<VisitorField | null>(null);
  const [groups, setGroups] = useState<{ field: VisitorField; count: number }[]>([]);
  const [showBase, setShowBase] = useState(false);
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const [scrollIndex, setScrollIndex] = useState<number | null>(null);
  const [working, setWorking] = useState<Resolution | null>(null);
  const [fieldIndex, setFieldIndex] = useState(0);
  const [pending, setPending] = useState<PendingApply | null>(null);
  const [ruleOpen, setRuleOpen] = useState(false);
  const [lastRules, setLastRules] = useState<FieldRules | null>(null);
  const [strategies, setStrategies] = useState<FieldStrategies>({});
  const [help, setHelp] = useState(false);
  const [batch, setBatch] = useState<BatchInfo | null>(null);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [openTotal, setOpenTotal] = useState<number | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const typedInputs = useRef(new Map<VisitorField, HTMLInputElement>());

  const dText = useDebounced(text, 200);
  const dCompany = useDebounced(company, 200);
  const baseFilter = useMemo<ConflictFilterIn>(
    () => ({ fields, kinds, company: dCompany, text: dText, decided, stale }),
    [fields, kinds, dCompany, dText, decided, stale],
  );
  // Grouped by field, the open group's rows are the filter narrowed to that field.
  const filter = useMemo<ConflictFilterIn>(
    () => (grouped && expanded ? { ...baseFilter, fields: [expanded] } : baseFilter),
    [grouped, expanded, baseFilter],
  );
  const rows = useConflictRows(filter, sort);
  const total = rows.total ?? 0;

  const refreshSide = useCallback(() => {
    api.invoke('conflicts:lastBatch', {}).then(setBatch, () => undefined);
    api.invoke('conflicts:count', {}).then(
      (c) => setOpenTotal(c.open),
      () => undefined,
    );
  }, [api]);
  // The per-field strategies of Settings: the rule editor's and the detail pane's first proposal.
  useEffect(() => {
    api.invoke('settings:get', {}).then(
      (view) => setStrategies(view.settings.fieldStrategies),
      () => undefined,
    );
  }, [api]);

  useEffect(() => {
    refreshSide();
    const offs = [api.on('conflicts:changed', refreshSide), api.on('outbox:changed', refreshSide)];
    return () => offs.forEach((off) => off());
  }, [api, refreshSide]);

  useEffect(() => {
    if (!grouped) return;
    const load = () =>
      api.invoke('conflicts:groups', { filter: baseFilter }).then(setGroups, () => undefined);
    void load();
    return api.on('conflicts:changed', () => void load());
  }, [api, grouped, baseFilter]);

  // A new query starts a new selection: "all that match" must mean this filter.
  const queryKey = JSON.stringify([filter, sort]);
  const [seenQuery, setSeenQuery] = useState(queryKey);
  if (seenQuery !== queryKey) {
    setSeenQuery(queryKey);
    setSelection(EMPTY_SELECTION);
    setFocusIndex(null);
  }

  // The list's entries: plain rows, or group heads with the open group's rows under its head.
  const expandedAt = grouped && expanded ? groups.findIndex((g) => g.field === expanded) : -1;
  const entryCount = grouped ? groups.length + (expandedAt >= 0 ? total : 0) : total;
  const version = rows.getVersion();
  const entryAt = useCallback(
    (i: number): Entry | undefined => {
      if (!grouped) {
        const row = rows.getRow(i);
        return row && { type: 'row', row };
      }
      if (expandedAt < 0 || i <= expandedAt) {
        const g = groups[i];
        return (
          g && { type: 'group', field: g.field, count: g.count, expanded: g.field === expanded }
        );
      }
      if (i <= expandedAt + total) {
        const row = rows.getRow(i - expandedAt - 1);
        return row && { type: 'row', row };
      }
      const g = groups[i - total];
      return g && { type: 'group', field: g.field, count: g.count, expanded: false };
    },
    // `version` changes as blocks arrive; the store object itself is stable per query
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [grouped, groups, expanded, expandedAt, total, rows, version],
  );
  const rowIndexOf = (i: number) => (grouped ? i - expandedAt - 1 : i);
  const ensureRange = useCallback(
    (start: number, end: number) => {
      if (!grouped) return rows.ensureRange(start, end);
      if (expandedAt < 0) return;
      const s = Math.max(0, start - expandedAt - 1);
      const e = Math.min(total - 1, end - expandedAt - 1);
      if (e >= s) rows.ensureRange(s, e);
    },
    [grouped, expandedAt, total, rows],
  );

  const focusedEntry = focusIndex === null ? undefined : entryAt(focusIndex);
  const focused = focusedEntry?.type === 'row' ? focusedEntry.row : null;
  const focusedId = focused?.id ?? null;
  const focusedKey = focused ? `${focused.id}:${JSON.stringify(focused.draft)}` : '';
  // Another conflict (or its saved draft) in focus: the working decision starts from its draft.
  const [seenFocus, setSeenFocus] = useState(focusedKey);
  if (seenFocus !== focusedKey) {
    setSeenFocus(focusedKey);
    setWorking(focused ? (focused.draft ?? proposalFor(focused, strategies)) : null);
    setFieldIndex(0);
  }

  const selected = selectedCount(selection, total);
  const effectiveTarget = (): ConflictTargetIn | null =>
    toTarget(selection, filter) ?? (focused ? { ids: [focused.id] } : null);
  const targetWords = selected
    ? count(selected, 'selected conflict')
    : focused
      ? 'the focused conflict'
      : '';

  const openPreview = (title: string, decision: Decision) => {
    const target = effectiveTarget();
    if (!target) {
      setMessage({
        text: 'Select conflicts first (click, Shift-click, or “Select all”).',
        error: true,
      });
      return;
    }
    const p: PendingApply = { title, target, decision, preview: null, error: null, busy: false };
    setPending(p);
    api.invoke('conflicts:preview', { target, decision }).then(
      (preview) =>
        setPending((cur) => (cur === p || cur?.target === target ? { ...p, preview } : cur)),
      (err: unknown) =>
        setPending((cur) => (cur?.target === target ? { ...p, error: errorText(err) } : cur)),
    );
  };

  /**
   * The preview's numbers were checked; the apply runs in the core as a job,
   * its progress and Cancel above the screen, while the table stays usable.
   */
  const applyPending = () => {
    if (!pending) return;
    const p = pending;
    setPending(null);
    rootRef.current?.focus();
    const throughId = p.preview?.throughId;
    api
      .invoke('conflicts:apply', {
        target: p.target,
        decision: p.decision,
        ...(throughId !== undefined ? { throughId } : {}),
      })
      .then(
        (r) => {
          setSelection(EMPTY_SELECTION);
          setMessage({
            text: `Resolved ${count(r.resolvable, 'conflict')} · ${count(r.operations, 'operation')} queued${r.skipped ? ` · ${count(r.skipped, 'conflict')} left open` : ''}.`,
          });
        },
        (err: unknown) =>
          // A cancel is told by the job's own line; anything else here, in words.
          (err as { code?: string }).code === 'cancelled'
            ? undefined
            : setMessage({ text: errorText(err), error: true }),
      );
  };

  const saveDraft = () => {
    if (!focused || !working) return;
    api.invoke('conflicts:setDraft', { target: { ids: [focused.id] }, resolution: working }).then(
      () => setMessage({ text: `Decision saved for ${focused.name}.` }),
      (err: unknown) => setMessage({ text: errorText(err), error: true }),
    );
  };

  const applyOne = () => {
    if (!focused || !working) return;
    api
      .invoke('conflicts:apply', {
        target: { ids: [focused.id] },
        decision: { type: 'resolution', resolution: working },
        description: `${focused.name}: ${describeResolution(working)}`,
      })
      .then(
        (r) =>
          setMessage(
            r.resolvable
              ? { text: `Resolved ${focused.name}${r.operations ? ' · 1 operation queued' : ''}.` }
              : { text: r.skippedReasons[0]?.reason ?? 'Nothing was applied.', error: true },
          ),
        (err: unknown) => setMessage({ text: errorText(err), error: true }),
      );
  };

  const undo = () => {
    api.invoke('conflicts:undo', {}).then(
      (r) =>
        setMessage({
          text: `Undone: ${r.batch.description} · ${count(r.reopened, 'conflict')} open again.`,
        }),
      (err: unknown) => setMessage({ text: errorText(err), error: true }),
    );
  };

  const exportAudit = () => {
    api.invoke('audit:exportCsv', {}).then(
      ({ csv, rows: n, fileName }) => {
        const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = fileName;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        setMessage({ text: `Exported ${count(n, 'audit row')} to ${fileName}.` });
      },
      (err: unknown) => setMessage({ text: errorText(err), error: true }),
    );
  };

  const moveFocus = (to: number, extend: boolean) => {
    if (entryCount === 0) return;
    const next = Math.min(entryCount - 1, Math.max(0, to));
    setFocusIndex(next);
    setScrollIndex(next);
    const e = entryAt(next);
    if (extend && e?.type === 'row') {
      setSelection((s) =>
        range(
          { ...s, anchor: s.anchor ?? (focusIndex !== null ? rowIndexOf(focusIndex) : null) },
          rowIndexOf(next),
          (i) => rows.getRow(i)?.id,
        ),
      );
    }
  };

  const pick = (kind: 'client' | 'server' | 'merged') => {
    if (!focused) return;
    if (focused.kind !== 'field') {
      setWorking({
        strategy: kind === 'client' ? 'client_wins' : kind === 'server' ? 'server_wins' : 'merge',
      });
      return;
    }
    const f = focused.conflictFields[fieldIndex];
    if (f) setWorking((w) => withPick(focused, w, f, { kind }));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const t = e.target as HTMLElement;
    const typing = t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA';
    if (e.key === 'Escape') {
      if (typing) t.blur();
      else if (help) setHelp(false);
      else setSelection(EMPTY_SELECTION);
      rootRef.current?.focus();
      return;
    }
    if (typing || pending || ruleOpen || rulesOpen) return;
    const command = keyCommand(e);
    if (!command) return;
    e.preventDefault();
    run(command);
  };

  const run = (c: KeyCommand) => {
    switch (c.type) {
      case 'move':
        return moveFocus((focusIndex ?? -1) + c.by, c.extend);
      case 'field':
        return setFieldIndex((i) =>
          Math.max(0, Math.min((focused?.conflictFields.length ?? 1) - 1, i + c.by)),
        );
      case 'toggleSelect':
        if (focused && focusIndex !== null)
          setSelection((s) => toggle(s, focused.id, rowIndexOf(focusIndex)));
        return;
      case 'selectAll':
        return setSelection(selectAllMatching());
      case 'undo':
        return undo();
      case 'whole':
        return setWorking({ strategy: c.strategy });
      case 'pick':
        return pick(c.kind);
      case 'type': {
        const f = focused?.conflictFields[fieldIndex];
        if (!focused || !f) return;
        setWorking((w) =>
          withPick(focused, w, f, {
            kind: 'typed',
            value: conflictSides(focused.resolvable).client[f],
          }),
        );
        setTimeout(() => typedInputs.current.get(f)?.focus(), 0);
        return;
      }
      case 'save':
        return saveDraft();
      case 'apply':
        if (selected) openPreview(`Apply chosen decisions to ${targetWords}`, { type: 'drafts' });
        else applyOne();
        return;
      case 'rule':
        return setRuleOpen(true);
      case 'search':
        return searchRef.current?.focus();
      case 'help':
        return setHelp((h) => !h);
    }
  };

  const toggleIn = <T,>(list: T[], v: T) =>
    list.includes(v) ? list.filter((x) => x !== v) : [...list, v];

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
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <input
          type="search"
          placeholder="Company"
          aria-label="Filter by company"
          value={company}
          onChange={(e) => setCompany(e.target.value)}
        />
        <select
          aria-label="Filter by kind"
          value={kinds.length === 1 ? kinds[0] : ''}
          onChange={(e) => setKinds(e.target.value ? [e.target.value as ConflictKind] : [])}
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
          value={decided}
          onChange={(e) => setDecided(e.target.value as 'any' | 'yes' | 'no')}
        >
          <option value="any">Decided or not</option>
          <option value="no">No decision yet</option>
          <option value="yes">Decision chosen</option>
        </select>
        <select
          aria-label="Filter by capture age"
          value={stale}
          onChange={(e) => setStale(e.target.value as 'any' | 'yes' | 'no')}
        >
          <option value="any">Any capture</option>
          <option value="yes">Stale captures</option>
          <option value="no">Fresh captures</option>
        </select>
        <label className="check">
          <input
            type="checkbox"
            checked={grouped}
            onChange={(e) => {
              setGrouped(e.target.checked);
              setExpanded(null);
            }}
          />
          Group by field
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={showBase}
            onChange={(e) => setShowBase(e.target.checked)}
          />
          Show base
        </label>
        <span className="spacer" />
        <button onClick={() => setRulesOpen(true)}>Rules &amp; memory…</button>
        <button onClick={exportAudit}>Export audit CSV</button>
        <button onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
      <div className="field-chips" role="group" aria-label="Filter by conflicting field">
        {VISITOR_FIELDS.map((f) => (
          <button
            key={f}
            className={`chip${fields.includes(f) ? ' active' : ''}`}
            aria-pressed={fields.includes(f)}
            onClick={() => setFields((l) => toggleIn(l, f))}
          >
            {FIELD_LABEL[f]}
          </button>
        ))}
      </div>
      <div className="bulk-bar" role="toolbar" aria-label="Bulk decisions">
        <span className="bulk-count" data-testid="conflict-count">
          {rows.total === null ? 'Counting…' : `${count(total, 'conflict')} match`}
          {openTotal !== null && openTotal !== total
            ? ` (of ${openTotal.toLocaleString('en-US')} open)`
            : ''}
          {selected ? ` · ${selected.toLocaleString('en-US')} selected` : ''}
        </span>
        <button onClick={() => setSelection(selectAllMatching())} disabled={total === 0}>
          Select all {total ? total.toLocaleString('en-US') : ''} matching
        </button>
        {selected > 0 && (
          <button onClick={() => setSelection(EMPTY_SELECTION)}>Clear selection</button>
        )}
        <span className="sep" />
        <button
          onClick={() =>
            openPreview(`Ours for ${targetWords}`, {
              type: 'resolution',
              resolution: { strategy: 'client_wins' },
            })
          }
        >
          Ours
        </button>
        <button
          onClick={() =>
            openPreview(`Theirs for ${targetWords}`, {
              type: 'resolution',
              resolution: { strategy: 'server_wins' },
            })
          }
        >
          Theirs
        </button>
        <button
          onClick={() =>
            openPreview(`Merge for ${targetWords}`, {
              type: 'resolution',
              resolution: { strategy: 'merge' },
            })
          }
        >
          Merge
        </button>
        <button onClick={() => setRuleOpen(true)}>Rule per field…</button>
        <button
          onClick={() =>
            openPreview(`Apply chosen decisions to ${targetWords}`, { type: 'drafts' })
          }
        >
          Apply chosen decisions
        </button>
        <span className="spacer" />
        {batch && !batch.undoneAt && (
          <button
            onClick={undo}
            disabled={batch.undoBlocked !== null}
            title={batch.undoBlocked ?? `Undo: ${batch.description}`}
          >
            Undo last apply ({count(batch.count, 'conflict')})
          </button>
        )}
      </div>
      {message && (
        <div className={`ws-message${message.error ? ' error' : ''}`} role="status">
          {message.text}
          <button className="link" aria-label="Dismiss" onClick={() => setMessage(null)}>
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
        {total === 0 && !grouped && rows.total !== null ? (
          <div className="empty-state">
            <h2>{openTotal ? 'No conflict matches these filters' : 'No open conflicts'}</h2>
            <p>
              {openTotal ? 'Clear a filter to see more.' : 'Conflicts found by a sync appear here.'}
            </p>
          </div>
        ) : (
          <ConflictTable
            count={entryCount}
            entryAt={entryAt}
            ensureRange={ensureRange}
            sort={sort}
            onSort={setSort}
            isSelected={(id) => isSelected(selection, id)}
            focusedId={focusedId}
            showBase={showBase}
            scrollIndex={scrollIndex}
            onRowClick={(i, row, e) => {
              setFocusIndex(i);
              if (e.shiftKey)
                setSelection((s) => range(s, rowIndexOf(i), (j) => rows.getRow(j)?.id));
              else if (e.ctrlKey || e.metaKey)
                setSelection((s) => toggle(s, row.id, rowIndexOf(i)));
              // A plain click selects that row alone, as in any desktop list.
              else setSelection(toggle(EMPTY_SELECTION, row.id, rowIndexOf(i)));
              rootRef.current?.focus();
            }}
            onToggle={(i, row, shift) =>
              setSelection((s) =>
                shift
                  ? range(s, rowIndexOf(i), (j) => rows.getRow(j)?.id)
                  : toggle(s, row.id, rowIndexOf(i)),
              )
            }
            onGroup={(f) => setExpanded((cur) => (cur === f ? null : f))}
          />
        )}
        <div className="detail-column">
          <DetailPane
            conflict={focused}
            working={working}
            suggested={
              !!focused &&
              !focused.draft &&
              working !== null &&
              JSON.stringify(working) === JSON.stringify(proposalFor(focused, strategies))
            }
            fieldIndex={fieldIndex}
            onWorking={setWorking}
            onPick={(f, p) => focused && setWorking((w) => withPick(focused, w, f, p))}
            onFocusField={setFieldIndex}
            onSave={saveDraft}
            onApply={applyOne}
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
          initial={lastRules ?? rulesFromStrategies(strategies)}
          onCancel={() => setRuleOpen(false)}
          onPreview={(rules) => {
            setRuleOpen(false);
            setLastRules(rules);
            openPreview(`Rule for ${targetWords}`, { type: 'rules', rules });
          }}
        />
      )}
      {pending && (
        <PreviewDialog
          title={pending.title}
          preview={pending.preview}
          error={pending.error}
          busy={pending.busy}
          onApply={applyPending}
          {...(pending.decision.type !== 'drafts'
            ? {
                onSaveRule: (name: string) => {
                  const d = pending.decision;
                  return d.type === 'drafts'
                    ? Promise.resolve(false)
                    : rulesStore.saveRule(name, filter, d);
                },
              }
            : {})}
          onCancel={() => {
            setPending(null);
            rootRef.current?.focus();
          }}
        />
      )}
      {help && <ShortcutSheet onClose={() => setHelp(false)} />}
      {rulesOpen && (
        <RulesPanel
          store={rulesStore}
          onClose={() => {
            setRulesOpen(false);
            rootRef.current?.focus();
          }}
        />
      )}
    </div>
  );
}
