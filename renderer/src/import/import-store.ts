import type { Api } from '../../../shared/ipc/client';
import type {
  DryRunReport,
  ImportInspection,
  ImportMapping,
  ImportSummary,
  ImportTarget,
} from '../../../shared/ipc/import-contract';
import type { JobProgress } from '../../../shared/ipc/jobs-contract';
import { errorText } from '../error-text';

/**
 * Where the Import screen is: nothing picked; a file picked and mapped; its
 * check running or done; the import running or done.
 */
export type ImportPhase = 'idle' | 'mapping' | 'checking' | 'checked' | 'importing' | 'done';

export interface ImportSnapshot {
  phase: ImportPhase;
  /** The picked file as the core read it: columns, samples, the guessed mapping, any earlier run. */
  file: ImportInspection | null;
  mapping: ImportMapping;
  /** The dry run for the current mapping; cleared when the mapping changes. */
  report: DryRunReport | null;
  summary: ImportSummary | null;
  /** The running check's or import's progress (the core's job events). */
  progress: JobProgress | null;
  /** A refusal or failure in the core's words. */
  error: string | null;
  /** A stopped import's words: what was kept and how to go on. */
  stopped: string | null;
  /** An import of this file began in this window (its mapping is then fixed). */
  started: boolean;
}

const EMPTY: ImportSnapshot = {
  phase: 'idle',
  file: null,
  mapping: [],
  report: null,
  summary: null,
  progress: null,
  error: null,
  stopped: null,
  started: false,
};

const codeOf = (err: unknown) =>
  err && typeof err === 'object' && 'code' in err ? String(err.code) : '';

/**
 * The Import screen's state and calls: pick (the OS's dialog, through the
 * core), map, check (dry run), import (a job with progress and Cancel).
 * Plain TypeScript with subscribe/snapshot for useSyncExternalStore.
 */
export class ImportStore {
  private snap: ImportSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private off: (() => void) | null = null;

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): ImportSnapshot => this.snap;

  start = (): void => {
    this.off = this.api.on('jobs:progress', (p) => {
      const busy = this.snap.phase === 'checking' || this.snap.phase === 'importing';
      if (p.kind === 'import' && busy) this.set({ progress: p.state === 'running' ? p : null });
    });
  };

  stop = (): void => {
    this.off?.();
    this.off = null;
  };

  /** Whether the mapping may be changed: an interrupted import goes on with the mapping it had. */
  get mappingLocked(): boolean {
    return this.snap.file?.resume != null || this.snap.started;
  }

  pick = async (): Promise<void> => {
    this.set({ error: null });
    try {
      const r = await this.api.invoke('import:pick', {});
      if (r.kind === 'cancelled') return;
      this.snap = { ...EMPTY, phase: 'mapping', file: r.inspection, mapping: r.inspection.mapping };
      this.emit();
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  };

  setTarget = (column: number, target: ImportTarget | null): void => {
    if (this.mappingLocked || this.busy()) return;
    const mapping = this.snap.mapping.map((m, i) => (i === column ? { ...m, target } : m));
    // A check answers for the mapping it ran with: a new mapping needs a new check.
    this.set({ mapping, report: null, summary: null, phase: 'mapping', error: null });
  };

  check = async (): Promise<void> => {
    const file = this.snap.file;
    if (!file || this.busy()) return;
    this.set({ phase: 'checking', error: null, stopped: null, report: null, progress: null });
    try {
      const report = await this.api.invoke('import:dryRun', {
        fileId: file.fileId,
        mapping: this.snap.mapping,
      });
      this.set({ phase: 'checked', report, progress: null });
    } catch (err) {
      this.set({
        phase: 'mapping',
        progress: null,
        error: codeOf(err) === 'cancelled' ? null : errorText(err),
      });
    }
  };

  run = async (): Promise<void> => {
    const file = this.snap.file;
    if (!file || this.snap.phase !== 'checked') return;
    this.set({ phase: 'importing', error: null, stopped: null, progress: null, started: true });
    try {
      const summary = await this.api.invoke('import:run', {
        fileId: file.fileId,
        mapping: this.snap.mapping,
      });
      this.set({ phase: 'done', summary, progress: null });
    } catch (err) {
      // Stopped (Cancel) or failed part way: the committed rows stay, and the same file
      // imported again goes on from there, with the mapping it started with. A mapping
      // refused before anything began is a plain error.
      const refused = codeOf(err) === 'import_mapping';
      this.set({
        phase: 'checked',
        progress: null,
        stopped: refused ? null : errorText(err),
        error: refused ? errorText(err) : null,
        started: !refused,
      });
    }
  };

  cancel = async (): Promise<void> => {
    const job = this.snap.progress;
    if (!job) return;
    try {
      await this.api.invoke('jobs:cancel', { jobId: job.jobId });
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  };

  reset = (): void => {
    if (this.busy()) return;
    this.snap = EMPTY;
    this.emit();
  };

  private busy() {
    return this.snap.phase === 'checking' || this.snap.phase === 'importing';
  }

  private set(patch: Partial<ImportSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.emit();
  }

  private emit(): void {
    this.listeners.forEach((l) => l());
  }
}
