import type { Api } from '../../../shared/ipc/client';
import type { SyncProgress, SyncRun, SyncStatus, SyncSummary } from '../../../shared/ipc/contract';
import { errorText } from '../error-text';
import type { checkConnection as CheckConnection } from './connect-check';

const CHECK_UNREADABLE =
  'The connection form could not be checked: part of the console could not be read from its installed files. Nothing was changed. Restart the console; if this happens again, reinstall it.';

/** How many runs the history table shows. */
export const HISTORY_LIMIT = 20;

export interface SyncSnapshot {
  /** From sync:status (call and event); null until the first answer. */
  status: SyncStatus | null;
  /** The newest sync:progress of this session (the running run, or the last one, phase "done"). */
  progress: SyncProgress | null;
  /** Newest first; null until loaded. */
  history: SyncRun[] | null;
  /** What sync:start answered last in this session. */
  lastSummary: SyncSummary | null;
  /** "Sync now" was pressed and the run has not answered yet. */
  starting: boolean;
  /** "Cancel" was pressed and the run has not ended yet. */
  cancelling: boolean;
  /** A refused call (sync:start refused, history unreadable), in the core's words. */
  notice: Notice | null;
}

export type ConnectResult =
  { ok: true } | { ok: false; message: string; fields: Record<string, string> };

export interface Notice {
  code: string;
  message: string;
  retryable: boolean;
}

/** An ApiError (or anything thrown) as words to show and whether trying again can help. */
function noticeOf(err: unknown): Notice {
  const e = err && typeof err === 'object' ? (err as Partial<Notice>) : {};
  return {
    code: typeof e.code === 'string' ? e.code : 'unknown',
    message: errorText(err),
    retryable: e.retryable === true,
  };
}

/**
 * The renderer's view of the sync engine, kept above the screens so the
 * status bar shows a run the Sync screen started after the user moved on.
 * Plain TypeScript with a subscribe/snapshot pair for useSyncExternalStore.
 */
export class SyncStore {
  private snap: SyncSnapshot = {
    status: null,
    progress: null,
    history: null,
    lastSummary: null,
    starting: false,
    cancelling: false,
    notice: null,
  };
  private readonly listeners = new Set<() => void>();
  private offs: (() => void)[] = [];
  private historyAsked = 0;
  private statusAsked = 0;

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SyncSnapshot => this.snap;

  /** Listens to the engine's events and reads where it stands. */
  start = (): void => {
    this.stop();
    this.offs = [
      this.api.on('sync:progress', this.onProgress),
      this.api.on('sync:status', this.onStatus),
    ];
    this.loadStatus();
    this.loadHistory();
  };

  stop = (): void => {
    this.offs.forEach((off) => off());
    this.offs = [];
  };

  /** True while a run is going or about to. */
  get busy(): boolean {
    return this.snap.starting || this.snap.status?.running === true;
  }

  connect = async (serverUrl: string, token: string): Promise<ConnectResult> => {
    // The form's check (the contract's schema) is loaded when first used: zod builds its
    // schemas at import, which the window's first paint would otherwise wait for.
    let check: typeof CheckConnection;
    try {
      check = (await import('./connect-check')).checkConnection;
    } catch {
      return { ok: false, message: CHECK_UNREADABLE, fields: {} };
    }
    try {
      const checked = check(serverUrl, token);
      if (!checked.ok)
        return { ok: false, message: 'Check the marked fields.', fields: checked.fields };
      const status = await this.api.invoke('sync:connect', checked.request);
      this.statusAsked++; // an older sync:status answer must not undo this one
      this.set({ status, notice: null });
      return { ok: true };
    } catch (err) {
      return { ok: false, message: errorText(err), fields: {} };
    }
  };

  /** One run; resolves when it ends (the engine's progress events tell the way there). */
  syncNow = async (): Promise<void> => {
    if (this.busy) return;
    this.set({ starting: true, notice: null });
    try {
      const summary = await this.api.invoke('sync:start', {});
      this.set({ lastSummary: summary, starting: false, cancelling: false });
    } catch (err) {
      this.set({
        starting: false,
        cancelling: false,
        notice: noticeOf(err),
      });
    }
    this.loadStatus();
    this.loadHistory();
  };

  cancel = async (): Promise<void> => {
    if (!this.busy || this.snap.cancelling) return;
    this.set({ cancelling: true });
    try {
      const { cancelled } = await this.api.invoke('sync:cancel', {});
      if (!cancelled) this.set({ cancelling: false });
    } catch (err) {
      this.set({ cancelling: false, notice: noticeOf(err) });
    }
  };

  loadHistory = (): void => {
    const asked = ++this.historyAsked;
    this.api.invoke('sync:history', { limit: HISTORY_LIMIT }).then(
      (history) => asked === this.historyAsked && this.set({ history }),
      (err: unknown) => asked === this.historyAsked && this.set({ notice: noticeOf(err) }),
    );
  };

  private loadStatus(): void {
    const asked = ++this.statusAsked;
    this.api.invoke('sync:status', {}).then(
      (status) => asked === this.statusAsked && this.applyStatus(status),
      (err: unknown) => asked === this.statusAsked && this.set({ notice: noticeOf(err) }),
    );
  }

  private onStatus = (status: SyncStatus): void => {
    this.statusAsked++;
    this.applyStatus(status);
    this.loadHistory();
  };

  private applyStatus(status: SyncStatus): void {
    const patch: Partial<SyncSnapshot> = { status };
    if (status.progress && this.isNewer(status.progress)) patch.progress = status.progress;
    if (!status.running && !this.snap.starting) patch.cancelling = false;
    this.set(patch);
  }

  private onProgress = (progress: SyncProgress): void => {
    if (this.isNewer(progress)) this.set({ progress });
  };

  /** Progress of an older run, or a late tick after the run's "done", is dropped. */
  private isNewer(p: SyncProgress): boolean {
    const cur = this.snap.progress;
    if (!cur || p.runId > cur.runId) return true;
    if (p.runId < cur.runId) return false;
    return !(cur.phase === 'done' && p.phase !== 'done');
  }

  private set(patch: Partial<SyncSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.listeners.forEach((l) => l());
  }
}
