import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startServer } from '../../server/index';
import { generateVisitors } from '../../server/seed';
import type { Benchmark, BenchRow } from './harness';

/**
 * Bulk-sync throughput of the reference server: create operations (with
 * opIds, as the console sends them) pushed over loopback HTTP in chunks of
 * 50, 500 and 1000, one request in flight, into a SQLite file (WAL,
 * synchronous FULL). Request bodies are built before the clock starts, so the
 * figure is HTTP + validation + conflict-checked apply + response.
 *
 * Baseline, same run, same records: plain better-sqlite3 INSERTs into a
 * comparable table (same columns, primary key on id) in another file with
 * the same pragmas, one transaction per chunk of the same size.
 */

const OPS = 20_000;
const WARMUP_OPS = 2_000;
const TOKEN = 'bench-token-0001';
const TS = '2025-03-04T10:00:00.000Z';

type VisitorData = ReturnType<typeof generateVisitors>[number]['data'];

function post(
  agent: Agent,
  port: number,
  body: string,
): Promise<{ results: Array<{ status: string }> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
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
          if (res.statusCode !== 200)
            return reject(
              new Error(
                `HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`,
              ),
            );
          resolve(
            JSON.parse(Buffer.concat(chunks).toString()) as { results: Array<{ status: string }> },
          );
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function bodies(records: VisitorData[], chunk: number, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < records.length; i += chunk) {
    const operations = records.slice(i, i + chunk).map((data, j) => ({
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

async function serverRate(dir: string, records: VisitorData[], chunk: number): Promise<number> {
  const server = await startServer({
    db: join(dir, `server-${chunk}.sqlite`),
    tokens: `${TOKEN}:staff`,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const body of bodies(records.slice(0, WARMUP_OPS), chunk, 'warm'))
      await post(agent, server.port, body);
    const timed = bodies(records, chunk, `c${chunk}`);
    const t0 = performance.now();
    for (const body of timed) {
      const reply = await post(agent, server.port, body);
      if (reply.results.some((r) => r.status !== 'success'))
        throw new Error('a create did not succeed');
    }
    return (records.length / (performance.now() - t0)) * 1000;
  } finally {
    agent.destroy();
    await server.stop();
  }
}

function rawInsertRate(dir: string, records: VisitorData[], chunk: number): number {
  const db = new Database(join(dir, `raw-${chunk}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE visitors (
    id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL, last_modified_ms INTEGER NOT NULL,
    name TEXT NOT NULL, company TEXT, email TEXT, title TEXT, phone TEXT, interests TEXT NOT NULL,
    notes TEXT, capture_method TEXT, captured_at TEXT)`);
  const insert = db.prepare('INSERT INTO visitors VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertChunk = db.transaction((rows: VisitorData[]) => {
    for (const d of rows) {
      insert.run(
        randomUUID(),
        1,
        Date.now(),
        d.name,
        d.company ?? null,
        d.email ?? null,
        d.title ?? null,
        d.phone ?? null,
        JSON.stringify(d.interests),
        d.notes ?? null,
        d.captureMethod ?? null,
        d.capturedAt ?? null,
      );
    }
  });
  for (let i = 0; i < WARMUP_OPS; i += chunk) insertChunk(records.slice(i, i + chunk));
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += chunk) insertChunk(records.slice(i, i + chunk));
  const rate = (records.length / (performance.now() - t0)) * 1000;
  db.close();
  return rate;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'server bulk-sync creates over loopback',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'vrc-bench-server-'));
      const records = generateVisitors(OPS, 2024).map((v) => v.data);
      const rows: BenchRow[] = [];
      try {
        for (const chunk of [50, 500, 1000]) {
          const baseline = rawInsertRate(dir, records, chunk);
          const value = await serverRate(dir, records, chunk);
          rows.push({
            id: `T3-chunk${chunk}`,
            name: `bulk-sync create, chunk ${chunk} (${OPS.toLocaleString('en-US')} ops, HTTP loopback)`,
            value,
            unit: 'ops/s',
            baseline,
            baselineLabel: `raw better-sqlite3 INSERT, same records, 1 tx per ${chunk}`,
          });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return rows;
    },
  },
];
