import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SYNC_SETTINGS, toWire } from '../../electron/core/sync/engine';
import { chunk } from '../../electron/core/sync/chunker';
import { VisitorEdits } from '../../electron/core/visitors/visitor-edits';
import { systemClock } from '../../electron/core/clock';
import { makeCore } from '../fixtures/core';
import type { Benchmark, BenchRow } from './harness';
import { startServerProcess } from './server-process';

const TOKEN = 'bench-token-0001';
const PAGE = 5_000;
const MIRROR = 200_000;
const MIRROR_FULL = 1_000_000;
const PUSH_SEED = 40_000;
const CHUNK = 500;
/** T2's mix: creates, updates of distinct records, deletes of other distinct records. */
const PUSH_MIX = { create: 20_000, update: 20_000, delete: 10_000 };

const here = dirname(fileURLToPath(import.meta.url));

interface MirrorRun {
  n: number;
  ms: number;
  /** The peak resident memory of the process that mirrored, in MiB. */
  peakMb: number;
}

/** One first mirror in a fresh process of its own (mirror-child.ts), so its memory is its own. */
function mirrorInChild(
  mode: 'engine' | 'plain' | 'bare',
  url: string,
  dbPath: string,
): Promise<MirrorRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(here, 'mirror-child.ts'), mode, url, TOKEN, dbPath, String(PAGE)],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${mode} mirror failed: ${stderr.slice(-500)}`));
        const r = JSON.parse(stdout) as { n: number; ms: number; maxRssMiB: number };
        resolve({ n: r.n, ms: r.ms, peakMb: r.maxRssMiB });
      },
    );
  });
}

async function mirrorRows(count: number, id: string, label: string): Promise<BenchRow[]> {
  const srv = await startServerProcess(
    ['--db', ':memory:', '--seed', String(count), '--changes-page-size', String(PAGE)],
    TOKEN,
  );
  const dir = mkdtempSync(join(tmpdir(), 'vrc-bench-'));
  try {
    const plain = (indexes: boolean, name: string) =>
      mirrorInChild(indexes ? 'plain' : 'bare', srv.url, join(dir, `${name}.sqlite`));
    let engines = 0;
    const engine = () => mirrorInChild('engine', srv.url, join(dir, `engine${++engines}.sqlite`));
    // Alternated, so drift on a shared machine falls on both sides alike.
    const p1 = await plain(true, 'plain1');
    const e1 = await engine();
    const bare = await plain(false, 'bare');
    const runs = count > MIRROR ? 1 : 2;
    const p = [p1];
    const e = [e1];
    for (let i = 1; i < runs; i++) {
      e.push(await engine());
      p.push(await plain(true, `plain${i + 1}`));
    }
    for (const r of [...e, ...p]) if (r.n !== count) throw new Error(`mirrored ${r.n} of ${count}`);
    const best = (rs: { ms: number }[]) => Math.min(...rs.map((r) => r.ms));
    const rate = (ms: number) => (count / ms) * 1000;
    const rows: BenchRow[] = [
      {
        id,
        name: `first mirror of ${label} visitors through the engine (server in its own process)`,
        value: rate(best(e)),
        unit: 'visitors/s',
        baseline: rate(best(p)),
        baselineLabel:
          'plain client: same pages, JSON.parse, one upsert per record (same columns, indexes and search index), a tx per page',
        target: id === 'T1' ? { atLeast: 0.9 } : { atLeast: 1 / 1.5 },
      },
      {
        id: `${id}-noindex`,
        name: `first mirror of ${label} visitors, for information`,
        value: rate(best(e)),
        unit: 'visitors/s',
        baseline: rate(bare.ms),
        baselineLabel: 'the same plain client into the bare table (no index, no search index)',
      },
    ];
    if (id === 'T1b')
      rows.push({
        id: 'T1b-mem',
        name: `peak memory (RSS) of the core's process mirroring ${label} visitors`,
        value: Math.max(...e.map((r) => r.peakMb)),
        unit: 'MiB',
        baseline: Math.max(...p.map((r) => r.peakMb)),
        baselineLabel: "the plain client's process, the same pages",
        target: { valueAtMost: 400 },
      });
    return rows;
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function post(agent: Agent, url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/visitors/bulk-sync', url),
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const benchmarks: Benchmark[] = [
  {
    name: 'first mirror through the engine',
    async run(options): Promise<BenchRow[]> {
      const rows = await mirrorRows(MIRROR, 'T1', '200 000');
      if (options.full) rows.push(...(await mirrorRows(MIRROR_FULL, 'T1b', '1 000 000')));
      return rows;
    },
  },
  {
    name: 'push of 50 000 operations',
    async run(): Promise<BenchRow[]> {
      const total = PUSH_MIX.create + PUSH_MIX.update + PUSH_MIX.delete;
      // Two servers seeded alike (same seed value: same ids, same versions): one
      // takes the raw POSTs, the other the engine's push of the same operations.
      const seedArgs = ['--db', ':memory:', '--seed', String(PUSH_SEED)];
      const [rawSrv, srv] = await Promise.all([
        startServerProcess(seedArgs, TOKEN),
        startServerProcess(seedArgs, TOKEN),
      ]);
      const core = makeCore({
        settings: () => ({ ...DEFAULT_SYNC_SETTINGS, chunkSize: CHUNK, pageSize: PAGE }),
      });
      try {
        core.sync.configure({ serverUrl: srv.url, token: TOKEN });
        await core.sync.sync();
        const ids = (
          core.db.prepare('SELECT local_id FROM visitors ORDER BY local_id').all() as {
            local_id: string;
          }[]
        ).map((r) => r.local_id);
        const edits = new VisitorEdits(core.repos, systemClock);
        // Interleaved, so every chunk carries all three actions.
        core.db.transaction(() => {
          let u = 0;
          let d = PUSH_MIX.update;
          for (let i = 0; i < total; i++) {
            const k = i % 5;
            if (k < 2)
              edits.create({ name: `Bench ${i}`, email: `b${i}@bench.example`, interests: ['x'] });
            else if (k < 4) edits.update(ids[u++]!, { title: `Title ${i}`, notes: `edited ${i}` });
            else edits.delete(ids[d++]!);
          }
        })();
        // The raw side: the very operations the engine will send, serialised
        // before the clock starts, POSTed in order over one kept-alive connection.
        const due = core.repos.outbox.due(new Date(Date.now() + 1000).toISOString(), 1_000_000);
        if (due.length !== total)
          throw new Error(`${due.length} operations due, expected ${total}`);
        const chunks = chunk(due, CHUNK);
        const bodies = chunks.map((ops, i) =>
          JSON.stringify({
            operations: ops.map(toWire),
            lastSyncTimestamp: core.repos.state.get('lastSyncTimestamp'),
            chunkInfo: { number: i + 1, total: chunks.length },
          }),
        );
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        let t0 = performance.now();
        for (const b of bodies) await post(agent, rawSrv.url, b);
        const rawMs = performance.now() - t0;
        agent.destroy();

        t0 = performance.now();
        const summary = await core.sync.sync();
        const engineMs = performance.now() - t0;
        const settled = summary.created + summary.updated + summary.deleted;
        if (settled !== total || summary.conflicts || summary.errors)
          throw new Error(`push settled ${settled} of ${total}: ${JSON.stringify(summary)}`);
        return [
          {
            id: 'T2',
            name: `push of 50 000 operations (40 % creates, 40 % updates, 20 % deletes), chunk ${CHUNK}`,
            value: (total / engineMs) * 1000,
            unit: 'ops/s',
            baseline: (total / rawMs) * 1000,
            baselineLabel:
              'raw HTTP POST of the same chunks (bodies built beforehand) to an identical server',
            target: { atLeast: 0.8 },
          },
        ];
      } finally {
        core.dispose();
        await Promise.all([rawSrv.stop(), srv.stop()]);
      }
    },
  },
];
