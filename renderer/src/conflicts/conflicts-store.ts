import type { Api } from '../../../shared/ipc/client';
import type {
  BatchInfo,
  BulkPreview,
  ConflictFilterIn,
  ConflictSort,
  ConflictTargetIn,
  ConflictView,
  Decision,
} from '../../../shared/ipc/conflicts-contract';
import { MAX_RANGE_ROWS } from '../../../shared/ipc/bounded';
import type { ConflictKind } from '../../../shared/protocol';
import { conflictSides } from '../../../shared/resolve/conflict';
import type { FieldStrategies } from '../../../shared/resolve/defaults';
import { proposedResolution } from '../../../shared/resolve/remembered';
import type { FieldRules, Pick, Resolution } from '../../../shared/resolve/types';
import type { VisitorField } from '../../../shared/visitor';
import { download } from '../download';
import { errorText } from '../error-text';
import { fillRange, type SelectionHolder } from '../paging/range-fill';
import { ConflictRows, type Entry } from './conflict-rows';
import { count, describeResolution } from './format';
import type { KeyCommand } from './keyboard';
import { RulesStore } from './rules-store';
import {
  EMPTY_SELECTION,
  isPending,
  selectAllMatching,
  selectedCount,
  startRange,
  toggle,
  targetTooLarge,
  toTarget,
  type Selection,
} from './selection';

/** A bulk decision on its way through the preview dialog. */
export interface PendingApply {
  title: string;
  target: ConflictTargetIn;
  decision: Decision;
  preview: BulkPreview | null;
  error: string | null;
  busy: boolean;
}

export interface Message {
  text: string;
  error?: boolean;
}

export type Decided = 'any' | 'yes' | 'no';
/** Only stale captures, only fresh ones, or both. */
export type CaptureAge = 'any' | 'yes' | 'no';

/** Scroll line `index` into view; `seq` tells a repeated request from the one already done. */
export interface ScrollRequest {
  index: number;
  seq: number;
}

interface FilterChoices {
  fields: VisitorField[];
  kinds: ConflictKind[];
  decided: Decided;
  stale: CaptureAge;
}

export interface ConflictsSnapshot {
  /** What the search boxes hold now; the query follows 200 ms later. */
  text: string;
  company: string;
  fields: VisitorField[];
  kinds: ConflictKind[];
  decided: Decided;
  stale: CaptureAge;
  sort: ConflictSort;
  grouped: boolean;
  expanded: VisitorField | null;
  groups: { field: VisitorField; count: number }[];
  showBase: boolean;
  selection: Selection;
  /** The focused line of the list (a row or a group head). */
  focusIndex: number | null;
  /**
   * A line the table should scroll into view (keyboard moves). A new object per request, so
   * moving to the same line again scrolls again; cleared when the list is asked anew.
   */
  scrollTo: ScrollRequest | null;
  /** The focused conflict's decision as it is being made, from its draft or the proposal. */
  working: Resolution | null;
  fieldIndex: number;
  pending: PendingApply | null;
  ruleOpen: boolean;
  /** The Rules & memory dialog (its contents are the rules store's). */
  rulesOpen: boolean;
  /** The rule per field last previewed, with its remembered-values choice. */
  lastRules: { rules: FieldRules; remembered: boolean } | null;
  strategies: FieldStrategies;
  help: boolean;
  batch: BatchInfo | null;
  message: Message | null;
  openTotal: number | null;
  /**
   * The rows of the current query. `rowsVersion` changes when a page changes
   * what the screen around the table shows (the count, an error, the focused
   * conflict); the table follows every page itself (rowsVersionIn).
   */
  rows: ConflictRows;
  rowsVersion: number;
}

/** Text typed into the search boxes waits this long before it becomes a query. */
const DEBOUNCE_MS = 200;

/** The focused conflict's working decision, changed one field's pick at a time. */
export function withPick(
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
export function proposalFor(c: ConflictView, strategies: FieldStrategies): Resolution | null {
  return (
    proposedResolution(c.resolvable, { strategies, stale: c.stale, remembered: c.remembered })
      ?.resolution ?? null
  );
}

function focusKey(row: ConflictView | null): string {
  return row ? `${row.id}:${JSON.stringify(row.draft)}` : '';
}

/**
 * The conflict workspace's state and calls: filters, the paged rows, the
 * selection, the focused conflict's working decision, the preview-then-apply
 * flow and the messages. The screen renders the snapshot and forwards
 * clicks and keys here. Plain TypeScript with subscribe/snapshot for
 * useSyncExternalStore, like the sync store.
 */
export class ConflictsStore {
  /** Saved rules, remembered values and the undo list: the Rules & memory dialog's store. */
  readonly rules: RulesStore;
  private snap: ConflictsSnapshot;
  private readonly listeners = new Set<() => void>();
  private offs: (() => void)[] = [];
  private debounce: ReturnType<typeof setTimeout> | null = null;
  /** The filter text as queried (the boxes' values after the debounce). */
  private queried = { text: '', company: '' };
  private rowsOff: (() => void) | null = null;
  private seenFocus = '';
  private groupsAsked = 0;
  private started = false;
  /** What of the rows the screen last drew: a page that changes none of it redraws the table alone. */
  private rowsSeen: {
    total: number | null;
    error: string | null;
    focused: ConflictView | null;
  } = { total: null, error: null, focused: null };

  constructor(private readonly api: Api) {
    this.rules = new RulesStore(api);
    const sort: ConflictSort = { column: 'createdAt', direction: 'asc' };
    this.snap = {
      text: '',
      company: '',
      fields: [],
      kinds: [],
      decided: 'any',
      stale: 'any',
      sort,
      grouped: false,
      expanded: null,
      groups: [],
      showBase: false,
      selection: EMPTY_SELECTION,
      focusIndex: null,
      scrollTo: null,
      working: null,
      fieldIndex: 0,
      pending: null,
      ruleOpen: false,
      rulesOpen: false,
      lastRules: null,
      strategies: {},
      help: false,
      batch: null,
      message: null,
      openTotal: null,
      rows: new ConflictRows(api, this.baseFilterOf(), sort),
      rowsVersion: 0,
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ConflictsSnapshot => this.snap;

  start = (): void => {
    this.stop();
    this.started = true;
    this.attachRows(this.snap.rows);
    this.rules.start();
    const refreshRows = () => this.snap.rows.refresh();
    this.offs = [
      this.api.on('conflicts:changed', () => {
        refreshRows();
        this.refreshSide();
        if (this.snap.grouped) this.loadGroups();
      }),
      this.api.on('visitors:changed', refreshRows),
      this.api.on('outbox:changed', () => this.refreshSide()),
    ];
    this.refreshSide();
    // The per-field strategies of Settings: the rule editor's and the detail pane's first proposal.
    this.api.invoke('settings:get', {}).then(
      (view) => {
        this.set({ strategies: view.settings.fieldStrategies });
        this.syncFocus();
      },
      () => undefined,
    );
    if (this.snap.grouped) this.loadGroups();
  };

  stop = (): void => {
    this.started = false;
    this.rules.stop();
    this.offs.forEach((off) => off());
    this.offs = [];
    this.rowsOff?.();
    this.rowsOff = null;
    this.snap.rows.stop();
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
  };

  // ---- derived views of the snapshot -------------------------------------------------------

  /** The filter without the open group's narrowing. */
  private baseFilterOf(s?: FilterChoices): ConflictFilterIn {
    const src = s ?? {
      fields: [],
      kinds: [],
      decided: 'any' as Decided,
      stale: 'any' as CaptureAge,
    };
    return {
      fields: src.fields,
      kinds: src.kinds,
      company: this.queried.company,
      text: this.queried.text,
      decided: src.decided,
      stale: src.stale,
    };
  }

  /** Grouped by field, the open group's rows are the filter narrowed to that field. */
  filter(): ConflictFilterIn {
    const s = this.snap;
    const base = this.baseFilterOf(s);
    return s.grouped && s.expanded ? { ...base, fields: [s.expanded] } : base;
  }

  total(): number {
    return this.snap.rows.total ?? 0;
  }

  private expandedAt(): number {
    const s = this.snap;
    return s.grouped && s.expanded ? s.groups.findIndex((g) => g.field === s.expanded) : -1;
  }

  /** How many lines the list has: rows, or group heads with the open group's rows. */
  entryCount(): number {
    const s = this.snap;
    const at = this.expandedAt();
    return s.grouped ? s.groups.length + (at >= 0 ? this.total() : 0) : this.total();
  }

  entryAt = (i: number): Entry | undefined => {
    const s = this.snap;
    const rows = s.rows;
    if (!s.grouped) {
      const row = rows.getRow(i);
      return row && { type: 'row', row };
    }
    const at = this.expandedAt();
    const total = this.total();
    if (at < 0 || i <= at) {
      const g = s.groups[i];
      return (
        g && { type: 'group', field: g.field, count: g.count, expanded: g.field === s.expanded }
      );
    }
    if (i <= at + total) {
      const row = rows.getRow(i - at - 1);
      return row && { type: 'row', row };
    }
    const g = s.groups[i - total];
    return g && { type: 'group', field: g.field, count: g.count, expanded: false };
  };

  private rowIndexOf(i: number): number {
    return this.snap.grouped ? i - this.expandedAt() - 1 : i;
  }

  ensureRange = (start: number, end: number): void => {
    const s = this.snap;
    if (!s.grouped) return s.rows.ensureRange(start, end);
    const at = this.expandedAt();
    if (at < 0) return;
    const from = Math.max(0, start - at - 1);
    const to = Math.min(this.total() - 1, end - at - 1);
    if (to >= from) s.rows.ensureRange(from, to);
  };

  /**
   * Changes whenever the lines [first, last] of the list change as pages land
   * (or the count or an error does): the table redraws for those alone.
   */
  rowsVersionIn = (first: number, last: number): number => {
    const s = this.snap;
    if (!s.grouped) return s.rows.getVersionIn(first, last);
    const at = this.expandedAt();
    if (at < 0) return 0;
    return s.rows.getVersionIn(Math.max(0, first - at - 1), Math.max(0, last - at - 1));
  };

  focused(): ConflictView | null {
    const i = this.snap.focusIndex;
    const e = i === null ? undefined : this.entryAt(i);
    return e?.type === 'row' ? e.row : null;
  }

  selectedCount(): number {
    return selectedCount(this.snap.selection, this.total());
  }

  /** A Shift-click range waits for the ids of its rows not loaded: bulk actions wait too. */
  rangePending(): boolean {
    return isPending(this.snap.selection);
  }

  /** The words for what a bulk button acts on. */
  targetWords(): string {
    const n = this.selectedCount();
    return n ? count(n, 'selected conflict') : this.focused() ? 'the focused conflict' : '';
  }

  /** Whether the working decision is still the proposal (stale default, Settings, remembered values). */
  isSuggested(): boolean {
    const f = this.focused();
    const w = this.snap.working;
    return (
      !!f &&
      !f.draft &&
      w !== null &&
      JSON.stringify(w) === JSON.stringify(proposalFor(f, this.snap.strategies))
    );
  }

  // ---- filters and sort --------------------------------------------------------------------

  setText = (text: string): void => {
    this.set({ text });
    this.scheduleQuery();
  };

  setCompany = (company: string): void => {
    this.set({ company });
    this.scheduleQuery();
  };

  toggleField = (f: VisitorField): void => {
    const fields = this.snap.fields;
    this.set({ fields: fields.includes(f) ? fields.filter((x) => x !== f) : [...fields, f] });
    this.requery(true);
  };

  setKinds = (kinds: ConflictKind[]): void => {
    this.set({ kinds });
    this.requery(true);
  };

  setDecided = (decided: Decided): void => {
    this.set({ decided });
    this.requery(true);
  };

  setStale = (stale: CaptureAge): void => {
    this.set({ stale });
    this.requery(true);
  };

  setSort = (sort: ConflictSort): void => {
    this.set({ sort });
    this.requery(false);
  };

  setGrouped = (grouped: boolean): void => {
    this.set({ grouped, expanded: null });
    this.requery(true);
  };

  toggleGroup = (f: VisitorField): void => {
    this.set({ expanded: this.snap.expanded === f ? null : f });
    this.requery(false);
  };

  setShowBase = (showBase: boolean): void => this.set({ showBase });

  private scheduleQuery(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.queried = { text: this.snap.text, company: this.snap.company };
      this.requery(true);
    }, DEBOUNCE_MS);
  }

  /**
   * The query (filter + sort) may have changed: a changed one gets rows of its own and
   * starts a new selection, since "all that match" must mean this filter. The group heads
   * are counted again when the filter under them changed (or grouping was turned on).
   */
  private requery(groupsToo: boolean): void {
    if (groupsToo && this.snap.grouped) this.loadGroups();
    const filter = this.filter();
    const cur = this.snap.rows;
    if (JSON.stringify([filter, this.snap.sort]) === JSON.stringify([cur.filter, cur.sort])) return;
    cur.stop();
    this.rowsOff?.();
    this.rowsOff = null;
    const rows = new ConflictRows(this.api, filter, this.snap.sort);
    this.set({
      rows,
      rowsVersion: 0,
      selection: EMPTY_SELECTION,
      focusIndex: null,
      scrollTo: null,
    });
    if (this.started) this.attachRows(rows);
    this.syncFocus();
  }

  private attachRows(rows: ConflictRows): void {
    this.rowsOff?.();
    this.rowsOff = rows.subscribe(() => {
      if (rows !== this.snap.rows) return;
      // Most pages land out of sight of all but the table (T7's profile: redrawing the
      // toolbar, the bulk bar and the detail pane for each was a share of every such frame).
      const seen = this.rowsSeen;
      if (rows.total !== seen.total || rows.error !== seen.error || this.focused() !== seen.focused)
        this.set({ rowsVersion: rows.getVersion() });
      this.syncFocus();
    });
    // Grouped with no group open, the rows wait for a group: only the heads show.
    const s = this.snap;
    rows.start({ firstPage: !s.grouped || s.expanded !== null });
  }

  private loadGroups(): void {
    const asked = ++this.groupsAsked;
    this.api.invoke('conflicts:groups', { filter: this.baseFilterOf(this.snap) }).then(
      (groups) => {
        if (asked !== this.groupsAsked) return;
        this.set({ groups });
        this.syncFocus();
      },
      () => undefined,
    );
  }

  private refreshSide(): void {
    this.api.invoke('conflicts:lastBatch', {}).then(
      (batch) => this.set({ batch }),
      () => undefined,
    );
    this.api.invoke('conflicts:count', {}).then(
      (c) => this.set({ openTotal: c.open }),
      () => undefined,
    );
  }

  /**
   * Another conflict (or its saved draft) in focus: the working decision starts from its draft,
   * or else from its proposal.
   */
  private syncFocus(): void {
    const focused = this.focused();
    const key = focusKey(focused);
    if (key === this.seenFocus) return;
    this.seenFocus = key;
    this.set({
      working: focused ? (focused.draft ?? proposalFor(focused, this.snap.strategies)) : null,
      fieldIndex: 0,
    });
  }

  // ---- selection and focus -----------------------------------------------------------------

  selectAll = (): void => this.set({ selection: selectAllMatching() });

  clearSelection = (): void => this.set({ selection: EMPTY_SELECTION });

  /** A click on a row: plain selects it alone, Shift extends, Ctrl/Cmd toggles. */
  clickRow = (i: number, row: ConflictView, mods: { shift: boolean; toggle: boolean }): void => {
    const ri = this.rowIndexOf(i);
    const s = this.snap.selection;
    if (mods.shift) this.extendTo(s, ri, { focusIndex: i });
    else
      this.set({
        focusIndex: i,
        selection: mods.toggle ? toggle(s, row.id, ri) : toggle(EMPTY_SELECTION, row.id, ri),
      });
    this.syncFocus();
  };

  /** The row's checkbox: toggles it, or with Shift the range from the last click. */
  tickRow = (i: number, row: ConflictView, shift: boolean): void => {
    const ri = this.rowIndexOf(i);
    const s = this.snap.selection;
    if (shift) this.extendTo(s, ri);
    else this.set({ selection: toggle(s, row.id, ri) });
  };

  private readonly holder: SelectionHolder<number> = {
    current: () => this.snap.selection,
    set: (selection) => this.set({ selection }),
    say: (text) => this.say({ text, error: true }),
  };

  /**
   * A range from the anchor to row `ri` (with `patch`, e.g. the focus). Rows
   * between that are not loaded (after a jump, or dropped blocks) are asked of
   * the core by position under this query; until they come the selection is
   * pending and the bulk buttons wait. A range fully loaded asks nothing.
   */
  private extendTo(from: Selection, ri: number, patch: Partial<ConflictsSnapshot> = {}): void {
    const rows = this.snap.rows;
    const r = startRange(from, ri, (j) => rows.getRow(j)?.id, MAX_RANGE_ROWS);
    if ('refused' in r) {
      this.set({ ...patch, message: { text: r.refused, error: true } });
      return;
    }
    this.set({ ...patch, selection: r.selection });
    fillRange(r.selection, this.holder, rows.idsAt);
  }

  /** Scroll requests are numbered for the store's life; the last one a table carried out. */
  private scrollSeq = 0;
  private scrollDone = 0;

  /**
   * True once per scroll request: the table that carries it out claims it, so neither a
   * repeated request is skipped nor a remounted table (the list emptied, then refilled)
   * replays an old one.
   */
  claimScroll = (request: ScrollRequest): boolean => {
    if (request.seq <= this.scrollDone) return false;
    this.scrollDone = request.seq;
    return true;
  };

  private moveFocus(to: number, extend: boolean): void {
    const n = this.entryCount();
    if (n === 0) return;
    const next = Math.min(n - 1, Math.max(0, to));
    const prev = this.snap.focusIndex;
    const scrollTo = { index: next, seq: ++this.scrollSeq };
    const patch: Partial<ConflictsSnapshot> = { focusIndex: next, scrollTo };
    const e = this.entryAt(next);
    if (extend && e?.type === 'row') {
      const s = this.snap.selection;
      this.extendTo(
        s.anchor !== null || prev === null ? s : { ...s, anchor: this.rowIndexOf(prev) },
        this.rowIndexOf(next),
        patch,
      );
    } else this.set(patch);
    this.syncFocus();
  }

  // ---- the focused conflict's decision -----------------------------------------------------

  setWorking = (working: Resolution | null): void => this.set({ working });

  setFieldIndex = (fieldIndex: number): void => this.set({ fieldIndex });

  pickField = (field: VisitorField, p: Pick): void => {
    const f = this.focused();
    if (f) this.set({ working: withPick(f, this.snap.working, field, p) });
  };

  private pick(kind: 'client' | 'server' | 'merged'): void {
    const focused = this.focused();
    if (!focused) return;
    if (focused.kind !== 'field') {
      this.set({
        working: {
          strategy: kind === 'client' ? 'client_wins' : kind === 'server' ? 'server_wins' : 'merge',
        },
      });
      return;
    }
    const f = focused.conflictFields[this.snap.fieldIndex];
    if (f) this.pickField(f, { kind });
  }

  saveDraft = (): void => {
    const focused = this.focused();
    const working = this.snap.working;
    if (!focused || !working) return;
    this.api
      .invoke('conflicts:setDraft', { target: { ids: [focused.id] }, resolution: working })
      .then(
        () => this.say({ text: `Decision saved for ${focused.name}.` }),
        (err: unknown) => this.say({ text: errorText(err), error: true }),
      );
  };

  applyOne = (): void => {
    const focused = this.focused();
    const working = this.snap.working;
    if (!focused || !working) return;
    this.api
      .invoke('conflicts:apply', {
        target: { ids: [focused.id] },
        decision: { type: 'resolution', resolution: working },
        description: `${focused.name}: ${describeResolution(working)}`,
      })
      .then(
        (r) =>
          this.say(
            r.resolvable
              ? { text: `Resolved ${focused.name}${r.operations ? ' · 1 operation queued' : ''}.` }
              : { text: r.skippedReasons[0]?.reason ?? 'Nothing was applied.', error: true },
          ),
        (err: unknown) => this.say({ text: errorText(err), error: true }),
      );
  };

  // ---- bulk decisions: preview, then apply as a job ----------------------------------------

  openPreview = (title: string, decision: Decision): void => {
    // A half-filled range would act on fewer conflicts than were selected.
    if (this.rangePending()) {
      this.say({ text: 'The Shift-click range is still being selected: try again in a moment.' });
      return;
    }
    const tooLarge = targetTooLarge(this.snap.selection);
    if (tooLarge) {
      this.say({ text: tooLarge, error: true });
      return;
    }
    const focused = this.focused();
    const target =
      toTarget(this.snap.selection, this.filter()) ?? (focused ? { ids: [focused.id] } : null);
    if (!target) {
      this.say({
        text: 'Select conflicts first (click, Shift-click, or “Select all”).',
        error: true,
      });
      return;
    }
    const p: PendingApply = { title, target, decision, preview: null, error: null, busy: false };
    this.set({ pending: p });
    this.api.invoke('conflicts:preview', { target, decision }).then(
      (preview) => {
        const cur = this.snap.pending;
        if (cur === p || cur?.target === target) this.set({ pending: { ...p, preview } });
      },
      (err: unknown) => {
        if (this.snap.pending?.target === target)
          this.set({ pending: { ...p, error: errorText(err) } });
      },
    );
  };

  cancelPending = (): void => this.set({ pending: null });

  /**
   * The preview's numbers were checked: the dialog closes and the apply runs in
   * the core as a job, its progress and Cancel above the screen, while the table
   * stays usable. A cancelled job is told by the jobs bar, not here.
   */
  applyPending = (): void => {
    const p = this.snap.pending;
    if (!p) return;
    this.set({ pending: null });
    const throughId = p.preview?.throughId;
    this.api
      .invoke('conflicts:apply', {
        target: p.target,
        decision: p.decision,
        ...(throughId !== undefined ? { throughId } : {}),
      })
      .then(
        (r) => {
          this.set({ selection: EMPTY_SELECTION });
          this.say({
            text: `Resolved ${count(r.resolvable, 'conflict')} · ${count(r.operations, 'operation')} queued${r.skipped ? ` · ${count(r.skipped, 'conflict')} left open` : ''}.`,
          });
        },
        (err: unknown) => {
          if ((err as { code?: string }).code !== 'cancelled')
            this.say({ text: errorText(err), error: true });
        },
      );
  };

  openRule = (): void => this.set({ ruleOpen: true });

  closeRule = (): void => this.set({ ruleOpen: false });

  previewRule = ({ rules, remembered }: { rules: FieldRules; remembered: boolean }): void => {
    this.set({ ruleOpen: false, lastRules: { rules, remembered } });
    this.openPreview(`Rule for ${this.targetWords()}`, {
      type: 'rules',
      rules,
      // Present only when chosen, so a rule saved from this preview reads as before without it.
      ...(remembered ? { remembered: true } : {}),
    });
  };

  openRules = (): void => this.set({ rulesOpen: true });

  closeRules = (): void => this.set({ rulesOpen: false });

  /**
   * "Save as rule" from a bulk preview: the pending decision over the filter shown now.
   * Each row's chosen decisions are not a rule, so that preview offers no saving.
   */
  canSaveRule(): boolean {
    const p = this.snap.pending;
    return !!p && p.decision.type !== 'drafts';
  }

  saveRule = (name: string): Promise<boolean> => {
    const d = this.snap.pending?.decision;
    if (!d || d.type === 'drafts') return Promise.resolve(false);
    return this.rules.saveRule(name, this.filter(), d);
  };

  undo = (): void => {
    this.api.invoke('conflicts:undo', {}).then(
      (r) =>
        this.say({
          text: `Undone: ${r.batch.description} · ${count(r.reopened, 'conflict')} open again.`,
        }),
      (err: unknown) => this.say({ text: errorText(err), error: true }),
    );
  };

  exportAudit = (): void => {
    this.api.invoke('audit:exportCsv', {}).then(
      ({ csv, rows: n, fileName }) => {
        download(fileName, 'text/csv', csv);
        this.say({ text: `Exported ${count(n, 'audit row')} to ${fileName}.` });
      },
      (err: unknown) => this.say({ text: errorText(err), error: true }),
    );
  };

  setHelp = (help: boolean): void => this.set({ help });

  dismissMessage = (): void => this.set({ message: null });

  /** Escape outside a text box: the help sheet closes first, then the selection clears. */
  escape = (): void => {
    if (this.snap.help) this.set({ help: false });
    else this.set({ selection: EMPTY_SELECTION });
  };

  /**
   * Carries out a keyboard command. Returns the field whose typed-value box should take
   * focus ("e"), or "search" ("/"): moving DOM focus is the screen's part.
   */
  command = (c: KeyCommand): VisitorField | 'search' | null => {
    switch (c.type) {
      case 'move':
        this.moveFocus((this.snap.focusIndex ?? -1) + c.by, c.extend);
        return null;
      case 'field': {
        const n = this.focused()?.conflictFields.length ?? 1;
        this.set({ fieldIndex: Math.max(0, Math.min(n - 1, this.snap.fieldIndex + c.by)) });
        return null;
      }
      case 'toggleSelect': {
        const focused = this.focused();
        const i = this.snap.focusIndex;
        if (focused && i !== null)
          this.set({ selection: toggle(this.snap.selection, focused.id, this.rowIndexOf(i)) });
        return null;
      }
      case 'selectAll':
        this.selectAll();
        return null;
      case 'undo':
        this.undo();
        return null;
      case 'whole':
        this.set({ working: { strategy: c.strategy } });
        return null;
      case 'pick':
        this.pick(c.kind);
        return null;
      case 'type': {
        const focused = this.focused();
        const f = focused?.conflictFields[this.snap.fieldIndex];
        if (!focused || !f) return null;
        this.pickField(f, { kind: 'typed', value: conflictSides(focused.resolvable).client[f] });
        return f;
      }
      case 'save':
        this.saveDraft();
        return null;
      case 'apply':
        if (this.selectedCount())
          this.openPreview(`Apply chosen decisions to ${this.targetWords()}`, { type: 'drafts' });
        else this.applyOne();
        return null;
      case 'rule':
        this.openRule();
        return null;
      case 'search':
        return 'search';
      case 'help':
        this.set({ help: !this.snap.help });
        return null;
    }
  };

  private say(message: Message): void {
    this.set({ message });
  }

  private set(patch: Partial<ConflictsSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    const rows = this.snap.rows;
    // The detail pane shows the focused conflict wherever the table scrolls: its block
    // must stay, or its working decision would be reset when the block is dropped.
    const f = this.snap.focusIndex;
    rows.keep(f === null || this.entryAt(f)?.type === 'group' ? null : this.rowIndexOf(f));
    this.rowsSeen = { total: rows.total, error: rows.error, focused: this.focused() };
    this.listeners.forEach((l) => l());
  }
}
