import type { AppError } from '../../../shared/errors';
import type { SyncProgress } from '../../../shared/ipc/contract';

/** Where a command writes, and how it learns of Ctrl-C: the process in the CLI. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress may redraw one line. */
  errIsTTY: boolean;
  /** Terminal width, when known. */
  errColumns: number | undefined;
  env: NodeJS.ProcessEnv;
  /** Calls `handler` on SIGINT until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Quits now (a second Ctrl-C). */
  forceExit(code: number): void;
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    errIsTTY: process.stderr.isTTY === true,
    errColumns: process.stderr.columns,
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
    forceExit: (code) => process.exit(code),
  };
}

export function writeJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** "label   value" lines, labels padded to one width. */
export function keyValues(rows: readonly (readonly [string, string])[], indent = ''): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`.trimEnd()).join('\n') + '\n';
}

/** A plain text table with a header row; cells are cut at `maxCell` characters. */
export function grid(headers: readonly string[], rows: readonly string[][], maxCell = 48): string {
  const cut = (s: string) =>
    s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s.replace(/[\r\n\t]+/g, ' ');
  const cells = [headers.map(String), ...rows.map((r) => r.map(cut))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export function describeError(error: AppError): string {
  return `${error.message} [${error.code}]`;
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line of words for a progress event; counts that are still 0 are left out. */
export function describeProgress(p: SyncProgress): string {
  if (p.phase === 'pull') {
    return `pull: ${plural(p.pulled, 'record')} received${p.chunk ? ` (page ${p.chunk})` : ''}`;
  }
  const counts = (
    [
      [p.created, 'created'],
      [p.updated, 'updated'],
      [p.deleted, 'deleted'],
      [p.conflicts, p.conflicts === 1 ? 'conflict' : 'conflicts'],
      [p.errors, 'failed'],
      [p.retried, 'to retry'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
  const chunk = p.chunks > 0 ? `chunk ${p.chunk}/${p.chunks}, ` : '';
  const rate = p.opsPerSecond > 0 ? `, ${p.opsPerSecond} ops/s` : '';
  const eta = p.etaSeconds !== null && p.done < p.total ? `, ~${p.etaSeconds} s left` : '';
  return `push: ${chunk}${p.done}/${p.total} ops${counts ? ` (${counts})` : ''}${rate}${eta}`;
}

/**
 * Progress on stderr: on a terminal one line redrawn at most every 100 ms;
 * otherwise one line per event that says something new.
 */
export class ProgressReporter {
  private lastKey = '';
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private lineOpen = false;

  constructor(
    private readonly io: Io,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  progress(p: SyncProgress): void {
    if (!this.enabled) return;
    if (p.phase === 'done') return this.endLine();
    const text = describeProgress(p);
    if (this.io.errIsTTY) {
      const t = this.now();
      if (t - this.lastDrawAt < 100) return;
      this.lastDrawAt = t;
      const width = (this.io.errColumns ?? 120) - 1;
      const shown = text.length > width ? `${text.slice(0, width - 1)}…` : text;
      this.io.err(`\r\x1b[2K${shown}`);
      this.lineOpen = true;
      return;
    }
    const key = `${p.runId}:${p.phase}:${p.chunk}:${p.chunks}:${p.done}:${p.total}:${p.pulled}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.io.err(`${text}\n`);
  }

  /** A line of its own (never glued to a redrawn progress line). */
  note(text: string): void {
    this.endLine();
    this.io.err(`${text}\n`);
  }

  endLine(): void {
    if (this.lineOpen) this.io.err('\n');
    this.lineOpen = false;
  }
}
