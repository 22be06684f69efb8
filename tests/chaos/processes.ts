import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** The real server and the real CLI, each in a process of its own, as people run them. */

export const ROOT = resolve(import.meta.dirname, '../..');
export const ADMIN = 'chaos-admin';
export const STAFF = 'chaos-staff';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Proc {
  child: ChildProcess;
  done: Promise<Run>;
  stdout(): string;
  /** Signals the whole process group (the program and anything it started). */
  kill(signal?: NodeJS.Signals): void;
}

function start(
  name: 'server' | 'cli',
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Proc {
  const child = spawn(process.execPath, ['scripts/run-compiled.mjs', name, entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, VISITOR_CONSOLE_TOKEN: '', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-20_000)));
  return {
    child,
    stdout: () => out,
    done: new Promise((res, rej) => {
      child.on('error', rej);
      child.on('close', (code, signal) => res({ code, signal, stdout: out, stderr: err }));
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
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface ServerProc {
  url: string;
  port: number;
  /** SIGKILL: no graceful stop, whatever was in flight is lost. */
  kill(): Promise<void>;
  /** Starts it again on the same file and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `npm run server` on a SQLite file; resolves once it prints that it listens. */
export async function startServer(
  db: string,
  seed: number,
  seedValue: number,
): Promise<ServerProc> {
  const port = await freePort();
  let proc: Proc;
  const launch = async (first: boolean) => {
    const args = [
      '--port',
      String(port),
      '--db',
      db,
      '--log-level',
      'warn',
      '--changes-page-size',
      '50',
    ];
    if (first) args.push('--seed', String(seed), '--seed-value', String(seedValue));
    proc = start('server', 'server/cli.ts', args, {
      VISITOR_SYNC_TOKENS: `${ADMIN}:admin,${STAFF}:staff`,
    });
    const deadline = Date.now() + 60_000;
    while (!proc.stdout().includes('listening on')) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        const r = await proc.done;
        throw new Error(`the server did not start (exit ${r.code}): ${r.stderr}`);
      }
      if (Date.now() > deadline) throw new Error('the server did not start within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await launch(true);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async kill() {
      proc.kill('SIGKILL');
      await proc.done;
    },
    restart: () => launch(false),
    async stop() {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await proc.done;
      clearTimeout(timer);
    },
  };
}

/** `npm run cli -- <args>`, to its end. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return start('cli', 'electron/core/cli.ts', args, env);
}
