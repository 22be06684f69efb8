import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { conflictSides } from '../../../shared/resolve/conflict';
import type { RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { adminPost, consoleFor, rows, server, serverVisitors } from '../sync/helpers';

/**
 * Conflict decisions meet the sync engine and the reference server: the cases
 * a review proved wrong once (a decision overwriting what the console never
 * saw, a visitor re-created twice, a deleted record living on in the mirror,
 * undo resurrecting it). Each is a regression test now.
 */

let srv: RunningServer | undefined;
let core: TestCore | undefined;
let proxy: HookProxy | undefined;
afterEach(async () => {
  core?.dispose();
  await proxy?.close();
  await srv?.stop();
  core = undefined;
  proxy = undefined;
  srv = undefined;
});

/** A pass-through proxy that can run an async hook before forwarding the next bulk-sync. */
interface HookProxy {
  url: string;
  beforeBulk: (() => Promise<void>) | null;
  close(): Promise<void>;
}

async function hookProxy(target: string): Promise<HookProxy> {
  const up = new URL(target);
  const p: HookProxy = { url: '', beforeBulk: null, close: async () => undefined };
  const s: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.url?.startsWith('/api/visitors/bulk-sync') && p.beforeBulk) {
          const hook = p.beforeBulk;
          p.beforeBulk = null;
          await hook();
        }
        const fwd = request(
          {
            host: up.hostname,
            port: up.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        fwd.on('error', () => res.destroy());
        fwd.end(Buffer.concat(chunks));
      })();
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  p.url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  p.close = () =>
    new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    });
  return p;
}

interface Mirrored {
  local_id: string;
  server_id: string;
  server_version: number;
  name: string;
  interests: string;
}

const all = { filter: {} } as const;

describe('conflict decisions meet the sync engine', () => {
  it('a merge decision never silently overwrites a server change the console has not seen', async () => {
    srv = await server({ seed: 7 });
    proxy = await hookProxy(srv.url);
    core = consoleFor(proxy);
    const c = core;
    const s = srv;
    await c.sync.sync();
    const [m] = rows<Mirrored>(
      c,
      'SELECT local_id, server_id, server_version, name, interests FROM visitors ORDER BY server_id LIMIT 1',
    );
    // The console edits the title.
    await c.call('visitors:update', { localId: m!.local_id, patch: { title: 'Ours' } });
    // Between this sync's pull and its push, another device changes title and interests.
    proxy.beforeBulk = async () => {
      await adminPost(s, '/api/admin/visitors', {
        visitors: [{ id: m!.server_id, data: { title: 'Theirs', interests: ['other-device'] } }],
      });
    };
    const first = await c.sync.sync();
    expect(first.conflicts).toBe(1);
    // While the conflict is open, the person also edits the interests.
    await c.call('visitors:update', { localId: m!.local_id, patch: { interests: ['mine'] } });

    // The workspace shows the server's interests as the console's stale base, not ['other-device'].
    const open = await c.call('conflicts:page', { offset: 0, limit: 1 });
    expect(conflictSides(open.rows[0]!.resolvable).server?.interests).not.toEqual(['other-device']);
    const decision = { type: 'resolution', resolution: { strategy: 'merge' } } as const;
    // The console has not seen the server's record at the conflict's version: no decision yet.
    const refused = await c.call('conflicts:apply', { target: all, decision });
    expect(refused).toMatchObject({ resolvable: 0, skipped: 1 });
    expect(refused.skippedReasons[0]!.reason).toMatch(/sync to fetch its record/);
    expect(open.rows[0]!.blocked).toMatch(/sync to fetch its record/);

    // A sync pulls that record (and the queued interests edit conflicts in turn).
    await c.sync.sync();
    const applied = await c.call('conflicts:apply', { target: all, decision });
    expect(applied.skipped).toBe(0);
    expect(applied.resolvable).toBeGreaterThanOrEqual(1);
    const after = await c.sync.sync();
    expect(after).toMatchObject({ conflicts: 0, errors: 0 });
    const onServer = (await serverVisitors(s)).get(m!.server_id)!;
    // Both devices changed interests since the console's base: the merge keeps both.
    expect(onServer.interests).toEqual(expect.arrayContaining(['mine', 'other-device']));
    expect(onServer.title).toBe('Ours');
  });

  it('server_wins after the server deleted the record does not leave a ghost in the mirror', async () => {
    srv = await server({ seed: 8 });
    core = consoleFor(srv);
    const c = core;
    await c.sync.sync();
    const [m] = rows<Mirrored>(
      c,
      'SELECT local_id, server_id, server_version, name, interests FROM visitors ORDER BY server_id LIMIT 1',
    );
    await c.call('visitors:update', { localId: m!.local_id, patch: { title: 'Ours' } });
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [{ id: m!.server_id, data: { title: 'Theirs' } }],
    });
    expect((await c.sync.sync()).conflicts).toBe(1);
    // Another device deletes the record; the pull keeps the dirty local row.
    await adminPost(srv, '/api/admin/visitors', { visitors: [{ id: m!.server_id, delete: true }] });
    await c.sync.sync();

    const r = await c.call('conflicts:apply', {
      target: all,
      decision: { type: 'resolution', resolution: { strategy: 'server_wins' } },
    });
    expect(r.resolvable).toBe(1);
    const s2 = await c.sync.sync();
    expect(s2).toMatchObject({ errors: 0 });
    await c.sync.sync();

    expect((await serverVisitors(srv)).has(m!.server_id)).toBe(false);
    // "The server's record wins": the server has no record, so neither should the mirror.
    const local = rows<{ deleted: number; dirty: number }>(
      c,
      'SELECT deleted, dirty FROM visitors WHERE local_id = ?',
      m!.local_id,
    );
    expect(local, 'a visitor the server deleted lives on, clean, in the mirror').toEqual([]);
  });

  it('two update_deleted conflicts of one record: re-creating from each does not create the visitor twice', async () => {
    srv = await server({ seed: 9 });
    proxy = await hookProxy(srv.url);
    core = consoleFor(proxy);
    const c = core;
    const s = srv;
    await c.sync.sync();
    const [m] = rows<Mirrored>(
      c,
      'SELECT local_id, server_id, server_version, name, interests FROM visitors ORDER BY server_id LIMIT 1',
    );
    await c.call('visitors:update', { localId: m!.local_id, patch: { title: 'Ours 1' } });
    await adminPost(s, '/api/admin/visitors', { visitors: [{ id: m!.server_id, delete: true }] });
    // While the first update is on the wire, the person edits again: a second operation.
    proxy.beforeBulk = async () => {
      await c.call('visitors:update', { localId: m!.local_id, patch: { notes: 'second edit' } });
    };
    const first = await c.sync.sync();
    expect(first.conflicts).toBe(2);
    const ids = rows<{ id: number; kind: string }>(c, 'SELECT id, kind FROM conflicts ORDER BY id');
    expect(ids.map((x) => x.kind)).toEqual(['update_deleted', 'update_deleted']);

    // Keep ours on the first: the visitor is re-created on the server.
    const keep = { type: 'resolution', resolution: { strategy: 'client_wins' } } as const;
    await c.call('conflicts:apply', { target: { ids: [ids[0]!.id] }, decision: keep });
    await c.sync.sync();
    // Later, keep ours on the second as well (it is still open in the workspace).
    const second = await c.call('conflicts:apply', {
      target: { ids: [ids[1]!.id] },
      decision: keep,
    });
    expect(second).toMatchObject({ resolvable: 0, skipped: 1 });
    expect(second.skippedReasons[0]!.reason).toMatch(/re-created on the server/);
    await c.sync.sync();

    const onServer = [...(await serverVisitors(s)).values()].filter((v) => v.name === m!.name);
    expect(onServer, 'the same visitor created twice on the server').toHaveLength(1);
  });

  it('undo does not resurrect a record the server deleted (and a pull removed) since the apply', async () => {
    srv = await server({ seed: 10 });
    core = consoleFor(srv);
    const c = core;
    await c.sync.sync();
    const [m] = rows<Mirrored>(
      c,
      'SELECT local_id, server_id, server_version, name, interests FROM visitors ORDER BY server_id LIMIT 1',
    );
    await c.call('visitors:update', { localId: m!.local_id, patch: { title: 'Ours' } });
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [{ id: m!.server_id, data: { title: 'Theirs' } }],
    });
    expect((await c.sync.sync()).conflicts).toBe(1);
    await c.call('conflicts:apply', {
      target: all,
      decision: { type: 'resolution', resolution: { strategy: 'server_wins' } },
    });
    // Another device deletes it; the next pull removes the (now clean) row.
    await adminPost(srv, '/api/admin/visitors', { visitors: [{ id: m!.server_id, delete: true }] });
    await c.sync.sync();
    expect(rows(c, 'SELECT 1 FROM visitors WHERE local_id = ?', m!.local_id)).toEqual([]);

    // The record changed since the apply (it is gone): undo must refuse, not put it back.
    const last = await c.call('conflicts:lastBatch', {});
    const undo = await c.raw('conflicts:undo', {});
    expect(
      { undoBlocked: last?.undoBlocked ?? null, ok: undo.ok },
      'undo restored a visitor the server deleted',
    ).toMatchObject({ ok: false });
  });
});
