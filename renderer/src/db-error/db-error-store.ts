import type { Api } from '../../../shared/ipc/client';
import type { RebuildResult } from '../../../shared/ipc/setup-contract';
import { errorText } from '../error-text';

export interface DbErrorSnapshot {
  /** What became of Try again or Open a folder, in words. */
  note: string | null;
  rebuilding: boolean;
  /** Why the rebuild did not happen, in words. */
  error: string | null;
  /** No token is saved for the server: the screen asks for it. */
  askToken: boolean;
  result: RebuildResult | null;
}

/**
 * The damaged-database screen's actions: try again, open a folder, and the
 * rebuild from the server (setup:rebuildDatabase), which the core does.
 */
export class DbErrorStore {
  private snap: DbErrorSnapshot = {
    note: null,
    rebuilding: false,
    error: null,
    askToken: false,
    result: null,
  };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  snapshot = (): DbErrorSnapshot => this.snap;

  openFolder = async (folder: 'data' | 'logs'): Promise<void> => {
    try {
      const { opened } = await this.api.invoke('app:openFolder', { folder });
      if (!opened) this.set({ note: 'The folder could not be opened from here.' });
    } catch (err) {
      this.set({ note: errorText(err) });
    }
  };

  retry = async (): Promise<void> => {
    try {
      const { relaunching } = await this.api.invoke('app:relaunch', {});
      if (!relaunching) this.set({ note: 'Restart the console by hand.' });
    } catch (err) {
      this.set({ note: errorText(err) });
    }
  };

  /** `token`: typed on the screen when none is saved for the server. */
  rebuild = async (token?: string): Promise<void> => {
    if (this.snap.rebuilding) return;
    this.set({ rebuilding: true, error: null });
    try {
      const result = await this.api.invoke(
        'setup:rebuildDatabase',
        token === undefined ? {} : { token },
      );
      this.set({ result, askToken: false });
    } catch (err) {
      // By its code, not its class: the window's client may come from another bundle (the preload).
      const missing = (err as { code?: unknown } | null)?.code === 'rebuild_token_missing';
      this.set({ error: errorText(err), askToken: missing || this.snap.askToken });
    } finally {
      this.set({ rebuilding: false });
    }
  };

  private set(patch: Partial<DbErrorSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.listeners.forEach((l) => l());
  }
}
