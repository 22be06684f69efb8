import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { RunningServer } from '../../../server/index';

/** The CLI as a person runs it, in a process of its own: `node --import tsx electron/core/cli.ts …`. */

export const ROOT = resolve(__dirname, '../../..');
export { ADMIN, STAFF, adminPost, server, serverVisitors } from '../sync/helpers';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
  /** SIGKILL to the whole process group (the CLI and anything it started). */
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<CliProcess>();
const dirs: string[] = [];

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/core/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, VISITOR_CONSOLE_TOKEN: '', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const p: CliProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    done: new Promise((resolvePromise, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        running.delete(p);
        resolvePromise({ code, signal, stdout: out, stderr: err });
      });
    }),
    kill(signal = 'SIGKILL') {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          /* already gone */
        }
      }
    },
  };
  running.add(p);
  return p;
}

/** Runs the CLI to its end. */
export async function cli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return spawnCli(args, env).done;
}

/** Kills what a test left running and removes its files; for afterEach/afterAll. */
export function cleanUp(): void {
  for (const p of running) p.kill();
  running.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrc-cli-'));
  dirs.push(dir);
  return dir;
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Reads the CLI's database from the test (read-only, beside a running CLI). */
export function query<T = Record<string, unknown>>(
  dbPath: string,
  sql: string,
  ...params: unknown[]
): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function count(dbPath: string, sql: string, ...params: unknown[]): number {
  return query<{ n: number }>(dbPath, sql, ...params)[0]!.n;
}

export function parseJson<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr ---\n${r.stderr}`,
    );
  }
}

/** `sync` flags for a test server: fast backoff so retries fall due within a test. */
export function syncArgs(srv: RunningServer, db: string, ...more: string[]): string[] {
  return [
    'sync',
    '--db',
    db,
    '--server',
    srv.url,
    '--token',
    'staff-token',
    '--backoff-base-ms',
    '50',
    '--timeout-ms',
    '10000',
    ...more,
  ];
}

/** Polls until `check` holds (or fails the test after `timeoutMs`). */
export async function until(
  what: string,
  check: () => boolean,
  timeoutMs = 60_000,
  everyMs = 10,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function csvCell(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
