import type { Api } from '../../../shared/ipc/client';
import type { CoreLink } from '../../../shared/ipc/app-contract';
import type { JobProgress } from '../../../shared/ipc/jobs-contract';
import { errorText } from '../error-text';

export interface JobsSnapshot {
  /** The core's long jobs running now, oldest first. */
  running: JobProgress[];
  /** The last job that ended badly or was cancelled, until dismissed. */
  ended: JobProgress | null;
  /** Jobs whose Cancel was pressed and that have not ended yet. */
  cancelling: ReadonlySet<string>;
  /** Whether the window reaches the core (it restarts after a crash). */
  link: CoreLink;
  notice: string | null;
}

/**
 * The window's view of the core's long jobs (bulk apply, preview, undo,
 * import) and of its link to the core: progress events in, Cancel out.
 * Plain TypeScript with subscribe/snapshot for useSyncExternalStore.
 */
export class JobsStore {
  private snap: JobsSnapshot = {
    running: [],
    ended: null,
    cancelling: new Set(),
    link: { state: 'connecting', restarts: 0 },
    notice: null,
  };
  private readonly listeners = new Set<() => void>();
  private stops: (() => void)[] = [];

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): JobsSnapshot => this.snap;

  start = (): void => {
    this.stops = [
      this.api.on('jobs:progress', (p) => this.onProgress(p)),
      this.api.on('app:link', (link) => {
        this.set({ link });
        // After a restart the core has no job of the old process: ask what runs now.
        if (link.state === 'connected') void this.refresh();
      }),
    ];
    void this.refresh();
  };

  stop = (): void => {
    this.stops.forEach((s) => s());
    this.stops = [];
  };

  cancel = async (jobId: string): Promise<void> => {
    this.set({ cancelling: new Set([...this.snap.cancelling, jobId]) });
    try {
      const { cancelled } = await this.api.invoke('jobs:cancel', { jobId });
      if (!cancelled) this.set({ notice: 'It had already finished; nothing was cancelled.' });
    } catch (err) {
      this.set({ notice: errorText(err) });
    }
  };

  dismiss = (): void => this.set({ ended: null, notice: null });

  private async refresh(): Promise<void> {
    try {
      this.set({ running: await this.api.invoke('jobs:list', {}) });
    } catch (err) {
      this.set({ notice: errorText(err) });
    }
  }

  private onProgress(p: JobProgress): void {
    const others = this.snap.running.filter((j) => j.jobId !== p.jobId);
    if (p.state === 'running') {
      this.set({ running: [...others, p] });
      return;
    }
    const cancelling = new Set(this.snap.cancelling);
    cancelling.delete(p.jobId);
    // A job that did what it was asked needs no word here: its screen shows the result, and
    // says why one that was never on show failed. A cancel, or a failure on show, is said here.
    const shown = others.length !== this.snap.running.length;
    const say = p.state === 'cancelled' || (p.state === 'failed' && shown);
    this.set({ running: others, cancelling, ended: say ? p : this.snap.ended });
  }

  private set(patch: Partial<JobsSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.listeners.forEach((l) => l());
  }
}
