import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EMPTY_VALUES } from '../../../shared/visitor';
import { openSqliteStore, startServer } from '../../../server/index';
import { createOp, startApi, updateOp, type Api, type Json } from './helpers';

/** SQLite files, restarts, a busy database, savepoints, and the embedding API. */

const dir = mkdtempSync(join(tmpdir(), 'vrc-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const dbFile = () => join(dir, `db-${++n}.sqlite`);

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

describe('SQLite file storage', () => {
  it('keeps records, versions, cursors and the clock across a restart', async () => {
    const file = dbFile();
    api = await startApi({ db: file });
    const created = await api.sync({ operations: Array.from({ length: 5 }, () => createOp()) });
    const id = created.body.results[0].serverId as string;
    await api.sync({ operations: [updateOp(id, { title: 'Persisted' }, { baseVersion: 1 })] });
    const page = (await api.changes()).body;
    const before = (await api.request('GET', `/api/visitors/${id}`)).body;
    await api.stop();

    api = await startApi({ db: file });
    expect((await api.request('GET', `/api/visitors/${id}`)).body).toEqual(before);
    expect((await api.changes(`?since=${page.cursor}`)).body.visitors).toEqual([]);
    const later = await api.sync({ operations: [createOp()] });
    const next = (await api.changes(`?since=${page.cursor}`)).body.visitors;
    expect(next.map((v: { id: string }) => v.id)).toEqual([later.body.results[0].serverId]);
    expect(next[0].lastModified > before.lastModified).toBe(true);
    // History survived too: a client on version 1 gets its base back.
    const conflict = await api.sync({
      operations: [updateOp(id, { title: 'Other' }, { baseVersion: 1 })],
    });
    expect(conflict.body.results[0].conflictData.baseData).toMatchObject({
      version: 1,
      title: null,
    });
  });

  it('rebuilds the change marks of a file that has none', async () => {
    const file = dbFile();
    api = await startApi({ db: file, seed: 15 });
    const since = new Date(Date.now() - 60_000).toISOString();
    const expected = (await api.changes(`?since=${since}&limit=100`)).body.visitors.length;
    expect(expected).toBe(15);
    await api.stop();
    const db = new Database(file);
    db.exec('DELETE FROM change_marks');
    db.close();
    api = await startApi({ db: file });
    expect((await api.changes(`?since=${since}&limit=100`)).body.visitors).toHaveLength(15);
  });

  it('uses WAL, and --seed is idempotent on a file', async () => {
    const file = dbFile();
    api = await startApi({ db: file, seed: 20 });
    expect(api.server.seeded).toBe(20);
    await api.stop();
    api = await startApi({ db: file, seed: 20 });
    expect(api.server.seeded).toBe(0);
    expect((await api.stats()).visitors).toBe(20);
    await api.stop();
    api = undefined;
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('a database locked by another process: 503 with Retry-After, nothing applied; reads still work', async () => {
    const file = dbFile();
    api = await startApi({ db: file, seed: 3 });
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      const r = await api.sync({ operations: [createOp()] });
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body.error).toMatchObject({ code: 'database_busy', retryable: true });
      expect((await api.changes()).body.visitors).toHaveLength(3);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    expect((await api.sync({ operations: [createOp()] })).status).toBe(200);
    expect((await api.stats()).visitors).toBe(4);
  });

  it('refuses to start on a file that is not a database', async () => {
    const file = dbFile();
    writeFileSync(file, 'this is not a sqlite database, just text '.repeat(200));
    await expect(startServer({ db: file })).rejects.toThrow(/not a database|file is not/i);
  });
});

describe('SqliteVisitorStore', () => {
  const values = { ...EMPTY_VALUES, name: 'Store test' };

  it('a savepoint undoes only its own writes', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.write(async (tx) => {
      await tx.insert({
        id: 'a',
        values,
        version: 1,
        lastModifiedMs: 1,
        deleted: false,
        fieldVersions: {},
      });
      await expect(
        tx.savepoint(async () => {
          await tx.insert({
            id: 'b',
            values,
            version: 1,
            lastModifiedMs: 1,
            deleted: false,
            fieldVersions: {},
          });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await tx.insert({
        id: 'c',
        values,
        version: 1,
        lastModifiedMs: 1,
        deleted: false,
        fieldVersions: {},
      });
    });
    expect(await store.read((tx) => tx.liveIds())).toEqual(['a', 'c']);
    await store.close();
  });

  it('a failing write transaction leaves nothing behind', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await expect(
      store.write(async (tx) => {
        await tx.insert({
          id: 'a',
          values,
          version: 1,
          lastModifiedMs: 1,
          deleted: false,
          fieldVersions: {},
        });
        throw new Error('late failure');
      }),
    ).rejects.toThrow('late failure');
    expect(await store.read((tx) => tx.stats())).toMatchObject({ visitors: 0, headSeq: 0 });
    await store.close();
  });

  it('keeps every version for baseData: snapshot by version and by time', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.write(async (tx) => {
      const v1 = await tx.insert({
        id: 'h',
        values,
        version: 1,
        lastModifiedMs: 100,
        deleted: false,
        fieldVersions: {},
      });
      const v2 = await tx.replace(
        {
          ...v1,
          values: { ...values, title: 'two' },
          version: 2,
          lastModifiedMs: 200,
          fieldVersions: { title: 2 },
        },
        v1,
      );
      await tx.replace(
        {
          ...v2,
          values: { ...values, title: 'three' },
          version: 3,
          lastModifiedMs: 300,
          fieldVersions: { title: 3 },
        },
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
      expect((await tx.get('h'))?.fieldVersions).toEqual({ title: 3 });
    });
    await store.close();
  });
});

describe('startServer / stop (embedding)', () => {
  it('runs several servers on free ports and stops them cleanly, even with keep-alive connections', async () => {
    const a = await startServer({ tokens: 'tok-aaaaaaaa:staff' });
    const b = await startServer();
    expect(a.port).not.toBe(b.port);
    expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
    expect(b.generatedToken).toBe(true);
    expect(b.adminToken).toMatch(/^dev-/);
    const me = await fetch(`${b.url}/api/me`, {
      headers: { authorization: `Bearer ${b.adminToken}` },
    });
    expect(await me.json()).toEqual({ role: 'admin', name: 'development' });
    const t0 = performance.now();
    await Promise.all([a.stop(), b.stop()]);
    expect(performance.now() - t0).toBeLessThan(1500);
    await expect(fetch(`${a.url}/api/health`)).rejects.toThrow();
    await a.stop(); // idempotent
    await expect(a.store.read((tx) => tx.stats())).rejects.toThrow(/shutting down/);
  });

  it('lets an in-flight request finish before stopping', async () => {
    const s = await startServer({ tokens: 'tok-bbbbbbbb:admin' });
    const headers = { authorization: 'Bearer tok-bbbbbbbb', 'content-type': 'application/json' };
    await fetch(`${s.url}/api/admin/faults`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ delayResponses: { count: 1, ms: 300 } }),
    });
    const pending = fetch(`${s.url}/api/visitors/bulk-sync`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ operations: [createOp()] }),
    });
    await new Promise((r) => setTimeout(r, 100));
    await s.stop();
    const r = await pending;
    expect(r.status).toBe(200);
    expect(((await r.json()) as Json).results[0].status).toBe('success');
  });

  it('rejects bad options with a clear error', async () => {
    await expect(startServer({ maxOperations: 0 })).rejects.toThrow(/maxOperations/);
    await expect(startServer({ tokens: 'x:staff' })).rejects.toThrow(/token/);
    await expect(startServer({ port: 70000 })).rejects.toThrow(/port/);
  });
});

describe('slow clients', () => {
  it('a client that never finishes its headers gets 408 and is disconnected', async () => {
    const { connect } = await import('node:net');
    const s = await startServer({ timeouts: { headersMs: 300, requestMs: 500 } });
    try {
      const socket = connect(s.port, '127.0.0.1');
      socket.write('POST /api/visitors/bulk-sync HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      const t0 = performance.now();
      await new Promise<void>((resolveClose) => socket.on('close', () => resolveClose()));
      expect(performance.now() - t0).toBeLessThan(3_000);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(received).toMatch(/"code":"timeout"/);
    } finally {
      await s.stop();
    }
  });
});
