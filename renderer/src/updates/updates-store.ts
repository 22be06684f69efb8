import type { Api } from '../../../shared/ipc/client';
import type { UpdateStatus } from '../../../shared/ipc/updates-contract';
import { errorText } from '../error-text';

export interface UpdatesSnapshot {
  /** From updates:status (call and event); null until the first answer. */
  status: UpdateStatus | null;
  /** A refused call, in the core's words. */
  notice: string | null;
}

/**
 * The window's view of the core's updates (update-policy.ts decides): the
 * dialog opens when the core says so (a menu check, an update ready) and
 * answers "Restart and install" or "Later". Plain TypeScript with a
 * subscribe/snapshot pair for useSyncExternalStore, as the sync screen's store.
 */
export class UpdatesStore {
  private snap: UpdatesSnapshot = { status: null, notice: null };
  private readonly listeners = new Set<() => void>();
  private stops: (() => void)[] = [];

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): UpdatesSnapshot => this.snap;

  start(): void {
    this.stops.push(this.api.on('updates:status', (status) => this.set({ status })));
    this.call('updates:status');
  }

  stop = (): void => {
    this.stops.forEach((stop) => stop());
    this.stops = [];
  };

  check = () => this.call('updates:check');
  install = () => this.call('updates:install');
  later = () => this.call('updates:later');

  private call(channel: 'updates:status' | 'updates:check' | 'updates:install' | 'updates:later') {
    this.api.invoke(channel, {}).then(
      (status) => this.set({ status, notice: null }),
      (err: unknown) => this.set({ notice: errorText(err) }),
    );
  }

  private set(next: Partial<UpdatesSnapshot>): void {
    this.snap = { ...this.snap, ...next };
    this.listeners.forEach((l) => l());
  }
}
