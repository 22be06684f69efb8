import type { Log } from '../log/log-file';
import type { StartConfig } from './start-config';

/** The part of Electron's UtilityProcess the supervisor uses. */
export interface CoreChild<Port> {
  postMessage(message: unknown, transfer?: Port[]): void;
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface SupervisorDeps<Port, Window> {
  fork(): CoreChild<Port>;
  /** A new message channel: one end for the core, the other for whoever it links to. */
  channel(): [core: Port, other: Port];
  /** Read again at every start: the settings may have changed meanwhile. */
  config(): StartConfig;
  serveDesktop(port: Port): void;
  /** Hands a window its port; false when the window is gone. */
  givePort(window: Window, port: Port): boolean;
  /** Tells a window its core went away (its calls in flight fail, new ones wait). */
  tellDown(window: Window): void;
  log: Log;
  /** Waits before the n-th restart in a row (0-based): 250 ms, doubling, at most 5 s. */
  backoffMs?(restart: number): number;
  setTimer?(fn: () => void, ms: number): void;
}

export type SupervisorCommand =
  | { t: 'online'; online: boolean }
  | { t: 'command'; command: 'sync-now' | 'open-settings' | 'check-updates' };

/**
 * Keeps one core process running for the desktop: starts it with its desktop
 * link, hands every registered window a port of its own, and when the
 * process dies starts a new one and gives every window a new port. Plain
 * code: main supplies Electron's utilityProcess and MessageChannelMain.
 */
export class CoreSupervisor<Port, Window> {
  private child: CoreChild<Port> | null = null;
  private stopping: (() => void) | null = null;
  private readonly windows = new Set<Window>();
  /** Restarts since the core last ran a minute without dying. */
  private failures = 0;
  restarts = 0;

  constructor(private readonly deps: SupervisorDeps<Port, Window>) {}

  start(): void {
    const [core, desktop] = this.deps.channel();
    const child = this.deps.fork();
    this.child = child;
    const startedAt = Date.now();
    this.deps.serveDesktop(desktop);
    child.postMessage({ t: 'start', config: this.deps.config() }, [core]);
    child.on('exit', (code) => this.exited(child, code, startedAt));
    this.windows.forEach((w) => this.connect(w));
  }

  /** A window of the app asked for its port (checked by the caller). */
  addWindow(window: Window): void {
    this.windows.add(window);
    this.connect(window);
  }

  removeWindow(window: Window): void {
    this.windows.delete(window);
  }

  send(message: SupervisorCommand): void {
    this.child?.postMessage(message);
  }

  /** Asks the core to close its database and exit; killed after `graceMs`. */
  stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      this.stopping = resolve;
      const timer = setTimeout(() => child.kill(), graceMs);
      timer.unref?.();
      child.postMessage({ t: 'stop' });
    });
  }

  private connect(window: Window): void {
    if (!this.child) return;
    const [core, other] = this.deps.channel();
    if (!this.deps.givePort(window, other)) return void this.windows.delete(window);
    this.child.postMessage({ t: 'window' }, [core]);
  }

  private exited(child: CoreChild<Port>, code: number, startedAt: number): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.stopping) return this.stopping();
    if (Date.now() - startedAt > 60_000) this.failures = 0;
    const wait = (this.deps.backoffMs ?? defaultBackoff)(this.failures++);
    this.restarts++;
    this.deps.log.error(`the core process exited (code ${code}); starting it again in ${wait} ms`);
    this.windows.forEach((w) => this.deps.tellDown(w));
    (this.deps.setTimer ?? defaultTimer)(() => {
      if (!this.stopping) this.start();
    }, wait);
  }
}

const defaultBackoff = (n: number) => Math.min(5_000, 250 * 2 ** n);
const defaultTimer = (fn: () => void, ms: number) => void setTimeout(fn, ms).unref?.();
