import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCore, type TestCore } from '../fixtures/core';
import { makeVisitors } from '../fixtures/visitors';

let core: TestCore;
beforeEach(() => {
  core = makeCore();
});
afterEach(() => core.dispose());

/** Reads the file through a second connection: what is there is on disk, not in a cache. */
function onDisk() {
  const db = new Database(core.dbPath, { readonly: true });
  try {
    return {
      visitors: db.prepare('SELECT * FROM visitors ORDER BY local_id').all() as Record<
        string,
        unknown
      >[],
      outbox: (
        db.prepare('SELECT * FROM outbox ORDER BY seq').all() as Record<string, unknown>[]
      ).map((o) => ({
        ...o,
        data: o.data === null ? null : JSON.parse(o.data as string),
      })),
    };
  } finally {
    db.close();
  }
}

const ada = {
  name: 'Ada Lovelace',
  company: 'Analytical Engines',
  email: 'ada@engines.example',
  interests: ['math'],
};

describe('local edits write the mirror and the outbox together', () => {
  it('create → one row, one pending create with the whole record, events sent', async () => {
    const row = await core.call('visitors:create', { values: ada });
    expect(row).toMatchObject({
      ...ada,
      serverId: null,
      version: null,
      dirty: true,
      pending: 'create',
    });
    const disk = onDisk();
    expect(disk.visitors).toHaveLength(1);
    expect(disk.visitors[0]).toMatchObject({
      local_id: row.localId,
      name: 'Ada Lovelace',
      dirty: 1,
      deleted: 0,
    });
    expect(disk.outbox).toHaveLength(1);
    expect(disk.outbox[0]).toMatchObject({
      action: 'create',
      local_id: row.localId,
      status: 'pending',
      attempts: 0,
      base_version: null,
    });
    expect(disk.outbox[0]!.data).toEqual({
      ...ada,
      title: null,
      phone: null,
      notes: null,
      captureMethod: null,
      capturedAt: null,
    });
    expect(core.events.map((e) => e.event)).toEqual(['visitors:changed', 'outbox:changed']);
    expect(core.events[1]!.payload).toMatchObject({ total: 1, create: 1, pending: 1 });
  });

  it('a burst of edits: each view told of each visitor, the counts at once and then the last within 100 ms', async () => {
    const rows = [];
    for (let i = 0; i < 30; i++)
      rows.push(await core.call('visitors:create', { values: { ...ada, name: `Ada ${i}` } }));
    const changedIds = core.events
      .filter((e) => e.event === 'visitors:changed')
      .map((e) => (e.payload as { localIds: string[] }).localIds[0]);
    expect(changedIds).toEqual(rows.map((r) => r.localId));
    const counts = () =>
      core.events
        .filter((e) => e.event === 'outbox:changed')
        .map((e) => (e.payload as { pending: number }).pending);
    // Counting reads every queued operation: not once per edit of a burst.
    expect(counts()[0]).toBe(1);
    expect(counts().length).toBeLessThan(30);
    await new Promise((r) => setTimeout(r, 150));
    expect(counts().at(-1)).toBe(30);
  });

  it('create + update → still one create, carrying the new values', async () => {
    const { localId } = await core.call('visitors:create', { values: ada });
    await core.call('visitors:update', { localId, patch: { title: 'Countess' } });
    const { outbox } = onDisk();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ action: 'create' });
    expect(outbox[0]!.data).toMatchObject({ title: 'Countess', name: 'Ada Lovelace' });
  });

  it('create + update + delete → nothing left: no row, no operation', async () => {
    const { localId } = await core.call('visitors:create', { values: ada });
    await core.call('visitors:update', { localId, patch: { title: 'Countess' } });
    await expect(core.call('visitors:delete', { localId })).resolves.toEqual({
      localId,
      outcome: 'removed',
    });
    expect(onDisk()).toEqual({ visitors: [], outbox: [] });
    expect(await core.call('outbox:counts', {})).toMatchObject({ total: 0 });
  });

  describe('on a record mirrored from the server', () => {
    const [server] = makeVisitors(1);
    beforeEach(() => core.mirror([{ ...server!, version: 4 }]));

    it('update → one update with only the changed fields and baseVersion = server version', async () => {
      const row = await core.call('visitors:update', {
        localId: server!.id,
        patch: { title: 'Senior Developer', phone: server!.phone },
      });
      expect(row).toMatchObject({ title: 'Senior Developer', dirty: true, pending: 'update' });
      const { outbox } = onDisk();
      expect(outbox).toHaveLength(1);
      expect(outbox[0]).toMatchObject({ action: 'update', server_id: server!.id, base_version: 4 });
      expect(outbox[0]!.data).toEqual({ title: 'Senior Developer' });
    });

    it('an edit sets only the columns it changes: other columns, their indexes and search rows stay as they were', async () => {
      // SQLite rewrites a column's index entries for every column named in
      // SET, changed or not; a trigger "UPDATE OF" a column shows it was named.
      core.db.exec(`
        CREATE TEMP TABLE touched (col TEXT);
        CREATE TEMP TRIGGER t_name AFTER UPDATE OF name ON visitors BEGIN INSERT INTO touched VALUES ('name'); END;
        CREATE TEMP TRIGGER t_company AFTER UPDATE OF company ON visitors BEGIN INSERT INTO touched VALUES ('company'); END;
        CREATE TEMP TRIGGER t_title AFTER UPDATE OF title ON visitors BEGIN INSERT INTO touched VALUES ('title'); END;
        CREATE TEMP TRIGGER t_phone AFTER UPDATE OF phone ON visitors BEGIN INSERT INTO touched VALUES ('phone'); END;
        CREATE TEMP TRIGGER t_dirty AFTER UPDATE OF dirty ON visitors BEGIN INSERT INTO touched VALUES ('dirty'); END;
      `);
      const touched = () =>
        (core.db.prepare('SELECT col FROM touched').all() as { col: string }[]).map((r) => r.col);
      await core.call('visitors:update', {
        localId: server!.id,
        patch: { title: 'Chief Analyst', phone: server!.phone },
      });
      expect(touched()).toEqual(['title', 'dirty']);
      core.db.exec('DELETE FROM touched');
      await core.call('visitors:update', { localId: server!.id, patch: { phone: null } });
      expect(touched()).toEqual(['phone']); // already dirty
      const row = await core.call('visitors:get', { localId: server!.id });
      expect(row).toMatchObject({
        name: server!.name,
        company: server!.company,
        title: 'Chief Analyst',
        phone: null,
        dirty: true,
      });
      const found = (search: string) => core.call('visitors:count', { search });
      await expect(found('Chief Analyst')).resolves.toEqual({ total: 1 });
      await expect(found(server!.name)).resolves.toEqual({ total: 1 });
      await core.call('visitors:update', { localId: server!.id, patch: { title: 'Archivist' } });
      await expect(found('Chief Analyst')).resolves.toEqual({ total: 0 });
      await expect(found('Archivist')).resolves.toEqual({ total: 1 });
      const check = core.db.prepare(
        "INSERT INTO visitors_fts (visitors_fts) VALUES ('integrity-check')",
      );
      expect(() => check.run()).not.toThrow();
    });

    it('update + update → one update with both fields; undoing both removes it', async () => {
      await core.call('visitors:update', { localId: server!.id, patch: { title: 'Lead' } });
      await core.call('visitors:update', {
        localId: server!.id,
        patch: { interests: ['technology', 'programming', 'AI'] },
      });
      let { outbox, visitors } = onDisk();
      expect(outbox).toHaveLength(1);
      expect(outbox[0]!.data).toEqual({
        title: 'Lead',
        interests: ['technology', 'programming', 'AI'],
      });
      await core.call('visitors:update', {
        localId: server!.id,
        patch: { title: server!.title, interests: server!.interests },
      });
      ({ outbox, visitors } = onDisk());
      expect(outbox).toEqual([]);
      expect(visitors[0]).toMatchObject({ dirty: 0 });
    });

    it('update + delete → one delete keeping the base version; the row is hidden, not lost', async () => {
      await core.call('visitors:update', { localId: server!.id, patch: { title: 'Lead' } });
      await expect(core.call('visitors:delete', { localId: server!.id })).resolves.toMatchObject({
        outcome: 'queued',
      });
      const { outbox, visitors } = onDisk();
      expect(outbox).toHaveLength(1);
      expect(outbox[0]).toMatchObject({
        action: 'delete',
        data: null,
        base_version: 4,
        server_id: server!.id,
      });
      expect(visitors[0]).toMatchObject({ deleted: 1, dirty: 1 });
      expect(await core.call('visitors:count', { search: '' })).toEqual({ total: 0 });
      await expect(
        core.call('visitors:update', { localId: server!.id, patch: { title: 'x' } }),
      ).rejects.toMatchObject({ code: 'visitor_not_found' });
    });

    it('never rewrites an operation that was already sent: a later edit queues a new one', async () => {
      await core.call('visitors:update', { localId: server!.id, patch: { title: 'Lead' } });
      core.db.prepare("UPDATE outbox SET status = 'retrying', attempts = 1").run();
      await core.call('visitors:update', { localId: server!.id, patch: { phone: '+1-555-0000' } });
      const { outbox } = onDisk();
      expect(outbox).toHaveLength(2);
      expect(outbox[0]!.data).toEqual({ title: 'Lead' });
      expect(outbox[1]).toMatchObject({ action: 'update', status: 'pending', base_version: 4 });
      expect(outbox[1]!.data).toEqual({ title: 'Lead', phone: '+1-555-0000' });
    });

    it('shows the queued operations of one visitor', async () => {
      await core.call('visitors:update', { localId: server!.id, patch: { title: 'Lead' } });
      const ops = await core.call('outbox:forVisitor', { localId: server!.id });
      expect(ops).toEqual([
        expect.objectContaining({
          action: 'update',
          data: { title: 'Lead' },
          baseVersion: 4,
          status: 'pending',
          attempts: 0,
          lastError: null,
        }),
      ]);
    });
  });

  it('refuses an invalid edit with a validation error naming the field, and changes nothing', async () => {
    const { localId } = await core.call('visitors:create', { values: ada });
    const before = onDisk();
    const r = await core.raw('visitors:update', { localId, patch: { email: 'not-an-email' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', retryable: false } });
    expect(!r.ok && r.error.message).toContain('patch.email: must be a valid email address');
    expect(onDisk()).toEqual(before);
  });

  it('is all or nothing: if the outbox write fails, the mirror row is not written either', async () => {
    core.db.exec(
      "CREATE TRIGGER boom BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END",
    );
    const r = await core.raw('visitors:create', { values: ada });
    expect(r).toMatchObject({ ok: false, error: { code: 'db_error' } });
    expect(onDisk()).toEqual({ visitors: [], outbox: [] });
  });

  it('reports a full disk in words and keeps what was there', async () => {
    await core.call('visitors:create', { values: ada });
    const before = onDisk();
    const pages = core.db.pragma('page_count', { simple: true }) as number;
    core.db.pragma(`max_page_count = ${pages}`);
    const big = { name: 'Big', notes: 'n'.repeat(9_000) };
    let r;
    for (let i = 0; i < 20; i++) {
      r = await core.raw('visitors:create', { values: big });
      if (!r.ok) break;
    }
    expect(r).toMatchObject({ ok: false, error: { code: 'db_disk_full', retryable: true } });
    const after = onDisk();
    expect(after.visitors.length).toBe(after.outbox.length);
    expect(after.visitors.slice(0, before.visitors.length)).toEqual(before.visitors);
  });
});
