import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for a test or bench run: initdb in a
 * temporary folder, listening only on a Unix socket in that folder (no port
 * to collide with), durability off (it is thrown away), stopped and deleted
 * afterwards. As root it runs as the `postgres` user (initdb refuses root).
 *
 * Without PostgreSQL it throws, saying how to install it: the PostgreSQL
 * runs of the server suite fail, they are not skipped.
 */

export interface Cluster {
  /** postgres://… of database `postgres` over the socket. */
  url: string;
  /** The server's log, for failure messages. */
  log(): string;
  /** The postmaster's process id (its backends are its children), for CPU accounting. */
  pid(): number;
  stop(): void;
}

export const INSTALL_HINT =
  'PostgreSQL is not installed: run `bash scripts/install-deps.sh` (as root on Debian it runs `apt-get install -y postgresql`), or set PG_BIN to the folder of initdb and pg_ctl';

/** The folder of initdb and pg_ctl: PG_BIN, else Debian's newest /usr/lib/postgresql/<n>/bin. */
export function findPgBin(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(debian, v, 'bin'));
  }
  return (
    candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'))) ?? null
  );
}

function idOf(user: string, flag: '-u' | '-g'): number {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${INSTALL_HINT} (no "${user}" user)`);
  return Number(r.stdout.trim());
}

export interface ClusterOptions {
  /** Durable like production (fsync, synchronous_commit on) instead of fast. */
  durable?: boolean;
  maxConnections?: number;
}

export function startCluster(options: ClusterOptions = {}): Cluster {
  const bin = findPgBin();
  if (!bin) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'vrc-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, idOf('postgres', '-u'), idOf('postgres', '-g'));
  const run = (tool: string, args: string[]) => {
    const cmd = join(bin, tool);
    const r = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
      : spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${tool} failed (${r.status}): ${r.stderr || r.stdout}\n${log}`);
    }
  };
  const settings = [
    "listen_addresses=''",
    `unix_socket_directories='${dir}'`,
    `max_connections=${options.maxConnections ?? 300}`,
    ...(options.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
  ];
  try {
    run('initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      '-o',
      settings.map((s) => `-c ${s}`).join(' '),
      'start',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    url: `postgres://postgres@${encodeURIComponent(dir)}/postgres`,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    pid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The URL of `base`'s database with `search_path` set to `schema`. */
export function withSchema(base: string, schema: string): string {
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
