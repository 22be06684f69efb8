import type { Api } from '../../../shared/ipc/client';
import type { Action } from '../../../shared/protocol';
import type { ErrorClass } from '../../../shared/queue/classify';
import type {
  QueueDetail,
  QueueFacets,
  QueueFilterIn,
  QueueGroup,
  QueueRole,
  QueueSort,
  QueueTargetIn,
} from '../../../shared/ipc/queue-contract';
import { MAX_RANGE_ROWS } from '../../../shared/ipc/bounded';
import { selectionTooLarge } from './selection-limit';
import { download } from '../download';
import { errorText } from '../error-text';
import { fillRange, type SelectionHolder } from '../paging/range-fill';
import {
  cancelRange,
  EMPTY_SELECTION,
  isPending,
  startRange,
  toggle,
  type Selection,
} from '../paging/selection';
import { ArchiveStore } from './archive-store';
import { ClusterStore } from './cluster-store';
import { plural } from './format';
import { QueueRows } from './queue-rows';

const NONE: Selection<string> = EMPTY_SELECTION;

/** Runs and other windows change the queue: it is read again at most this often. */
const REFRESH_MS = 300;

export type QueueActionKind = 'retry' | 'discard' | 'export' | 'archiveExported';

/** What a failure group's buttons ask for: the first three confirm here, the others open a dialog. */
export type GroupActionKind = 'retry' | 'discard' | 'export' | 'edit' | 'conflict';

/** The queue itself, or the archive of what was discarded from it. */
export type QueueView = 'queue' | 'archive';

/** An action waiting for its confirmation, with the count it was asked for. */
export interface PendingAction {
  kind: QueueActionKind;
  format?: 'csv' | 'json';
  target: QueueTargetIn;
  count: number;
  what: string;
}

export interface QueueNotice {
  text: string;
  error?: boolean;
}

/** An export the window saved itself (no desktop save dialog): marked only once confirmed. */
export interface UnconfirmedExport {
  exportId: string;
  filename: string;
  count: number;
}

export interface QueueFilterChoices {
  status: 'retrying' | 'failed' | null;
  cls: ErrorClass | null;
  code: string | null;
  action: Action | null;
  /** What the search box holds; the query uses it trimmed. */
  text: string;
  signature: string | null;
}

export interface QueueSnapshot extends QueueFilterChoices {
  view: QueueView;
  role: QueueRole | null;
  facets: QueueFacets | null;
  groups: { groups: QueueGroup[]; total: number } | null;
  sort: QueueSort;
  /** The ticked operations; a new filter starts a new selection. */
  selected: ReadonlySet<string>;
  /**
   * The same, with where the last tick was (for Shift-click ranges) and a
   * range waiting for the opIds of rows not loaded: until they come the
   * count is not known and the bulk buttons wait (`selecting`).
   */
  selection: Selection<string>;
  selecting: boolean;
  /** The operation open in the detail panel. */
  current: string | null;
  /** Changes whenever the queue was read again: the detail panel rereads with it. */
  version: number;
  pending: PendingAction | null;
  busy: boolean;
  notice: QueueNotice | null;
  unconfirmed: UnconfirmedExport | null;
  rows: QueueRows;
  rowsVersion: number;
}

/**
 * The retry queue screen's state and calls: the admin's role, filters, the
 * paged rows, groups and facets, the selection, confirm-then-act and the
 * export's confirmation. The screen renders the snapshot. Plain TypeScript
 * with subscribe/snapshot for useSyncExternalStore, like the sync store.
 */
export class QueueStore {
  private snap: QueueSnapshot;
  private readonly listeners = new Set<() => void>();
  private offs: (() => void)[] = [];
  private rowsOff: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sideAsked = 0;
  private started = false;

  /** The archive tab's own state: restore, export and purge of discarded operations. */
  readonly archive: ArchiveStore;
  /** A failure group's Edit field… and Turn into conflicts… dialogs; their results are notices. */
  readonly clusters: ClusterStore;

  constructor(private readonly api: Api) {
    this.archive = new ArchiveStore(api);
    // queue:changed rereads the rows after either action; the store only says what happened.
    this.clusters = new ClusterStore(api, (text) => this.say(text));
    const sort: QueueSort = { column: 'created', direction: 'asc' };
    const choices: QueueFilterChoices = {
      status: null,
      cls: null,
      code: null,
      action: null,
      text: '',
      signature: null,
    };
    this.snap = {
      ...choices,
      view: 'queue',
      role: null,
      facets: null,
      groups: null,
      sort,
      ...selectionPatch(NONE),
      current: null,
      version: 0,
      pending: null,
      busy: false,
      notice: null,
      unconfirmed: null,
      rows: new QueueRows(api, filterOf(choices), sort),
      rowsVersion: 0,
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): QueueSnapshot => this.snap;

  start = (): void => {
    this.stop();
    this.started = true;
    this.attachRows(this.snap.rows);
    const bump = () => {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.reread();
      }, REFRESH_MS);
    };
    this.offs = [this.api.on('outbox:changed', bump), this.api.on('queue:changed', bump)];
    this.loadRole();
    this.loadSide();
  };

  stop = (): void => {
    this.started = false;
    this.offs.forEach((off) => off());
    this.offs = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.rowsOff?.();
    this.rowsOff = null;
    this.snap.rows.stop();
  };

  filter(): QueueFilterIn {
    return filterOf(this.snap);
  }

  total(): number {
    return this.snap.rows.total ?? 0;
  }

  get canAct(): boolean {
    return this.snap.role?.role === 'admin';
  }

  setView = (view: QueueView): void => this.set({ view });

  // ---- filters -----------------------------------------------------------------------------

  setFilter = (patch: Partial<QueueFilterChoices>): void => {
    const before = JSON.stringify(this.filter());
    this.set(patch);
    if (JSON.stringify(this.filter()) !== before) this.requery();
  };

  setSort = (sort: QueueSort): void => {
    this.set({ sort });
    this.requery();
  };

  /** A new query: rows of its own, groups and facets again, and (new filter) no selection. */
  private requery(): void {
    const filter = this.filter();
    const cur = this.snap.rows;
    const filterChanged = JSON.stringify(filter) !== JSON.stringify(cur.filter);
    cur.stop();
    this.rowsOff?.();
    this.rowsOff = null;
    const rows = new QueueRows(this.api, filter, this.snap.sort);
    // A new sort keeps the ticks, but not where the last one was (a row
    // index in the old order) nor a range still waiting for its opIds.
    const kept = cancelRange(this.snap.selection);
    this.set({
      rows,
      rowsVersion: 0,
      ...selectionPatch(filterChanged ? NONE : { ...kept, anchor: null }),
    });
    if (this.started) this.attachRows(rows);
    if (filterChanged) this.loadSide();
  }

  private attachRows(rows: QueueRows): void {
    this.rowsOff?.();
    this.rowsOff = rows.subscribe(() => {
      if (rows === this.snap.rows) this.set({ rowsVersion: rows.getVersion() });
    });
    rows.start();
  }

  /** The rows on screen, the groups and the counts, read again after a change. */
  private reread(): void {
    // Rows came or went: positions no longer mean the rows the person saw, so
    // a range still waiting for its opIds is given up and the next Shift-click
    // starts from itself (a late answer would tick rows by their new places).
    const s = this.snap.selection;
    if (s.anchor !== null || isPending(s))
      this.set(selectionPatch({ ...cancelRange(s), anchor: null }));
    this.snap.rows.refresh();
    this.set({ version: this.snap.version + 1 });
    this.loadSide();
  }

  loadRole = (): void => {
    this.api.invoke('queue:role', {}).then(
      (role) => this.set({ role }),
      (err: unknown) => this.set({ role: { role: null, name: null, reason: errorText(err) } }),
    );
  };

  private loadSide(): void {
    const asked = ++this.sideAsked;
    this.api.invoke('queue:facets', {}).then(
      (facets) => asked === this.sideAsked && this.set({ facets }),
      () => undefined,
    );
    this.api.invoke('queue:groups', { filter: { ...this.filter(), signature: null } }).then(
      (groups) => asked === this.sideAsked && this.set({ groups }),
      () => undefined,
    );
  }

  // ---- selection and detail ----------------------------------------------------------------

  /** A row's tick (`index`: its row in the table): toggles it, or with Shift the range from the last tick. */
  tick = (opId: string, index: number, shift = false): void => {
    const s = this.snap.selection;
    if (!shift) {
      this.set(selectionPatch(toggle(s, opId, index)));
      return;
    }
    const rows = this.snap.rows;
    const r = startRange(s, index, (i) => rows.getRow(i)?.opId, MAX_RANGE_ROWS);
    if ('refused' in r) {
      this.set({ notice: { text: r.refused, error: true } });
      return;
    }
    this.set(selectionPatch(r.selection));
    fillRange(r.selection, this.holder, rows.idsAt);
  };

  private readonly holder: SelectionHolder<string> = {
    current: () => this.snap.selection,
    set: (selection) => this.set(selectionPatch(selection)),
    say: (text) => this.set({ notice: { text, error: true } }),
  };

  clearSelection = (): void => this.set(selectionPatch(NONE));

  open = (opId: string | null): void => this.set({ current: opId });

  /** The detail panel edited a payload: say so and read the queue again. */
  edited = (text: string): void => {
    this.set({ notice: { text } });
    this.reread();
  };

  dismissNotice = (): void => this.set({ notice: null });

  // ---- actions: ask, confirm, run ----------------------------------------------------------

  ask = (
    kind: QueueActionKind,
    target: QueueTargetIn,
    count: number,
    what: string,
    format?: 'csv' | 'json',
  ): void => this.set({ pending: { kind, target, count, what, ...(format ? { format } : {}) } });

  cancelPending = (): void => this.set({ pending: null });

  /**
   * The ticked operations as a target, with the count the confirmation showed;
   * null while a Shift-click range still waits for its opIds, or when there
   * are more than one action takes (the screen says so: selectionTooLarge).
   */
  selectionTarget(): QueueTargetIn | null {
    if (isPending(this.snap.selection)) return null;
    const ids = this.snap.selected;
    if (selectionTooLarge(ids.size)) return null;
    return { select: { opIds: [...ids] }, expected: ids.size };
  }

  /** Everything the filter matches, with the count on screen. */
  matchingTarget(): QueueTargetIn {
    return { select: { filter: this.filter() }, expected: this.total() };
  }

  /** A group's count is under the active filter: the action on it is too. */
  askGroup = (g: QueueGroup, kind: GroupActionKind): void => {
    const target: QueueTargetIn = {
      select: { filter: { ...this.filter(), signature: g.signature } },
      expected: g.count,
    };
    if (kind === 'edit') this.clusters.openEdit(g, target);
    else if (kind === 'conflict') this.clusters.openConflict(g, target);
    else
      this.ask(
        kind,
        target,
        g.count,
        `“${g.message || g.code}”`,
        kind === 'export' ? 'csv' : undefined,
      );
  };

  /**
   * The exported failed operations leave the queue for the archive (restorable there, and
   * purged only from there): allowed only after an export; without one it says so instead.
   */
  askArchiveExported = (): void => {
    const f = this.snap.facets;
    if (!f) return;
    if (f.exportedFailed > 0)
      this.ask(
        'archiveExported',
        { select: { filter: { status: 'failed' } }, expected: f.exportedFailed },
        f.exportedFailed,
        '',
      );
    else
      this.set({
        notice: {
          text: `Export first: none of the ${plural(f.unexportedFailed, 'failed operation')} has been exported yet. (Discard moves operations to the archive without an export.)`,
          error: true,
        },
      });
  };

  retryOne = (opId: string): Promise<void> =>
    this.run({
      kind: 'retry',
      target: { select: { opIds: [opId] }, expected: 1 },
      count: 1,
      what: '',
    });

  discardOne = (d: QueueDetail): void =>
    this.ask(
      'discard',
      { select: { opIds: [d.item.opId] }, expected: 1 },
      1,
      `the ${d.item.action} of ${d.item.visitorName || d.item.localId}`,
    );

  confirm = (): Promise<void> => {
    const p = this.snap.pending;
    return p ? this.run(p) : Promise.resolve();
  };

  private run = async (p: PendingAction): Promise<void> => {
    this.set({ busy: true });
    try {
      if (p.kind === 'export') {
        const file = await this.api.invoke('queue:export', {
          ...p.target,
          format: p.format ?? 'csv',
        });
        if (file.saved === 'main') {
          const changed = file.count - file.marked;
          this.say(
            `Exported ${plural(file.count, 'operation')} to ${file.path ?? file.filename}.${changed > 0 ? ` ${plural(changed, 'operation')} changed meanwhile and ${changed === 1 ? 'is' : 'are'} not marked exported.` : ''}`,
          );
        } else if (file.saved === 'cancelled') {
          this.say('Export cancelled: no file was saved, and nothing was marked exported.');
        } else {
          download(file.filename, file.mime, file.content);
          this.set({
            unconfirmed: { exportId: file.exportId, filename: file.filename, count: file.count },
            notice: null,
          });
        }
      } else if (p.kind === 'archiveExported') {
        const r = await this.api.invoke('queue:archiveExported', { expected: p.count });
        this.say(
          `Moved ${plural(r.count, 'exported failed operation')} to the archive; restore, export or purge them there.`,
        );
      } else {
        const r = await this.api.invoke(
          p.kind === 'retry' ? 'queue:retry' : 'queue:discard',
          p.target,
        );
        const done =
          p.kind === 'retry'
            ? `Retrying ${plural(r.count, 'operation')}${r.syncStarted ? '; sending now' : '; they go with the next sync'}.`
            : `Discarded ${plural(r.count, 'operation')} into the archive; the records are back to the server's version.`;
        this.say(r.skipped ? `${done} ${r.skipped} left alone: ${r.skippedReason ?? ''}` : done);
        this.set(selectionPatch(NONE));
      }
      this.set({ pending: null });
    } catch (err) {
      this.set({ notice: { text: errorText(err), error: true }, pending: null });
    } finally {
      this.set({ busy: false });
      this.reread();
    }
  };

  /** The window saved the file (or did not): only a saved file makes its operations purgeable. */
  settleExport = async (saved: boolean): Promise<void> => {
    const pending = this.snap.unconfirmed;
    if (!pending) return;
    this.set({ unconfirmed: null });
    if (!saved) {
      this.say('Nothing was marked exported: export again to save the file.');
      return;
    }
    this.set({ busy: true });
    try {
      const r = await this.api.invoke('queue:exportSaved', { exportId: pending.exportId });
      this.say(
        `Saved ${pending.filename}: ${plural(r.count, 'operation')} marked exported.${r.changed > 0 ? ` ${plural(r.changed, 'operation')} changed meanwhile and ${r.changed === 1 ? 'is' : 'are'} not marked: export ${r.changed === 1 ? 'it' : 'them'} again.` : ''}`,
      );
    } catch (err) {
      this.set({ notice: { text: errorText(err), error: true } });
    } finally {
      this.set({ busy: false });
      this.reread();
    }
  };

  private say(text: string): void {
    this.set({ notice: { text } });
  }

  private set(patch: Partial<QueueSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.listeners.forEach((l) => l());
  }
}

function filterOf(c: QueueFilterChoices): QueueFilterIn {
  return {
    status: c.status,
    cls: c.cls,
    code: c.code,
    action: c.action,
    text: c.text.trim(),
    signature: c.signature,
  };
}

/** A selection and the fields the screen reads from it, set together. */
function selectionPatch(
  selection: Selection<string>,
): Pick<QueueSnapshot, 'selection' | 'selected' | 'selecting'> {
  return { selection, selected: selection.ids, selecting: isPending(selection) };
}
