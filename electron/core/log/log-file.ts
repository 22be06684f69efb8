import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Log {
  readonly dir: string;
  readonly file: string;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

/**
 * A plain log file with rotation: console.log → logs/console.log; past
 * `maxBytes` it becomes console.1.log (console.2.log …), keeping `keep`
 * old files. Synchronous appends: a crash loses no line. Plain Node, tested.
 */
export function openLog(
  dir: string,
  opts: { maxBytes?: number; keep?: number; name?: string } = {},
): Log {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const keep = opts.keep ?? 5;
  mkdirSync(dir, { recursive: true });
  const name = opts.name ?? 'console';
  const file = join(dir, `${name}.log`);
  const rotated = (n: number) => join(dir, `${name}.${n}.log`);
  const rotate = () => {
    rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--)
      if (existsSync(rotated(n))) renameSync(rotated(n), rotated(n + 1));
    renameSync(file, rotated(1));
  };
  const write = (level: string, message: string) => {
    try {
      if (existsSync(file) && statSync(file).size >= maxBytes) rotate();
      appendFileSync(
        file,
        `${new Date().toISOString()} ${level} ${message.replace(/\n/g, '\n    ')}\n`,
      );
    } catch {
      // Logging must never take the console down (disk full, folder removed).
    }
  };
  return {
    dir,
    file,
    info: (m) => write('INFO ', m),
    warn: (m) => write('WARN ', m),
    error: (m, err) =>
      write(
        'ERROR',
        err === undefined
          ? m
          : `${m}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      ),
  };
}
