import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../../server/seed';
import { freshPostgresDb, type Json } from '../helpers';

/**
 * Four server processes (the compiled server, as `npm run server` runs it)
 * on one PostgreSQL database, eight clients pushing conflicting edits at
 * once through a round-robin of the instances, replaying some chunks on
 * another instance as a client does after a lost response, and pulling the
 * change feed while others write. At the end:
 * - every operation was applied exactly once (a record's version is 1 + the
 *   successful updates of it, and a replay returns the first result),
 * - every conflict was reported (of the updates made from the same version
 *   of a record, at most one succeeded; the others are precise conflicts),
 * - every client's mirror, pulled through the feed, equals the database.
 */

const ROOT = resolve(__dirname, '../../../..');
const STAFF = 'multi-staff-token';
const ADMIN = 'multi-admin-token';
const INSTANCES = 4;
const CLIENTS = 8;
const RECORDS = 24;
const ROUNDS = 12;

const children: ChildProcess[] = [];
let urls: string[] = [];

function startInstance(db: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [
        'out/node/server.mjs',
        '--port',
        '0',
        '--db',
        db,
        '--pg-pool-size',
        '4',
        '--log-level',
        'warn',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, VISITOR_SYNC_TOKENS: `${STAFF}:staff,${ADMIN}:admin` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolvePromise(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`instance exited (${code}): ${err}`)));
  });
}

async function call(url: string, method: string, path: string, body?: unknown, token = STAFF) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Json;
}

interface Mirror {
  records: Map<string, Json>;
  cursor: string;
}

/** Pulls the feed to its end through the given instances, in turn. */
async function pull(mirror: Mirror, via: string[]): Promise<void> {
  for (let i = 0; ; i++) {
    const since = mirror.cursor ? `&since=${encodeURIComponent(mirror.cursor)}` : '';
    const page = await call(via[i % via.length]!, 'GET', `/api/visitors/changes?limit=7${since}`);
    for (const v of page.visitors) {
      const had = mirror.records.get(v.id);
      // Pages are in commit order: a later entry is never older.
      if (had) expect(v.version).toBeGreaterThanOrEqual(had.version);
      mirror.records.set(v.id, v);
    }
    mirror.cursor = page.cursor;
    if (!page.hasMore) return;
  }
}

beforeAll(async () => {
  // The compiled server, built once (npm run server would build it too).
  const built = spawnSync(
    process.execPath,
    ['scripts/run-compiled.mjs', 'server', 'server/cli.ts', '--help'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`cannot build the server: ${built.stderr}`);
  const db = await freshPostgresDb();
  // The first instance creates the schema; the others start together.
  urls = [await startInstance(db)];
  urls.push(...(await Promise.all(Array.from({ length: INSTANCES - 1 }, () => startInstance(db)))));
});

afterAll(async () => {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null) return done();
          c.once('exit', () => done());
          c.kill('SIGTERM');
        }),
    ),
  );
});

describe('4 server processes on one PostgreSQL, 8 clients at once', () => {
  it('applies every operation exactly once, reports every conflict, and every mirror ends equal to the database', async () => {
    const ids = Array.from({ length: RECORDS }, (_, i) => `shared-${String(i).padStart(2, '0')}`);
    await call(
      urls[0]!,
      'POST',
      '/api/admin/visitors',
      { visitors: ids.map((id) => ({ id, data: { name: `Shared ${id}`, title: 'v1' } })) },
      ADMIN,
    );

    const successes = new Map<string, number>(); // record id → successful updates
    const fromBase = new Map<string, number>(); // `${id}@${baseVersion}` → successes from that base
    let conflicts = 0;
    let replays = 0;
    let creates = 0;

    const client = async (c: number) => {
      const rng = createRng(1000 + c);
      const mirror: Mirror = { records: new Map(), cursor: '' };
      await pull(mirror, urls);
      for (let round = 0; round < ROUNDS; round++) {
        const picked = new Set<string>();
        while (picked.size < 3) picked.add(ids[Math.floor(rng() * ids.length)]!);
        const operations: Json[] = [...picked].map((id, k) => ({
          action: 'update',
          localId: `c${c}-r${round}-${k}`,
          opId: randomUUID(),
          serverId: id,
          baseVersion: mirror.records.get(id)!.version,
          timestamp: new Date().toISOString(),
          data: { title: `client ${c} round ${round}` },
        }));
        if (rng() < 0.3) {
          operations.push({
            action: 'create',
            localId: `c${c}-r${round}-new`,
            opId: randomUUID(),
            timestamp: new Date().toISOString(),
            data: { name: `New from ${c}` },
          });
        }
        const via = urls[(c + round) % INSTANCES]!;
        const reply = await call(via, 'POST', '/api/visitors/bulk-sync', { operations });
        expect(reply.results).toHaveLength(operations.length);
        for (const [k, r] of (reply.results as Json[]).entries()) {
          const op = operations[k]!;
          if (op.action === 'create') {
            expect(r.status).toBe('success');
            creates++;
            continue;
          }
          if (r.status === 'success') {
            successes.set(op.serverId, (successes.get(op.serverId) ?? 0) + 1);
            const key = `${op.serverId}@${op.baseVersion}`;
            fromBase.set(key, (fromBase.get(key) ?? 0) + 1);
            expect(r.version).toBe(op.baseVersion + 1);
          } else {
            expect(r.status).toBe('conflict');
            expect(r.conflictData).toMatchObject({ kind: 'field', conflictFields: ['title'] });
            expect(r.conflictData.serverVersion).toBeGreaterThan(op.baseVersion);
            expect(r.conflictData.baseData.version).toBe(op.baseVersion);
            conflicts++;
          }
        }
        // A lost response: the same chunk again on another instance.
        if (rng() < 0.35) {
          const other = urls[(c + round + 1) % INSTANCES]!;
          const again = await call(other, 'POST', '/api/visitors/bulk-sync', { operations });
          for (const [k, r] of (reply.results as Json[]).entries()) {
            if (r.status === 'success') expect(again.results[k]).toEqual(r);
          }
          replays++;
        }
        await pull(mirror, [urls[(c + round + 2) % INSTANCES]!]);
      }
      return mirror;
    };

    const mirrors = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    // Exactly once: each success moved its record by one version, no more.
    const truth: Mirror = { records: new Map(), cursor: '' };
    await pull(truth, [urls[0]!]);
    for (const id of ids) {
      expect(truth.records.get(id)!.version).toBe(1 + (successes.get(id) ?? 0));
    }
    // No lost update: from one version of a record, at most one update won.
    for (const n of fromBase.values()) expect(n).toBe(1);
    expect(conflicts).toBeGreaterThan(0);
    expect(replays).toBeGreaterThan(0);
    const stats = (await call(urls[1]!, 'GET', '/api/admin/stats', undefined, ADMIN)).stats;
    expect(stats.visitors).toBe(RECORDS + creates);
    expect(stats.appliedOps).toBe(creates + [...successes.values()].reduce((a, b) => a + b, 0));

    // Every client's mirror, pulled to the end, is the database.
    for (const mirror of mirrors) {
      await pull(mirror, urls);
      expect(mirror.records).toEqual(truth.records);
    }
  });
});
