import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { adminPost, consoleFor, rows, server, serverVisitors } from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

describe('a pulled change meets a local unsynced edit', () => {
  it('keeps the local edit, takes the server for the other fields, then the push merges cleanly', async () => {
    srv = await server({ seed: 10 });
    core = consoleFor(srv);
    await core.sync.sync();
    const [target] = rows<{ local_id: string; server_id: string; server_version: number }>(
      core,
      'SELECT local_id, server_id, server_version FROM visitors ORDER BY local_id LIMIT 1',
    );
    await core.call('visitors:update', {
      localId: target!.local_id,
      patch: { title: 'Local Title' },
    });
    // Another device changes other fields of the same record.
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [{ id: target!.server_id, data: { phone: '+1-555-7777', company: 'Server Co' } }],
    });

    // Pull only (the push fails for now): the mirror takes the server's fields, keeps ours.
    srv.faults.set(
      FaultsRequestSchema.parse({
        failRequests: { count: 1, status: 503, retryAfterSeconds: 0, route: 'bulk-sync' },
      }),
    );
    await core.sync.sync();
    const local = await core.call('visitors:get', { localId: target!.local_id });
    expect(local).toMatchObject({
      title: 'Local Title',
      phone: '+1-555-7777',
      company: 'Server Co',
      dirty: true,
      pending: 'update',
    });
    // The queued operation still starts from the version the edit was made on.
    const [op] = await core.call('outbox:forVisitor', { localId: target!.local_id });
    expect(op).toMatchObject({
      baseVersion: target!.server_version,
      data: { title: 'Local Title' },
    });

    await new Promise((r) => setTimeout(r, 30));
    const pushed = await core.sync.sync();
    expect(pushed).toMatchObject({ updated: 1, conflicts: 0, pending: 0, retrying: 0 });
    const onServer = (await serverVisitors(srv)).get(target!.server_id);
    expect(onServer).toMatchObject({
      title: 'Local Title',
      phone: '+1-555-7777',
      company: 'Server Co',
    });
    expect(await core.call('visitors:get', { localId: target!.local_id })).toMatchObject({
      dirty: false,
      pending: null,
    });
  });

  it('a record deleted on the server while edited here stays here, and the push reports update_deleted', async () => {
    srv = await server({ seed: 10 });
    core = consoleFor(srv);
    await core.sync.sync();
    const [target] = rows<{ local_id: string; server_id: string }>(
      core,
      'SELECT local_id, server_id FROM visitors ORDER BY local_id LIMIT 1',
    );
    await core.call('visitors:update', {
      localId: target!.local_id,
      patch: { title: 'Edited meanwhile' },
    });
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [{ id: target!.server_id, delete: true }],
    });
    const summary = await core.sync.sync();
    expect(summary.conflicts).toBe(1);
    expect(rows(core, 'SELECT kind, server_data FROM conflicts')).toEqual([
      { kind: 'update_deleted', server_data: null },
    ]);
    expect(await core.call('visitors:get', { localId: target!.local_id })).toMatchObject({
      title: 'Edited meanwhile',
    });
  });
});
