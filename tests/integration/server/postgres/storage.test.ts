import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_VALUES } from '../../../../shared/visitor';
import { openStore, startServer } from '../../../../server/index';
import type { PostgresVisitorStore } from '../../../../server/storage/postgres';
import type { StoreTx, VisitorStore, WriteRetry } from '../../../../server/storage/types';
import { applyOperations } from '../../../../server/sync/apply';
import { readChangePage } from '../../../../server/sync/changes';
import { parseBulkSync } from '../../../../server/sync/validate';
import { createOp, freshPostgresDb, startApi, updateOp, type Api, type Json } from '../helpers';

/**
 * What only the PostgreSQL backend has to get right: writers that commit out
 * of order, the same operation replayed on two instances at once, restarts,
 * readiness, and the storage semantics the SQLite suite checks on its store.
 */

const stores: VisitorStore[] = [];
let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
  for (const s of stores.splice(0)) await s.close();
});

async function open(db: string, onRetry?: (retry: WriteRetry) => void): Promise<VisitorStore> {
  let t = 1_700_000_000_000;
  const store = await openStore({ db, now: () => t++, ...(onRetry ? { onRetry } : {}) });
  stores.push(store);
  return store;
}

const values = { ...EMPTY_VALUES, name: 'Store test' };
const record = (id: string, ms = 1) => ({
  id,
  values,
  version: 1,
  lastModifiedMs: ms,
  deleted: false,
  fieldVersions: {},
});

/** A promise and the function that settles it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

async function feed(
  store: VisitorStore,
  since: string,
): Promise<{ ids: string[]; cursor: string }> {
  const { parseSince } = await import('../../../../server/sync/cursor');
  const from = parseSince(since);
  if (!from.ok) throw new Error(from.message);
  const page = await store.read((tx) =>
    readChangePage(tx, from.position, { limit: 100, maxBytes: 1 << 20 }, () => 0),
  );
  if (!page.ok) throw new Error(page.message);
  const body = JSON.parse(page.page.json) as Json;
  return { ids: body.visitors.map((v: Json) => v.id), cursor: body.cursor };
}

/** The visitors' ids ordered as the feed orders them: by transaction id, then seq. */
async function idsInTxOrder(db: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    const r = await client.query('SELECT id FROM visitors ORDER BY tx, seq');
    return r.rows.map((row: { id: string }) => row.id);
  } finally {
    await client.end();
  }
}

describe('the change feed with writers that commit out of order', () => {
  it('a transaction that started first and commits last is never skipped', async () => {
    const db = await freshPostgresDb();
    const a = await open(db);
    const b = await open(db);
    const reader = await open(db);
    const held = gate();
    const started = gate();
    let attempts = 0;
    // A writes first (its seq is lower) and stays open.
    const slow = a.write(async (tx: StoreTx) => {
      attempts++;
      await tx.insert(record('first'));
      await tx.liveIds(); // sends the insert: A now holds a transaction id and a seq
      started.open();
      await held.wait;
    });
    await started.wait;
    expect(await a.writeFloorMs!()).not.toBeNull(); // a write is in flight
    // B writes later (higher seq) and commits at once.
    await b.write(async (tx) => {
      await tx.insert(record('second'));
    });
    // A reader now must not move its cursor past A's change.
    const during = await feed(reader, '');
    expect(during.ids).toEqual([]);
    held.open();
    await slow;
    expect(await a.writeFloorMs!()).toBeNull();
    const after = await feed(reader, during.cursor);
    // Both come, in the order of their transaction ids (the feed's order),
    // which the database itself tells. That is A then B when A ran once; a
    // write unit the database made retry (a deadlock or serialization
    // failure on a busy shared cluster) takes a new, later id, and its
    // change then rightly comes after B's.
    const inTxOrder = await idsInTxOrder(db);
    expect(inTxOrder.sort()).toEqual(['first', 'second']);
    expect(after.ids).toEqual(await idsInTxOrder(db));
    if (attempts === 1) expect(after.ids).toEqual(['first', 'second']);
    expect((await feed(reader, after.cursor)).ids).toEqual([]);
  });
});

describe('the change feed across transaction ids of different lengths', () => {
  it('pages in the numeric order of transaction ids when they pass a power of ten (999 → 1000), skipping nothing', async () => {
    const db = await freshPostgresDb();
    const store = await open(db); // creates the tables
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      // Two finished transactions whose ids straddle a power of ten below the
      // cluster's current ids, as every busy database reaches in time.
      const xmin = Number(
        (await client.query('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x')).rows[0].x,
      );
      const power = 10 ** Math.floor(Math.log10(xmin - 1));
      expect(power).toBeGreaterThanOrEqual(10);
      const insert = (id: string, tx: number, seq: number) =>
        client.query(
          `INSERT INTO visitors (id, tx, seq, version, last_modified_ms, deleted, name, interests, field_versions)
           VALUES ($1, $2::text::xid8, $3, 1, 1, false, 'Digits', '[]', '{}')`,
          [id, tx, seq],
        );
      await insert('before-the-power', power - 1, 1);
      await insert('at-the-power', power, 2);
    } finally {
      await client.end();
    }
    // One record per page, so every cursor sits between the two.
    const { parseSince } = await import('../../../../server/sync/cursor');
    const ids: string[] = [];
    let since = '';
    for (let pages = 0; pages < 5; pages++) {
      const from = parseSince(since);
      if (!from.ok) throw new Error(from.message);
      const page = await store.read((tx) =>
        readChangePage(tx, from.position, { limit: 1, maxBytes: 1 << 20 }, () => 0),
      );
      if (!page.ok) throw new Error(page.message);
      const body = JSON.parse(page.page.json) as Json;
      ids.push(...body.visitors.map((v: Json) => v.id as string));
      since = body.cursor;
      if (!body.hasMore) break;
    }
    expect(ids).toEqual(['before-the-power', 'at-the-power']);
    expect(await idsInTxOrder(db)).toEqual(['before-the-power', 'at-the-power']);
  });
});

describe('the op-id ledger across instances', () => {
  it('the same operation applied on two instances at once is applied once; the second returns the first result', async () => {
    const db = await freshPostgresDb();
    const a = await open(db);
    const retried: WriteRetry[] = [];
    const b = await open(db, (retry) => retried.push(retry));
    const opId = randomUUID();
    const parsed = parseBulkSync({ operations: [{ ...createOp(), opId }] }, 10);
    if (!parsed.ok) throw new Error('bad fixture');
    const ctx = (stamp: number) => ({ clientId: null, lastSyncMs: null, stamp: () => stamp });
    const held = gate();
    const recorded = gate();
    const first = a.write(async (tx) => {
      const results = await applyOperations(tx, parsed.request.ops, ctx(1_000));
      await tx.liveIds(); // sends the ledger row: B's insert of the same key must wait on it
      recorded.open();
      await held.wait;
      return results;
    });
    await recorded.wait;
    let attempts = 0;
    const second = b.write(async (tx) => {
      attempts++;
      return applyOperations(tx, parsed.request.ops, ctx(2_000));
    });
    await new Promise((r) => setTimeout(r, 200)); // B is now waiting on A's key
    held.open();
    const [ra, rb] = await Promise.all([first, second]);
    expect(rb).toEqual(ra);
    expect(attempts).toBe(2); // B's unit ran again after A committed
    expect(await b.read((tx) => tx.stats())).toMatchObject({ visitors: 1, appliedOps: 1 });
    // Counted and reported, so a stream of clashes is visible in the server's log.
    expect(retried).toEqual([{ reason: 'replay_race', attempt: 1 }]);
    expect((b as PostgresVisitorStore).retries).toEqual({
      deadlock: 0,
      serialization: 0,
      unique_race: 0,
      replay_race: 1,
    });
    expect((a as PostgresVisitorStore).retries.replay_race).toBe(0);
  });

  it('a server logs a write unit it runs again after another writer took its key (warn, with the reason)', async () => {
    const db = await freshPostgresDb();
    const lines: string[] = [];
    api = await startApi({ db, log: (line) => lines.push(line) });
    const opId = randomUUID();
    const op = { ...createOp(), opId };
    const first = {
      localId: op.localId,
      serverId: randomUUID(),
      action: 'create',
      status: 'success',
      version: 1,
    };
    // Another instance has recorded this opId and not committed yet.
    const other = new pg.Client({ connectionString: db });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('INSERT INTO applied_ops (key, result, at_ms) VALUES ($1, $2, 0)', [
        `op:${opId}`,
        JSON.stringify(first),
      ]);
      const reply = api.sync({ operations: [op] });
      // The server's ledger insert waits on that row; then the other instance commits.
      const t0 = performance.now();
      while (performance.now() - t0 < 10_000) {
        const r = await other.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'visitor-sync-server'",
        );
        if ((r.rows[0] as { n: number }).n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query('COMMIT');
      const r = await reply;
      expect(r.status).toBe(200);
      expect(r.body.results).toEqual([first]); // the other instance's result, applied once
    } finally {
      await other.end();
    }
    const retries = lines
      .map((l) => JSON.parse(l) as Json)
      .filter((l) => /running it again/.test(l.msg));
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ level: 40, reason: 'replay_race', attempt: 1 });
  });
});

describe('PostgreSQL store semantics', () => {
  it('a savepoint undoes only its own writes; a failing unit leaves nothing', async () => {
    const store = await open(await freshPostgresDb());
    await store.write(async (tx) => {
      await tx.insert(record('a'));
      await expect(
        tx.savepoint(async () => {
          await tx.insert(record('b'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await tx.insert(record('c'));
    });
    expect(await store.read((tx) => tx.liveIds())).toEqual(['a', 'c']);
    await expect(
      store.write(async (tx) => {
        await tx.insert(record('d'));
        throw new Error('late failure');
      }),
    ).rejects.toThrow('late failure');
    expect(await store.read((tx) => tx.liveIds())).toEqual(['a', 'c']);
  });

  it('keeps every version for baseData, written in one unit or many', async () => {
    const store = await open(await freshPostgresDb());
    await store.write(async (tx) => {
      const v1 = await tx.insert({ ...record('h'), lastModifiedMs: 100 });
      const v2 = await tx.replace(
        { ...v1, values: { ...values, title: 'two' }, version: 2, lastModifiedMs: 200 },
        v1,
      );
      expect((await tx.snapshot('h', 1))?.values.title).toBeNull();
      expect((await tx.snapshotAt('h', 150))?.version).toBe(1);
      await tx.replace(
        { ...v2, values: { ...values, title: 'three' }, version: 3, lastModifiedMs: 300 },
        v2,
      );
    });
    await store.read(async (tx) => {
      expect((await tx.snapshot('h', 1))?.values.title).toBeNull();
      expect((await tx.snapshot('h', 2))?.values.title).toBe('two');
      expect((await tx.snapshot('h', 3))?.values.title).toBe('three');
      expect(await tx.snapshot('h', 4)).toBeNull();
      expect((await tx.snapshotAt('h', 250))?.version).toBe(2);
      expect(await tx.snapshotAt('h', 99)).toBeNull();
    });
  });
});

describe('a PostgreSQL-backed server', () => {
  it('keeps records, cursors and the clock across a restart, and a second instance starts on the same schema', async () => {
    const db = await freshPostgresDb();
    api = await startApi({ db });
    const created = await api.sync({ operations: Array.from({ length: 5 }, () => createOp()) });
    const id = created.body.results[0].serverId as string;
    await api.sync({ operations: [updateOp(id, { title: 'Persisted' }, { baseVersion: 1 })] });
    const page = (await api.changes()).body;
    const before = (await api.request('GET', `/api/visitors/${id}`)).body;
    await api.stop();

    api = await startApi({ db });
    expect((await api.request('GET', `/api/visitors/${id}`)).body).toEqual(before);
    expect((await api.changes(`?since=${page.cursor}`)).body.visitors).toEqual([]);
    const later = await api.sync({ operations: [createOp()] });
    const next = (await api.changes(`?since=${page.cursor}`)).body.visitors;
    expect(next.map((v: Json) => v.id)).toEqual([later.body.results[0].serverId]);
    expect(next[0].lastModified > before.lastModified).toBe(true);
    const conflict = await api.sync({
      operations: [updateOp(id, { title: 'Other' }, { baseVersion: 1 })],
    });
    expect(conflict.body.results[0].conflictData.baseData).toMatchObject({ version: 1 });
  });

  it('health reports the storage: 200 while it answers, 503 once its tables are gone', async () => {
    const db = await freshPostgresDb();
    api = await startApi({ db });
    expect((await api.request('GET', '/api/health', { token: null })).body).toEqual({
      status: 'ok',
    });
    const schema = new URL(db).searchParams.get('options')!.split('=')[1]!;
    const admin = new pg.Client({ connectionString: db });
    await admin.connect();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    const down = await api.request('GET', '/api/health', { token: null });
    expect(down.status).toBe(503);
    expect(down.body.error).toMatchObject({ code: 'storage_unavailable', retryable: true });
  });

  it('an unreachable database is a clear start-up error', async () => {
    await expect(
      startServer({ db: 'postgres://nobody@%2Fno%2Fsuch%2Fsocket%2Fdir/none' }),
    ).rejects.toThrow(/ENOENT|connect|no such file/i);
  });
});
