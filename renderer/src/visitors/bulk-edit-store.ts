import type { Api } from '../../../shared/ipc/client';
import type {
  BulkEditBatch,
  BulkEditSummary,
  VisitorFilter,
  VisitorTargetIn,
} from '../../../shared/ipc/visitors-contract';
import { MAX_RANGE_ROWS } from '../../../shared/ipc/range-limit';
import type { BulkEditField, BulkEditIn } from '../../../shared/visitor-bulk-edit';
import { errorText } from '../error-text';
import { formatNumber } from '../intl';
import { fillRange, type RowIds, type SelectionHolder } from '../paging/range-fill';
import {
  cancelRange,
  EMPTY_SELECTION,
  isPending,
  selectAllMatching,
  selectedCount,
  startRange,
  toggle,
  type Selection,
} from '../paging/selection';

export type EditKind = 'set' | 'clear' | 'replace';

/** The bulk edit dialog's form, as typed. */
export interface EditDraft {
  field: BulkEditField;
  kind: EditKind;
  value: string;
  find: string;
  replace: string;
  matchCase: boolean;
}

export interface BulkEditSnapshot {
  selection: Selection<string>;
  /** The dialog is open. */
  editing: boolean;
  draft: EditDraft;
  /** The preview of exactly this draft and selection; null until asked, or after a change. */
  preview: BulkEditSummary | null;
  busy: 'previewing' | 'applying' | 'undoing' | null;
  /** A refusal in the dialog, in the core's words. */
  error: string | null;
  /** The newest bulk edit that may still be undone. */
  last: BulkEditBatch | null;
  /** What the last apply or undo did, in words. */
  notice: string | null;
}

const EMPTY_DRAFT: EditDraft = {
  field: 'company',
  kind: 'set',
  value: '',
  find: '',
  replace: '',
  matchCase: false,
};

/** The draft as the core's edit, or the reason it is not one yet. */
export function editOf(d: EditDraft): BulkEditIn | string {
  if (d.kind === 'clear') return { field: d.field, action: { kind: 'clear' } };
  if (d.kind === 'set') return { field: d.field, action: { kind: 'set', value: d.value } };
  if (d.find === '') return 'Enter the text to find.';
  return {
    field: d.field,
    action: { kind: 'replace', find: d.find, replace: d.replace, matchCase: d.matchCase },
  };
}

const plural = (n: number, one: string) => `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;

/**
 * The visitors screen's selection and bulk edit: click, Shift-click and
 * "all matching" select; the dialog's draft is previewed by the core (counts
 * and samples) before it can be applied; the last edit can be undone while
 * it is unsent. Plain TypeScript with subscribe/snapshot for useSyncExternalStore.
 */
export class BulkEditStore {
  private snap: BulkEditSnapshot = {
    selection: EMPTY_SELECTION,
    editing: false,
    draft: EMPTY_DRAFT,
    preview: null,
    busy: null,
    error: null,
    last: null,
    notice: null,
  };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): BulkEditSnapshot => this.snap;

  private set(patch: Partial<BulkEditSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.listeners.forEach((l) => l());
  }

  /** The last bulk edit, for its Undo button after a restart. */
  load = (): void => {
    this.api.invoke('visitors:bulkLast', {}).then(
      (last) => this.set({ last }),
      () => {},
    );
  };

  // ---- selection ----------------------------------------------------------------------------

  count(total: number): number {
    return selectedCount(this.snap.selection, total);
  }

  /** A Shift-click range waits for the ids of its rows not loaded: the edit waits too. */
  get rangePending(): boolean {
    return isPending(this.snap.selection);
  }

  /** A new search or filter: "all that match" must mean the new one, so the selection starts over. */
  queryChanged = (): void => {
    if (this.snap.selection !== EMPTY_SELECTION) this.set({ selection: EMPTY_SELECTION });
  };

  /**
   * The table's rows are another query's (a new sort too): a range still
   * waiting for ids of the old positions is given up, its late answer dropped.
   */
  rowsChanged = (): void => {
    const s = this.snap.selection;
    if (isPending(s)) this.set({ selection: cancelRange(s) });
  };

  /** A click on a row: plain selects it alone, Shift extends from the last click, Ctrl/Cmd toggles. */
  clickRow = (
    index: number,
    localId: string,
    mods: { shift: boolean; toggle: boolean },
    rows: RowIds<string>,
  ): void => {
    const s = this.snap.selection;
    if (mods.shift) this.extendTo(index, rows);
    else
      this.set({
        selection: mods.toggle
          ? toggle(s, localId, index)
          : toggle(EMPTY_SELECTION as Selection<string>, localId, index),
      });
  };

  /** A row's checkbox: toggles it, or with Shift the range from the last click. */
  tickRow = (index: number, localId: string, shift: boolean, rows: RowIds<string>): void => {
    if (shift) this.extendTo(index, rows);
    else this.set({ selection: toggle(this.snap.selection, localId, index) });
  };

  private readonly holder: SelectionHolder<string> = {
    current: () => this.snap.selection,
    set: (selection) => this.set({ selection }),
    say: (notice) => this.set({ notice }),
  };

  /**
   * A range from the last click to row `index`. Rows between that are not
   * loaded (after a jump, or dropped blocks) are asked of the core by position
   * under the table's query; until they come the selection is pending and the
   * edit waits. A range fully loaded asks nothing.
   */
  private extendTo(index: number, rows: RowIds<string>): void {
    const r = startRange(this.snap.selection, index, (i) => rows.idAt(i), MAX_RANGE_ROWS);
    if ('refused' in r) {
      this.set({ notice: r.refused });
      return;
    }
    this.set({ selection: r.selection });
    fillRange(r.selection, this.holder, rows.idsAt);
  }

  selectAll = (): void => this.set({ selection: selectAllMatching<string>() });

  clearSelection = (): void => this.set({ selection: EMPTY_SELECTION });

  /** What the core's bulk calls take: the ids, or the query with its exceptions. */
  target(search: string, filter: VisitorFilter): VisitorTargetIn | null {
    const s = this.snap.selection;
    // A half-filled range would edit fewer visitors than were selected.
    if (isPending(s)) return null;
    if (s.all) return { matching: { search, filter }, exceptIds: [...s.ids] };
    return s.ids.size ? { localIds: [...s.ids] } : null;
  }

  // ---- the dialog ---------------------------------------------------------------------------

  open = (): void => this.set({ editing: true, preview: null, error: null });

  close = (): void => {
    if (this.snap.busy === 'applying') return;
    this.set({ editing: false, preview: null, error: null });
  };

  /** Any change of the form makes the preview stale: it must be asked again before applying. */
  setDraft = (patch: Partial<EditDraft>): void =>
    this.set({ draft: { ...this.snap.draft, ...patch }, preview: null, error: null });

  preview = async (search: string, filter: VisitorFilter): Promise<void> => {
    const request = this.request(search, filter);
    if (!request) return;
    this.set({ busy: 'previewing', error: null });
    try {
      const preview = await this.api.invoke('visitors:bulkPreview', request);
      this.set({ preview });
    } catch (err) {
      this.set({ error: errorText(err) });
    } finally {
      this.set({ busy: null });
    }
  };

  apply = async (search: string, filter: VisitorFilter): Promise<void> => {
    const request = this.request(search, filter);
    if (!request || !this.snap.preview) return;
    this.set({ busy: 'applying', error: null });
    try {
      const r = await this.api.invoke('visitors:bulkEdit', request);
      const skipped = r.skipped ? `; ${plural(r.skipped, 'visitor')} left as they were` : '';
      this.set({
        editing: false,
        preview: null,
        last: r.batch ?? this.snap.last,
        notice: r.batch
          ? `${r.batch.description}: ${plural(r.changed, 'visitor')} changed, queued to sync${skipped}.`
          : `Nothing to change${skipped}.`,
      });
    } catch (err) {
      this.set({ error: errorText(err) });
    } finally {
      this.set({ busy: null });
    }
  };

  undo = async (): Promise<void> => {
    const last = this.snap.last;
    if (!last) return;
    this.set({ busy: 'undoing', notice: null });
    try {
      const r = await this.api.invoke('visitors:bulkUndo', { batchId: last.batchId });
      const kept = r.problems.length
        ? ` ${plural(r.kept, 'visitor')} kept: ${r.problems[0]!.message}${r.kept > 1 ? ' (and others)' : ''}.`
        : '';
      this.set({
        last: null,
        notice: `Undone: ${last.description} (${plural(r.restored, 'visitor')} put back).${kept}`,
      });
      // An earlier bulk edit may still be undone in its turn.
      this.load();
    } catch (err) {
      this.set({ notice: errorText(err) });
    } finally {
      this.set({ busy: null });
    }
  };

  dismissNotice = (): void => this.set({ notice: null });

  private request(search: string, filter: VisitorFilter) {
    const target = this.target(search, filter);
    const edit = editOf(this.snap.draft);
    if (this.rangePending) {
      this.set({ error: 'The Shift-click range is still being selected: try again in a moment.' });
      return null;
    }
    const picked = this.snap.selection.all ? 0 : this.snap.selection.ids.size;
    if (picked > MAX_RANGE_ROWS) {
      this.set({
        error: `At most ${formatNumber(MAX_RANGE_ROWS)} picked visitors can be edited at once (${formatNumber(picked)} are picked). Use “Select all matching” for more.`,
      });
      return null;
    }
    if (typeof edit === 'string' || !target) {
      this.set({ error: typeof edit === 'string' ? edit : 'Select the visitors to edit first.' });
      return null;
    }
    return { target, edit };
  }
}
