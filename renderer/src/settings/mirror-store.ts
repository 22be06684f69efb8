import type { Api } from '../../../shared/ipc/client';
import type { MirrorRepair, MirrorReport } from '../../../shared/digest';
import { errorText } from '../error-text';

export interface MirrorSnapshot {
  running: 'check' | 'repair' | null;
  /** Records settled so far, of how many, while a check runs. */
  progress: { done: number; total: number | null } | null;
  report: MirrorReport | null;
  repair: MirrorRepair | null;
  error: string | null;
}

/**
 * The Settings screen's mirror check and repair: the calls, the job's
 * progress events and the last result. The core does the work (mirror-job.ts);
 * the window shows where it is.
 */
export class MirrorStore {
  private snap: MirrorSnapshot = {
    running: null,
    progress: null,
    report: null,
    repair: null,
    error: null,
  };
  private readonly listeners = new Set<() => void>();
  private stop: (() => void) | null = null;

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (!this.stop)
      this.stop = this.api.on('jobs:progress', (p) => {
        if ((p.kind === 'mirror_check' || p.kind === 'mirror_repair') && p.state === 'running')
          this.set({ progress: { done: p.done, total: p.total } });
      });
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stop?.();
        this.stop = null;
      }
    };
  };

  snapshot = (): MirrorSnapshot => this.snap;

  check = async (): Promise<void> => {
    if (this.snap.running) return;
    this.set({ running: 'check', progress: null, error: null, repair: null });
    try {
      this.set({ report: await this.api.invoke('sync:checkMirror', {}) });
    } catch (err) {
      this.set({ error: errorText(err) });
    } finally {
      this.set({ running: null, progress: null });
    }
  };

  repair = async (): Promise<void> => {
    if (this.snap.running) return;
    this.set({ running: 'repair', progress: null, error: null });
    try {
      const repair = await this.api.invoke('sync:repairMirror', {});
      this.set({ repair, report: repair.after });
    } catch (err) {
      this.set({ error: errorText(err) });
    } finally {
      this.set({ running: null, progress: null });
    }
  };

  private set(patch: Partial<MirrorSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.listeners.forEach((l) => l());
  }
}

const KIND_WORDS = {
  missing_here: 'missing here',
  missing_there: 'missing on the server',
  different_values: 'with other values',
  different_version: 'at another version',
} as const;

/** "3 missing here, 2 with other values" — or that the mirror equals the server. */
export function describeReport(r: MirrorReport): string {
  if (r.equal)
    return `The mirror equals the server (${r.serverRecords.toLocaleString('en-US')} records).`;
  const counts = new Map<keyof typeof KIND_WORDS, number>();
  for (const d of r.differences) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => `${n.toLocaleString('en-US')} ${KIND_WORDS[k]}`);
  if (r.integrity.length > 0)
    parts.push(`SQLite found damage: ${r.integrity.slice(0, 3).join('; ')}`);
  return `The mirror differs from the server: ${parts.join(', ')}.`;
}
