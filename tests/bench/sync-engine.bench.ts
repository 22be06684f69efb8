import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../server/index';
import { DEFAULT_SYNC_SETTINGS } from '../../electron/core/sync/engine';
import { makeCore } from '../fixtures/core';
import type { Benchmark, BenchRow } from './harness';

const TOKEN = 'bench-token';
const MIRROR = 50_000;
const PUSH = 10_000;

function post(url: string, path: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      {
        method: 'POST',
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

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    })
      .on('error', reject)
      .end();
  });
}

/** Raw better-sqlite3: the same rows into a table shaped like the mirror, one transaction per 5 000. */
function rawInsertRate(records: Record<string, unknown>[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'vrc-bench-'));
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE v (id TEXT PRIMARY KEY, name TEXT, company TEXT, email TEXT, title TEXT, phone TEXT, interests TEXT, notes TEXT, capture_method TEXT, captured_at TEXT, version INTEGER, base TEXT)',
  );
  const ins = db.prepare(
    'INSERT INTO v VALUES (@id, @name, @company, @email, @title, @phone, @interests, @notes, @captureMethod, @capturedAt, @version, @base)',
  );
  const rows = records.map((r) => ({
    id: r.id,
    name: r.name,
    company: r.company ?? null,
    email: r.email ?? null,
    title: r.title ?? null,
    phone: r.phone ?? null,
    interests: JSON.stringify(r.interests ?? []),
    notes: r.notes ?? null,
    captureMethod: r.captureMethod ?? null,
    capturedAt: r.capturedAt ?? null,
    version: r.version ?? 1,
    base: JSON.stringify(r),
  }));
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 5_000)
    db.transaction(() => rows.slice(i, i + 5_000).forEach((r) => ins.run(r)))();
  const ms = performance.now() - t0;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return (rows.length / ms) * 1000;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'first mirror of 50 000 visitors through the engine',
    async run(): Promise<BenchRow[]> {
      const srv = await startServer({
        port: 0,
        db: ':memory:',
        tokens: `${TOKEN}:admin`,
        seed: MIRROR,
        changesPageSize: 5_000,
      });
      // Raw HTTP: the same pages fetched and parsed, nothing written.
      const records: Record<string, unknown>[] = [];
      let t0 = performance.now();
      let since: string | null = null;
      for (;;) {
        const q = new URLSearchParams({ limit: '5000', ...(since ? { since } : {}) });
        const page = JSON.parse(await get(`${srv.url}/api/visitors/changes?${q}`)) as {
          visitors: Record<string, unknown>[];
          cursor: string;
          hasMore: boolean;
        };
        records.push(...page.visitors);
        since = page.cursor;
        if (!page.hasMore) break;
      }
      const httpRate = (records.length / (performance.now() - t0)) * 1000;
      const sqliteRate = rawInsertRate(records);

      const core = makeCore({ settings: () => ({ ...DEFAULT_SYNC_SETTINGS, pageSize: 5_000 }) });
      core.sync.configure({ serverUrl: srv.url, token: TOKEN });
      t0 = performance.now();
      const summary = await core.sync.sync();
      const engineRate = (summary.pulled / (performance.now() - t0)) * 1000;
      core.dispose();
      await srv.stop();
      return [
        {
          id: 'T1-http',
          name: 'first mirror, 50k visitors, pages of 5 000',
          value: engineRate,
          unit: 'visitors/s',
          baseline: httpRate,
          baselineLabel: 'raw HTTP GET + JSON.parse of the same pages',
        },
        {
          id: 'T1-insert',
          name: 'first mirror, 50k visitors, pages of 5 000',
          value: engineRate,
          unit: 'visitors/s',
          baseline: sqliteRate,
          baselineLabel: 'raw better-sqlite3 INSERT, 5 000 per tx',
        },
      ];
    },
  },
  {
    name: 'push of 10 000 creates through the engine',
    async run(): Promise<BenchRow[]> {
      const out: BenchRow[] = [];
      for (const chunkSize of [50, 500, 1000]) {
        // Raw HTTP: the same operations, pre-serialised, to a fresh server.
        const rawSrv = await startServer({ port: 0, db: ':memory:', tokens: `${TOKEN}:admin` });
        const ops = Array.from({ length: PUSH }, (_, i) => ({
          action: 'create',
          localId: `raw-${i}`,
          opId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          timestamp: '2026-01-01T00:00:00.000Z',
          data: { name: `Bench ${i}`, email: `b${i}@bench.example`, interests: ['x'] },
        }));
        const bodies: string[] = [];
        for (let i = 0; i < ops.length; i += chunkSize)
          bodies.push(JSON.stringify({ operations: ops.slice(i, i + chunkSize) }));
        let t0 = performance.now();
        for (const b of bodies) await post(rawSrv.url, '/api/visitors/bulk-sync', b);
        const httpRate = (PUSH / (performance.now() - t0)) * 1000;
        await rawSrv.stop();

        const srv = await startServer({ port: 0, db: ':memory:', tokens: `${TOKEN}:admin` });
        const core = makeCore({ settings: () => ({ ...DEFAULT_SYNC_SETTINGS, chunkSize }) });
        core.sync.configure({ serverUrl: srv.url, token: TOKEN });
        for (let i = 0; i < PUSH; i++)
          await core.call('visitors:create', {
            values: { name: `Bench ${i}`, email: `b${i}@bench.example`, interests: ['x'] },
          });
        t0 = performance.now();
        const summary = await core.sync.sync();
        const engineRate = (summary.created / (performance.now() - t0)) * 1000;
        core.dispose();
        await srv.stop();
        out.push({
          id: `T2-chunk${chunkSize}`,
          name: `push, 10k creates, chunk ${chunkSize}`,
          value: engineRate,
          unit: 'ops/s',
          baseline: httpRate,
          baselineLabel: 'raw HTTP POST of the same chunks, same server',
        });
      }
      const sqliteRate = rawInsertRate(
        Array.from({ length: PUSH }, (_, i) => ({
          id: `r${String(i).padStart(6, '0')}`,
          name: `Bench ${i}`,
        })),
      );
      out.push({
        id: 'T2-insert',
        name: 'push, 10k creates, chunk 500 (engine)',
        value: out[1]!.value,
        unit: 'ops/s',
        baseline: sqliteRate,
        baselineLabel: 'raw better-sqlite3 INSERT, 5 000 per tx',
      });
      return out;
    },
  },
];
