import type { Api } from '../../../shared/ipc/client';
import type { TableId, TableLayout, TableLayouts } from '../../../shared/settings/table-layout';
import { errorText } from '../error-text';

/** Dragging a column edge changes its width many times a second: it is saved once it rests. */
const SAVE_AFTER_MS = 400;

/**
 * The tables' column layouts for the whole window: read once from the
 * settings, changed by the tables, written back through settings:update
 * (the core keeps them in the settings file, so they last across restarts).
 * Plain TypeScript with subscribe/snapshot for useSyncExternalStore.
 */
export class TableLayoutStore {
  private layouts: TableLayouts = {};
  private loaded = false;
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Map<TableId, ReturnType<typeof setTimeout>>();
  /** A layout could not be saved: the table keeps it for this session and says so. */
  problem: string | null = null;

  constructor(private readonly api: Api) {
    this.api.invoke('settings:get', {}).then(
      (view) => {
        // A table shaped before the answer came keeps what the person did.
        this.layouts = { ...view.settings.tables, ...this.layouts };
        this.loaded = true;
        this.emit();
      },
      () => {
        this.loaded = true;
        this.emit();
      },
    );
    // A column moved just before the window closes is still saved.
    // (Typed by hand: the store is also unit-tested in plain Node, without the DOM's types.)
    const page = globalThis as { addEventListener?: (type: string, fn: () => void) => void };
    page.addEventListener?.('pagehide', this.flush);
  }

  /** Saves at once every layout still waiting for its pause. */
  flush = (): void => {
    for (const [id, t] of this.timers) {
      clearTimeout(t);
      this.timers.delete(id);
      this.save(id);
    }
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever a layout or the problem changed. */
  getSnapshot = (): TableLayouts => this.layouts;

  get isLoaded(): boolean {
    return this.loaded;
  }

  get(id: TableId): TableLayout | undefined {
    return this.layouts[id];
  }

  set(id: TableId, layout: TableLayout | undefined): void {
    const next = { ...this.layouts };
    if (layout) next[id] = layout;
    else delete next[id];
    this.layouts = next;
    this.emit();
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        this.save(id);
      }, SAVE_AFTER_MS),
    );
  }

  private save(id: TableId): void {
    const layout = this.layouts[id] ?? { order: [], hidden: [], widths: {} };
    this.api.invoke('settings:update', { patch: { tables: { [id]: layout } } }).then(
      () => {
        if (this.problem === null) return;
        this.problem = null;
        this.emit();
      },
      (err: unknown) => {
        this.problem = `The column layout could not be saved: ${errorText(err)}`;
        this.emit();
      },
    );
  }

  private emit(): void {
    this.layouts = { ...this.layouts };
    this.listeners.forEach((l) => l());
  }
}

let shared: TableLayoutStore | null = null;

/** The window's one layout store, made on first use. */
export function tableLayouts(api: Api): TableLayoutStore {
  shared ??= new TableLayoutStore(api);
  return shared;
}
