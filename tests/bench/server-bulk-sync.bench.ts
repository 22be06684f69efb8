import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { ServerClock } from '../../server/clock';
import { generateVisitors } from '../../server/seed';
import { openStore } from '../../server/storage/open';
import { applyOperations, idempotencyKey } from '../../server/sync/apply';
import { parseBulkSync } from '../../server/sync/validate';
import { startCluster, withSchema, type Cluster } from '../integration/server/pg-cluster';
import { cpuAccountingAvailable, machineCpu, processCpu, processTreeCpu } from './cpu-accounting';
import { median, type Benchmark, type BenchRow } from './harness';

/**
 * T3: bulk-sync throughput of the reference server, as deployed: server
 * processes started from the compiled server (`npm run server`), creates
 * with opIds (as the console sends them) in chunks of 500 over loopback HTTP,
 * request bodies built before the clock starts.
 *
 * Each figure sits next to the same conflict-checked apply called in process
 * on the same kind of storage (a store opened in the bench process,
 * parseBulkSync done before timing, then one write unit per chunk with
 * applyOperations), so the ratio is what HTTP, validation and the response
 * cost on top of the apply itself.
 *
 * - T3-sqlite-1p: one server process on a SQLite file (WAL, synchronous FULL).
 * - T3-pg-1p / 2p / 4p: one, two and four processes on one PostgreSQL
 *   database (a throwaway cluster with production durability: fsync and
 *   synchronous_commit on). The 2p and 4p rows' baseline is the 1p figure of
 *   the same run: the scaling curve. The build machines have 2 cores, shared
 *   by the processes, PostgreSQL and this load generator, so the curve bends
 *   at 2 here; a bigger machine shows where it bends for it.
 * - T3-pg-ceiling (Linux): the most any number of processes could reach on
 *   this machine, = its cores ÷ the CPU seconds per operation of the 1p runs
 *   (server processes + PostgreSQL + this load generator, read from /proc),
 *   against T3-pg-1p. When the 1p run already keeps most of the cores busy,
 *   this ratio is low and no process count can beat it: the 2p target is
 *   then out of reach on this machine, whatever the server does.
 *
 * The machine is shared with other work whose load comes and goes within
 * seconds, so the PostgreSQL process counts are measured in three
 * interleaved rounds (1, 2, 4, 1, 2, 4, …), each on a fresh schema, and the
 * rows are medians: a burst of other work hits every count alike instead of
 * one of them. Every server process is warmed with its own 10 000
 * operations first (JIT, pool): V8 keeps optimising the request path for
 * about that long, and a process that does it inside the timed window costs
 * a third more CPU per operation there; at 4p each process would pay that
 * over a quarter of the chunks. The CPU seconds per 1 000 operations of each component
 * are printed to stderr.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const CHUNK = 500;
const OPS = 30_000;
/** Warm-up operations per server process (20 chunks: V8's optimising has settled by then). */
const WARMUP_OPS = 10_000;
/** Interleaved rounds of the PostgreSQL process counts; the rows are medians. */
const ROUNDS = 3;
const PG_COUNTS = [1, 2, 4] as const;
/** Requests in flight per server process. */
const LANES_PER_PROCESS = 2;
const TOKEN = 'bench-token-0001';
const TS = '2025-03-04T10:00:00.000Z';

type VisitorData = ReturnType<typeof generateVisitors>[number]['data'];

function bodies(records: VisitorData[], prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < records.length; i += CHUNK) {
    const operations = records.slice(i, i + CHUNK).map((data, j) => ({
      action: 'create',
      localId: `${prefix}-${i + j}`,
      opId: randomUUID(),
      timestamp: TS,
      data,
    }));
    out.push(JSON.stringify({ operations }));
  }
  return out;
}

function post(agent: Agent, url: URL, body: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: '/api/visitors/bulk-sync',
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200)
            return reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
          // Every create must have succeeded; counting is cheaper than parsing.
          const ok = text.split('"status":"success"').length - 1;
          if (ok !== CHUNK) return reject(new Error(`${CHUNK - ok} creates did not succeed`));
          resolvePromise();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends all bodies through `lanes` concurrent loops over the instances; ops/s. */
async function push(urls: URL[], all: string[], lanes: number): Promise<number> {
  const agents = urls.map(() => new Agent({ keepAlive: true, maxSockets: lanes }));
  try {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let i = next++; i < all.length; i = next++) {
          const k = (lane + i) % urls.length;
          await post(agents[k]!, urls[k]!, all[i]!);
        }
      }),
    );
    return ((all.length * CHUNK) / (performance.now() - t0)) * 1000;
  } finally {
    for (const a of agents) a.destroy();
  }
}

const children: ChildProcess[] = [];

interface Started {
  url: URL;
  pid: number;
}

function startProcess(db: string): Promise<Started> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['out/node/server.mjs', '--port', '0', '--db', db, '--log-level', 'warn'],
      {
        cwd: ROOT,
        env: { ...process.env, VISITOR_SYNC_TOKENS: `${TOKEN}:staff` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolvePromise({ url: new URL(m[1]!), pid: child.pid! });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) process.stderr.write(`T3: a server process exited (${code}): ${err}\n`);
      reject(new Error(`server exited (${code}): ${err}`));
    });
  });
}

async function stopProcesses(): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null) return done();
          c.once('exit', () => done());
          c.kill('SIGTERM');
        }),
    ),
  );
}

/** CPU seconds per 1 000 operations, by component, of one measured push. */
interface CpuPer1k {
  servers: number;
  postgres: number;
  loadGenerator: number;
  /** The whole machine, other work included. */
  machine: number;
  /** Cores this benchmark's processes kept busy on average. */
  coresUsed: number;
}

interface Measured {
  opsPerS: number;
  cpu: CpuPer1k | null;
}

/** ops/s of `processes` server processes on `db` (and, on Linux, where the CPU went). */
async function serverRate(
  db: string,
  processes: number,
  records: VisitorData[],
  cluster?: Cluster,
): Promise<Measured> {
  const first = await startProcess(db);
  const rest = await Promise.all(Array.from({ length: processes - 1 }, () => startProcess(db)));
  const started = [first, ...rest];
  const urls = started.map((s) => s.url);
  try {
    // Each process gets about WARMUP_OPS (the lanes spread chunks evenly).
    const warm = Array.from(
      { length: WARMUP_OPS * processes },
      (_, i) => records[i % records.length]!,
    );
    await push(urls, bodies(warm, `warm${processes}`), processes * LANES_PER_PROCESS);
    const timed = bodies(records, `p${processes}`);
    const account = cpuAccountingAvailable;
    const serversBefore = account ? started.map((s) => processCpu(s.pid)) : [];
    const pgBefore = account && cluster ? processTreeCpu(cluster.pid()) : 0;
    const machineBefore = account ? machineCpu() : null;
    const selfBefore = process.cpuUsage();
    const t0 = performance.now();
    const opsPerS = await push(urls, timed, processes * LANES_PER_PROCESS);
    const seconds = (performance.now() - t0) / 1000;
    if (!account || !machineBefore) return { opsPerS, cpu: null };
    const self = process.cpuUsage(selfBefore);
    const servers = started.reduce((sum, s, i) => sum + processCpu(s.pid) - serversBefore[i]!, 0);
    const postgres = cluster ? processTreeCpu(cluster.pid()) - pgBefore : 0;
    const loadGenerator = (self.user + self.system) / 1e6;
    const machine = machineCpu().busy - machineBefore.busy;
    const k = records.length / 1000;
    return {
      opsPerS,
      cpu: {
        servers: servers / k,
        postgres: postgres / k,
        loadGenerator: loadGenerator / k,
        machine: machine / k,
        coresUsed: (servers + postgres + loadGenerator) / seconds,
      },
    };
  } finally {
    await stopProcesses();
  }
}

function describeCpu(label: string, m: Measured): string {
  const c = m.cpu;
  if (!c) return `${label}: ${Math.round(m.opsPerS)} ops/s\n`;
  const f = (x: number) => x.toFixed(3);
  return (
    `${label}: ${Math.round(m.opsPerS)} ops/s; CPU s per 1 000 ops: servers ${f(c.servers)}, ` +
    `PostgreSQL ${f(c.postgres)}, load generator ${f(c.loadGenerator)}, whole machine ${f(c.machine)}; ` +
    `cores used by these ${c.coresUsed.toFixed(2)} of ${cpus().length}; load ${loadavg()[0]!.toFixed(1)}\n`
  );
}

/** ops/s of the same conflict-checked apply, in this process, on the same storage. */
async function inProcessRate(db: string, records: VisitorData[]): Promise<number> {
  const clock = new ServerClock();
  const store = await openStore({ db, now: () => clock.nextStampFloor() });
  try {
    const chunks = (all: string[]) =>
      all.map((body) => {
        const parsed = parseBulkSync(JSON.parse(body), CHUNK);
        if (!parsed.ok) throw new Error(parsed.rejection.message);
        return parsed.request.ops;
      });
    const apply = async (ops: ReturnType<typeof chunks>[number]) => {
      const keys = ops.flatMap((p) => (p.ok ? [idempotencyKey(p.op, null)!] : []));
      const results = await store.write(async (tx) => {
        await tx.prefetch?.({ ids: [], keys });
        let stamp: number | null = null;
        return applyOperations(tx, ops, {
          clientId: null,
          lastSyncMs: null,
          stamp: () => (stamp ??= clock.stamp()),
        });
      });
      if (results.some((r) => r.status !== 'success')) throw new Error('a create did not succeed');
    };
    for (const ops of chunks(bodies(records.slice(0, WARMUP_OPS), 'warm'))) await apply(ops);
    const timed = chunks(bodies(records, 'inproc'));
    const t0 = performance.now();
    for (const ops of timed) await apply(ops);
    return (records.length / (performance.now() - t0)) * 1000;
  } finally {
    await store.close();
  }
}

async function freshSchema(base: string): Promise<string> {
  const schema = `b_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return withSchema(base, schema);
}

export const benchmarks: Benchmark[] = [
  {
    name: 'server bulk-sync processes on SQLite and PostgreSQL (T3)',
    async run() {
      const built = spawnSync(
        process.execPath,
        ['scripts/run-compiled.mjs', 'server', 'server/cli.ts', '--help'],
        { cwd: ROOT, encoding: 'utf8' },
      );
      if (built.status !== 0) throw new Error(`cannot build the server: ${built.stderr}`);
      const records = generateVisitors(OPS, 2024).map((v) => v.data);
      const dir = mkdtempSync(join(tmpdir(), 'vrc-bench-t3-'));
      const cluster = startCluster({ durable: true });
      const rows: BenchRow[] = [];
      try {
        process.stderr.write('T3: SQLite, in process and 1 server process…\n');
        const sqliteBase = await inProcessRate(join(dir, 'inproc.sqlite'), records);
        const sqlite1 = (await serverRate(join(dir, 'server.sqlite'), 1, records)).opsPerS;
        rows.push({
          id: 'T3-sqlite-1p',
          name: `bulk-sync creates, 1 server process on SQLite (chunk ${CHUNK}, ${LANES_PER_PROCESS} in flight)`,
          value: sqlite1,
          unit: 'ops/s',
          baseline: sqliteBase,
          baselineLabel: 'the same conflict-checked apply in process on SQLite',
          target: { atLeast: 0.5 },
        });

        process.stderr.write(
          `T3: PostgreSQL, in process, then ${ROUNDS} rounds of ${PG_COUNTS.join(', ')} server processes…\n`,
        );
        const pgBase = await inProcessRate(await freshSchema(cluster.url), records);
        const runs = new Map<number, Measured[]>(PG_COUNTS.map((n) => [n, []]));
        for (let round = 1; round <= ROUNDS; round++) {
          for (const n of PG_COUNTS) {
            const m = await serverRate(await freshSchema(cluster.url), n, records, cluster);
            runs.get(n)!.push(m);
            process.stderr.write(describeCpu(`T3 round ${round}, ${n}p`, m));
          }
        }
        const rate = (n: number) => median(runs.get(n)!.map((m) => m.opsPerS));
        const pg1 = rate(1);
        rows.push({
          id: 'T3-pg-1p',
          name: `bulk-sync creates, 1 server process on PostgreSQL (chunk ${CHUNK}, ${LANES_PER_PROCESS} in flight; median of ${ROUNDS})`,
          value: pg1,
          unit: 'ops/s',
          baseline: pgBase,
          baselineLabel: 'the same conflict-checked apply in process on PostgreSQL',
        });
        for (const n of PG_COUNTS.slice(1)) {
          rows.push({
            id: `T3-pg-${n}p`,
            name: `bulk-sync creates, ${n} server processes on one PostgreSQL (${n * LANES_PER_PROCESS} in flight; median of ${ROUNDS}, interleaved with 1p)`,
            value: rate(n),
            unit: 'ops/s',
            baseline: pg1,
            baselineLabel: 'T3-pg-1p of this run (1 process)',
            ...(n === 2 ? { target: { atLeast: 1.6 } } : {}),
          });
        }
        const oneProcess = runs.get(1)!.flatMap((m) => (m.cpu ? [m.cpu] : []));
        if (oneProcess.length > 0) {
          const perOp =
            median(oneProcess.map((c) => c.servers + c.postgres + c.loadGenerator)) / 1000;
          rows.push({
            id: 'T3-pg-ceiling',
            name: `the most any number of processes could reach with the machine to itself: ${cpus().length} cores ÷ CPU s per op of the 1p runs (servers + PostgreSQL + load generator)`,
            value: cpus().length / perOp,
            unit: 'ops/s',
            baseline: pg1,
            baselineLabel: 'T3-pg-1p of this run (1 process)',
          });
        }
      } finally {
        await stopProcesses();
        cluster.stop();
        rmSync(dir, { recursive: true, force: true });
      }
      return rows;
    },
  },
];
