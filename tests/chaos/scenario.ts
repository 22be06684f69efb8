import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { check, type Expected, type Verdict } from './checker';
import { ADMIN, STAFF, cli, startServer, type Proc, type Run, type ServerProc } from './processes';
import { chaosProxy, type ChaosProxy } from './proxy';
import { makeRng, type Rng } from './rng';
import { mountTmpfs, type Tmpfs } from './tmpfs';

/**
 * One run of the matrix: a real server on a SQLite file, the CLI's mirror of
 * it, 200 local changes (100 creates, 100 updates), one fault at a seeded
 * moment of the push, then a sync to the end without the fault and the check
 * of both databases.
 */

export const SEEDED = 300;
export const CREATES = 100;
export const UPDATES = 100;
/** 200 operations in chunks of 20: the push is 10 bulk-syncs, and a fault picks one. */
export const CHUNK = 20;
export const CHUNKS = (CREATES + UPDATES) / CHUNK;
/** Short, so a stalled response is given up on quickly. */
export const TIMEOUT_MS = 1_500;

export interface Ctx {
  seed: number;
  server: ServerProc;
  proxy: ChaosProxy;
  clientDb: string;
  /** Sets the server's fault hooks (admin API, straight to the server, not through the proxy). */
  faults(body: unknown): Promise<void>;
  /** Starts `sync` through the proxy. */
  sync(env?: NodeJS.ProcessEnv): Proc;
  /** Work a fault started that must end before the final sync (a restart). */
  background: Promise<unknown>[];
  /** What happened, for the log line. */
  notes: string[];
  /** The client database's own small disk, when the fault asked for one. */
  disk: Tmpfs | null;
  /** What the fault promises of the faulted sync itself (its exit, its words): a false one fails the run. */
  expect(holds: boolean, what: string): void;
}

export interface Fault {
  name: string;
  /** Puts the client database on a tmpfs of this many bytes (`ctx.disk`), mounted for the run. */
  clientDiskBytes?: number;
  /** Arms the fault and runs the sync it hits. */
  inject(ctx: Ctx, rng: Rng): Promise<void>;
}

export interface Outcome extends Verdict {
  fault: string;
  seed: number;
  ms: number;
  notes: string[];
  /** The fault's expectations of the faulted sync that did not hold. */
  broken: string[];
}

function syncArgs(url: string, db: string): string[] {
  return [
    'sync',
    '--db',
    db,
    '--server',
    url,
    '--token',
    STAFF,
    '--chunk-size',
    String(CHUNK),
    '--page-size',
    '50',
    '--backoff-base-ms',
    '50',
    '--timeout-ms',
    String(TIMEOUT_MS),
    '--max-wait',
    '30',
    '--json',
    '--quiet',
  ];
}

async function mustSucceed(what: string, p: Proc): Promise<Run> {
  const r = await p.done;
  if (r.code !== 0)
    throw new Error(`${what} exited ${r.code ?? r.signal}: ${r.stderr.slice(-2000)}`);
  return r;
}

/**
 * `finalSync: false` skips the recovery sync: the checker must then see the
 * whole push as lost and stuck (the test of the checker itself).
 */
export async function runScenario(
  fault: Fault,
  seed: number,
  { finalSync = true }: { finalSync?: boolean } = {},
): Promise<Outcome> {
  const started = Date.now();
  // The same seed gives the same data and the same moment, whatever the fault.
  const rng = makeRng(seed * 7919 + [...fault.name].reduce((a, c) => a + c.charCodeAt(0), 0));
  const dir = mkdtempSync(join(tmpdir(), `vrc-chaos-${fault.name}-${seed}-`));
  let disk: Tmpfs | null = null;
  let server: ServerProc | null = null;
  let proxy: ChaosProxy | null = null;
  try {
    // Unmounted in the finally below, whatever happens in between.
    if (fault.clientDiskBytes) disk = mountTmpfs(join(dir, 'client'), fault.clientDiskBytes);
    server = await startServer(join(dir, 'server.sqlite'), SEEDED, seed);
    proxy = await chaosProxy({ host: '127.0.0.1', port: server.port });
    return await runOn(fault, seed, rng, { dir, disk, server, proxy }, finalSync, started);
  } finally {
    try {
      await proxy?.close();
      await server?.stop().catch(() => undefined);
    } finally {
      // A tmpfs that cannot be unmounted is said (and its directory left alone).
      disk?.unmount();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function runOn(
  fault: Fault,
  seed: number,
  rng: Rng,
  {
    dir,
    disk,
    server,
    proxy,
  }: { dir: string; disk: Tmpfs | null; server: ServerProc; proxy: ChaosProxy },
  finalSync: boolean,
  started: number,
): Promise<Outcome> {
  const serverDb = join(dir, 'server.sqlite');
  const clientDb = join(disk?.path ?? dir, 'console.sqlite');
  const broken: string[] = [];
  const ctx: Ctx = {
    seed,
    server,
    proxy,
    clientDb,
    async faults(body) {
      const r = await fetch(`${server.url}/api/admin/faults`, {
        method: body === null ? 'DELETE' : 'POST',
        headers: {
          authorization: `Bearer ${ADMIN}`,
          ...(body === null ? {} : { 'content-type': 'application/json' }),
        },
        body: body === null ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`faults: HTTP ${r.status} ${await r.text()}`);
    },
    sync: (env = {}) => cli(syncArgs(proxy.url, clientDb), env),
    background: [],
    notes: [],
    disk,
    expect(holds, what) {
      if (!holds) broken.push(what);
    },
  };
  await mustSucceed('the first sync (mirror)', ctx.sync());

  // The local changes, imported as a person would.
  const db = new Database(clientDb, { readonly: true });
  const seeded = db
    .prepare('SELECT server_id, server_version FROM visitors ORDER BY server_id')
    .all() as { server_id: string; server_version: number }[];
  db.close();
  if (seeded.length !== SEEDED) throw new Error(`mirror holds ${seeded.length} of ${SEEDED}`);
  const expected: Expected = { creates: [], updates: [] };
  const csv = ['name,email,company,notes'];
  for (let i = 0; i < CREATES; i++) {
    const name = `Chaos ${fault.name} s${seed} #${i}`;
    const email = `chaos.${seed}.${i}@example.org`;
    expected.creates.push({ name, email });
    csv.push(`${name},${email},Chaos Co ${i % 7},note ${i}`);
  }
  const pool = [...seeded];
  const jsonl: string[] = [];
  for (let i = 0; i < UPDATES; i++) {
    const [v] = pool.splice(rng.int(0, pool.length - 1), 1);
    const title = `Chaos title s${seed}.${i}`;
    expected.updates.push({ serverId: v!.server_id, title, baseVersion: v!.server_version });
    jsonl.push(JSON.stringify({ id: v!.server_id, title }));
  }
  writeFileSync(join(dir, 'creates.csv'), csv.join('\n'));
  writeFileSync(join(dir, 'updates.jsonl'), jsonl.join('\n'));
  await mustSucceed('import creates', cli(['import', join(dir, 'creates.csv'), '--db', clientDb]));
  await mustSucceed(
    'import updates',
    cli(['import', join(dir, 'updates.jsonl'), '--db', clientDb]),
  );

  await fault.inject(ctx, rng);
  if (!ctx.notes.some((n) => n.startsWith('fired'))) ctx.notes.push('did not fire');

  // The fault is over: the server is back and fixed, the network is clean.
  proxy.disarm();
  await Promise.all(ctx.background);
  for (const line of await proxy.replays()) ctx.notes.push(`replay answered ${line}`);
  await ctx.faults(null);

  let last = finalSync ? await ctx.sync().done : null;
  const failed = last ? ((JSON.parse(last.stdout || '{}') as { failed?: number }).failed ?? 0) : 0;
  if (failed > 0) {
    // What an operator does once the server is fixed: retry the failed operations.
    ctx.notes.push(`${failed} failed, retried`);
    await mustSucceed('retry --all', cli(['retry', '--db', clientDb, '--all']));
    last = await ctx.sync().done;
  }
  if (last && last.code !== 0) ctx.notes.push(`final sync exited ${last.code}`);

  const verdict = check(serverDb, clientDb, expected);
  return {
    fault: fault.name,
    seed,
    ms: Date.now() - started,
    notes: ctx.notes,
    broken,
    ...verdict,
  };
}
