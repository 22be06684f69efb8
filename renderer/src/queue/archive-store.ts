import type { Api } from '../../../shared/ipc/client';
import type {
  ArchiveFacets,
  ArchiveItem,
  ArchiveTargetIn,
} from '../../../shared/ipc/queue-contract';
import { download } from '../download';
import { errorText } from '../error-text';
import { plural } from './format';

/** Rows read per page; "Load more" reads the next one (keyset, newest first). */
const PAGE = 200;

export type ArchiveAsk =
  | { kind: 'restore'; target: ArchiveTargetIn; count: number }
  | { kind: 'export'; target: ArchiveTargetIn; count: number; format: 'csv' | 'json' }
  | { kind: 'purge'; count: number };

export interface ArchiveSnapshot {
  facets: ArchiveFacets | null;
  rows: ArchiveItem[];
  /** How many match the search (rows may hold fewer: load more). */
  total: number | null;
  text: string;
  selected: ReadonlySet<number>;
  /** The row open in the detail pane. */
  current: number | null;
  ask: ArchiveAsk | null;
  /** An export the window saved itself, waiting for "The file is saved". */
  unconfirmed: { exportId: string; filename: string; count: number } | null;
  busy: boolean;
  notice: { text: string; error?: boolean } | null;
}

/**
 * The retry queue's archive view: discarded operations kept whole, to be
 * restored to the queue, exported (CSV or JSON) and, once an export's file is
 * saved, purged. Plain TypeScript with subscribe/getSnapshot for
 * useSyncExternalStore, like the other screens' stores.
 */
export class ArchiveStore {
  private snap: ArchiveSnapshot = {
    facets: null,
    rows: [],
    total: null,
    text: '',
    selected: new Set(),
    current: null,
    ask: null,
    unconfirmed: null,
    busy: false,
    notice: null,
  };
  private readonly listeners = new Set<() => void>();
  private asked = 0;
  private offs: (() => void)[] = [];

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ArchiveSnapshot => this.snap;

  private set(patch: Partial<ArchiveSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  start = (): (() => void) => {
    void this.reload();
    this.offs = [this.api.on('queue:changed', () => void this.reload())];
    return () => this.offs.forEach((off) => off());
  };

  private filter() {
    return { text: this.snap.text.trim() };
  }

  /** The first page again (a new search, or the archive changed). */
  async reload(): Promise<void> {
    const ask = ++this.asked;
    try {
      const [facets, count, page] = await Promise.all([
        this.api.invoke('queue:archiveFacets', {}),
        this.api.invoke('queue:archiveCount', { filter: this.filter() }),
        this.api.invoke('queue:archivePage', { filter: this.filter(), offset: 0, limit: PAGE }),
      ]);
      if (ask !== this.asked) return;
      const ids = new Set(page.rows.map((r) => r.id));
      this.set({
        facets,
        total: count.total,
        rows: page.rows,
        selected: new Set([...this.snap.selected].filter((id) => ids.has(id))),
        current:
          this.snap.current !== null && ids.has(this.snap.current) ? this.snap.current : null,
      });
    } catch (err) {
      if (ask === this.asked) this.set({ notice: { text: errorText(err), error: true } });
    }
  }

  async loadMore(): Promise<void> {
    const last = this.snap.rows.at(-1);
    if (!last) return;
    const page = await this.api.invoke('queue:archivePage', {
      filter: this.filter(),
      offset: 0,
      limit: PAGE,
      beforeId: last.id,
    });
    this.set({ rows: [...this.snap.rows, ...page.rows] });
  }

  setText(text: string): void {
    this.set({ text, selected: new Set() });
    void this.reload();
  }

  toggle(id: number): void {
    const next = new Set(this.snap.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.set({ selected: next });
  }

  open(id: number | null): void {
    this.set({ current: id });
  }

  dismiss = (): void => this.set({ notice: null });
  cancel = (): void => this.set({ ask: null });

  /** What "selected" or "all matching" means for an action. */
  targetOf(which: 'selected' | 'matching'): { target: ArchiveTargetIn; count: number } {
    if (which === 'selected')
      return {
        target: { select: { ids: [...this.snap.selected] }, expected: this.snap.selected.size },
        count: this.snap.selected.size,
      };
    const total = this.snap.total ?? 0;
    return { target: { select: { filter: this.filter() }, expected: total }, count: total };
  }

  askFor(ask: ArchiveAsk): void {
    this.set({ ask });
  }

  async confirm(): Promise<void> {
    const ask = this.snap.ask;
    if (!ask) return;
    this.set({ busy: true });
    try {
      if (ask.kind === 'restore') {
        const r = await this.api.invoke('queue:restore', ask.target);
        this.set({
          selected: new Set(),
          notice: {
            text: `Restored ${plural(r.count, 'operation')} to the queue, as failed: retry, edit or discard ${r.count === 1 ? 'it' : 'them'} there.${r.skipped ? ` ${r.skipped} not restored: ${r.skippedReason ?? ''}` : ''}`,
          },
        });
      } else if (ask.kind === 'purge') {
        const r = await this.api.invoke('queue:archivePurge', { expected: ask.count });
        this.set({
          notice: {
            text: `Purged ${plural(r.count, 'exported operation')} from the archive.${r.skippedReason ? ` ${r.skippedReason}` : ''}`,
          },
        });
      } else {
        const file = await this.api.invoke('queue:archiveExport', {
          ...ask.target,
          format: ask.format,
        });
        if (file.saved === 'main')
          this.set({
            notice: {
              text: `Exported ${plural(file.count, 'operation')} to ${file.path ?? file.filename}; they may now be purged.`,
            },
          });
        else if (file.saved === 'cancelled')
          this.set({
            notice: { text: 'Export cancelled: no file was saved, and nothing may be purged.' },
          });
        else {
          download(file.filename, file.mime, file.content);
          this.set({
            unconfirmed: { exportId: file.exportId, filename: file.filename, count: file.count },
            notice: null,
          });
        }
      }
    } catch (err) {
      this.set({ notice: { text: errorText(err), error: true } });
    } finally {
      this.set({ busy: false, ask: null });
      void this.reload();
    }
  }

  /** The window saved the file (or not): only a saved file makes its operations purgeable. */
  async settleExport(saved: boolean): Promise<void> {
    const pending = this.snap.unconfirmed;
    if (!pending) return;
    this.set({ unconfirmed: null });
    if (!saved) {
      this.set({ notice: { text: 'Nothing may be purged: export again to save the file.' } });
      return;
    }
    this.set({ busy: true });
    try {
      const r = await this.api.invoke('queue:archiveExportSaved', { exportId: pending.exportId });
      this.set({
        notice: {
          text: `Saved ${pending.filename}: ${plural(r.count, 'archived operation')} may now be purged.`,
        },
      });
    } catch (err) {
      this.set({ notice: { text: errorText(err), error: true } });
    } finally {
      this.set({ busy: false });
      void this.reload();
    }
  }
}
