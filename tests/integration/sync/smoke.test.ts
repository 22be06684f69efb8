import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../../../electron/core/sync/transport';
import { BulkSyncResponseSchema } from '../../../shared/protocol';
import type { RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { STAFF, consoleFor, rows, server, serverVisitors } from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

describe('sync engine against the reference server', () => {
  it('mirrors, pushes a create, an update and a delete, and settles each', async () => {
    srv = await server({ seed: 300 });
    core = consoleFor(srv);
    const first = await core.sync.sync();
    expect(first).toMatchObject({ outcome: 'success', pulled: 300, created: 0 });
    expect(rows(core, 'SELECT count(*) AS n FROM visitors')).toEqual([{ n: 300 }]);

    const created = await core.call('visitors:create', {
      values: { name: 'Alice Johnson', company: 'Innovation Labs', interests: ['AI'] },
    });
    const [target, gone] = rows<{ local_id: string; server_id: string }>(
      core,
      'SELECT local_id, server_id FROM visitors WHERE server_id IS NOT NULL ORDER BY local_id LIMIT 2',
    );
    await core.call('visitors:update', {
      localId: target!.local_id,
      patch: { title: 'Senior Developer' },
    });
    await core.call('visitors:delete', { localId: gone!.local_id });

    const second = await core.sync.sync();
    expect(second).toMatchObject({
      outcome: 'success',
      created: 1,
      updated: 1,
      deleted: 1,
      pending: 0,
      retrying: 0,
      failed: 0,
    });
    expect(rows(core, 'SELECT * FROM outbox')).toEqual([]);
    const mine = rows<{ server_id: string; dirty: number; server_version: number }>(
      core,
      'SELECT * FROM visitors WHERE local_id = ?',
      created.localId,
    )[0]!;
    expect(mine.server_id).toBeTruthy();
    expect(mine.dirty).toBe(0);

    const onServer = await serverVisitors(srv);
    expect(onServer.size).toBe(300);
    expect(onServer.get(mine.server_id)).toMatchObject({
      name: 'Alice Johnson',
      company: 'Innovation Labs',
    });
    expect(onServer.get(target!.server_id)).toMatchObject({ title: 'Senior Developer' });
    expect(onServer.has(gone!.server_id)).toBe(false);

    // Nothing changes on a third run, and our own pushes do not come back as conflicts.
    const third = await core.sync.sync();
    // Our own pushes come back through the feed but are not counted as received.
    expect(third).toMatchObject({
      outcome: 'success',
      pulled: 0,
      created: 0,
      updated: 0,
      conflicts: 0,
    });
  });

  it('sends gzip (level 1) bodies the server inflates, as it does for remote servers', async () => {
    srv = await server();
    const operations = Array.from({ length: 150 }, (_, i) => ({
      action: 'create',
      localId: `gz-${i}`,
      opId: randomUUID(),
      timestamp: '2026-01-01T00:00:00.000Z',
      data: { name: `Gzip ${i}`, notes: 'n'.repeat(200) },
    }));
    const body = JSON.stringify({ operations });
    const r = await send(new URL('/api/visitors/bulk-sync', srv.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${STAFF}`, 'content-type': 'application/json' },
      body,
      gzip: true,
      timeoutMs: 10_000,
    });
    expect(r.ok && r.reply.status).toBe(200);
    // Compressed: far fewer bytes on the wire than the JSON.
    expect(r.ok && r.reply.bytesSent).toBeLessThan(Buffer.byteLength(body) / 3);
    const parsed = BulkSyncResponseSchema.parse(JSON.parse(r.ok ? r.reply.body.toString() : '{}'));
    expect(parsed.results.every((x) => x.status === 'success')).toBe(true);
  });
});
