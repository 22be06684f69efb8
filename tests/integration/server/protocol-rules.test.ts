import { afterEach, describe, expect, it } from 'vitest';
import { BulkSyncResponseSchema, MeResponseSchema } from '../../../shared/protocol';
import {
  ADMIN,
  STAFF,
  TestClock,
  createOp,
  deleteOp,
  startApi,
  updateOp,
  type Api,
  type Json,
} from './helpers';

/** Every conflict rule and per-operation error of docs/protocol.md, over HTTP. */

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

async function get(id: string): Promise<Json> {
  return (await api!.request('GET', `/api/visitors/${encodeURIComponent(id)}`)).body;
}

async function one(op: unknown, extra: Json = {}): Promise<Json> {
  const r = await api!.sync({ operations: [op], ...extra });
  expect(r.status).toBe(200);
  expect(BulkSyncResponseSchema.safeParse(r.body).success).toBe(true);
  return r.body.results[0];
}

describe('update with baseVersion: the precise three-way rule', () => {
  it('applies client-only fields, conflicts on exactly the fields both changed, applies nothing then', async () => {
    api = await startApi();
    await api.fixtures([
      { id: 'v-1', data: { name: 'Kim', title: 'Dev', phone: '+1-555-0001', company: 'A' } },
    ]);
    await api.fixtures([{ id: 'v-1', data: { phone: '+1-555-0002' } }]); // another device: v2

    // The client still holds v1 and changes only title: no conflict, phone is kept.
    expect(await one(updateOp('v-1', { title: 'Senior Dev' }, { baseVersion: 1 }))).toMatchObject({
      status: 'success',
      version: 3,
    });
    expect(await get('v-1')).toMatchObject({
      title: 'Senior Dev',
      phone: '+1-555-0002',
      version: 3,
    });

    await api.fixtures([{ id: 'v-1', data: { title: 'Lead' } }]); // another device: v4
    const r = await one(updateOp('v-1', { title: 'Principal', company: 'B' }, { baseVersion: 1 }));
    expect(r).toMatchObject({ status: 'conflict', serverId: 'v-1', version: 4 });
    expect(r.conflictData).toEqual({
      clientData: { title: 'Principal', company: 'B' },
      serverData: { title: 'Lead', company: 'A' },
      conflictFields: ['title'],
      baseData: {
        id: 'v-1',
        name: 'Kim',
        company: 'A',
        email: null,
        title: 'Dev',
        phone: '+1-555-0001',
        interests: [],
        notes: null,
        captureMethod: null,
        capturedAt: null,
        lastModified: expect.any(String),
        version: 1,
      },
      serverVersion: 4,
      kind: 'field',
    });
    // Nothing of the conflicting operation was applied, not even company.
    expect(await get('v-1')).toMatchObject({ title: 'Lead', company: 'A', version: 4 });

    // With the current base the same change goes through.
    expect(
      await one(updateOp('v-1', { title: 'Principal', company: 'B' }, { baseVersion: 4 })),
    ).toMatchObject({ status: 'success', version: 5 });
  });

  it('a value equal to the server’s never conflicts and does not bump the version', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'v-2', data: { name: 'Lou', title: 'Dev' } }]);
    await api.fixtures([{ id: 'v-2', data: { title: 'Lead' } }]);
    expect(await one(updateOp('v-2', { title: 'Lead' }, { baseVersion: 1 }))).toMatchObject({
      status: 'success',
      version: 2,
    });
    expect((await get('v-2')).version).toBe(2);
  });

  it('a baseVersion newer than the server’s is a validation error naming baseVersion', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'v-3', data: { name: 'Ada' } }]);
    const r = await one(updateOp('v-3', { title: 'x' }, { baseVersion: 7 }));
    expect(r).toMatchObject({
      status: 'error',
      serverId: 'v-3',
      error: { code: 'validation', retryable: false },
    });
    expect(r.error.message).toMatch(/^baseVersion: 7 is newer than the server's version 1/);
  });
});

describe('update without baseVersion: the seed’s time rule', () => {
  it('uses lastSyncTimestamp when sent, otherwise the operation’s timestamp', async () => {
    const clock = new TestClock('2023-12-01T08:00:00.000Z');
    api = await startApi({ clock: clock.now });
    await api.fixtures([{ id: 't-1', data: { name: 'Bo', title: 'A' } }]);
    clock.set('2023-12-01T10:00:00.000Z');
    await api.fixtures([{ id: 't-1', data: { title: 'B' } }]);
    clock.set('2023-12-01T11:00:00.000Z');

    // Synced at 09:00, the server changed at 10:00: conflict.
    expect(
      (
        await one(updateOp('t-1', { title: 'C' }, { timestamp: '2023-12-01T10:30:00.000Z' }), {
          lastSyncTimestamp: '2023-12-01T09:00:00.000Z',
        })
      ).status,
    ).toBe('conflict');
    // Synced at 10:00 (not after the change): applied.
    expect(
      (
        await one(updateOp('t-1', { title: 'C' }, { timestamp: '2023-12-01T10:30:00.000Z' }), {
          lastSyncTimestamp: '2023-12-01T10:00:00.000Z',
        })
      ).status,
    ).toBe('success');
    clock.set('2023-12-01T12:00:00.000Z');
    await api.fixtures([{ id: 't-1', data: { title: 'D' } }]);
    // No lastSyncTimestamp: the op's own time decides.
    expect(
      (await one(updateOp('t-1', { title: 'E' }, { timestamp: '2023-12-01T11:30:00.000Z' })))
        .status,
    ).toBe('conflict');
    expect(
      (await one(updateOp('t-1', { title: 'E' }, { timestamp: '2023-12-01T12:30:00.000Z' })))
        .status,
    ).toBe('success');
  });

  it('gives baseData as the record at lastSyncTimestamp when the server still knows it', async () => {
    const clock = new TestClock('2023-12-01T08:00:00.000Z');
    api = await startApi({ clock: clock.now });
    await api.fixtures([{ id: 't-2', data: { name: 'Cy', title: 'A' } }]);
    clock.set('2023-12-01T10:00:00.000Z');
    await api.fixtures([{ id: 't-2', data: { title: 'B' } }]);
    const r = await one(updateOp('t-2', { title: 'C' }), {
      lastSyncTimestamp: '2023-12-01T09:00:00.000Z',
    });
    expect(r.conflictData.baseData).toMatchObject({
      title: 'A',
      version: 1,
      lastModified: '2023-12-01T08:00:00.000Z',
    });
  });
});

describe('deleted and modified records', () => {
  it('update of a record deleted on the server: update_deleted, serverData null', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'd-1', data: { name: 'Di', title: 'A' } }]);
    await api.fixtures([{ id: 'd-1', delete: true }]);
    const r = await one(updateOp('d-1', { title: 'B', notes: 'n' }, { baseVersion: 1 }));
    expect(r).toMatchObject({ status: 'conflict', serverId: 'd-1', version: 2 });
    expect(r.conflictData).toEqual({
      clientData: { title: 'B', notes: 'n' },
      serverData: null,
      conflictFields: ['title', 'notes'],
      baseData: expect.objectContaining({ id: 'd-1', title: 'A', version: 1 }),
      serverVersion: 2,
      kind: 'update_deleted',
    });
  });

  it('delete of a record changed after baseVersion: delete_modified with the whole server record', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'd-2', data: { name: 'Ed', title: 'A', notes: 'x' } }]);
    await api.fixtures([{ id: 'd-2', data: { notes: 'changed online' } }]);
    const r = await one(deleteOp('d-2', { baseVersion: 1 }));
    expect(r).toMatchObject({ status: 'conflict', version: 2 });
    expect(r.conflictData).toMatchObject({
      clientData: {},
      serverData: { id: 'd-2', name: 'Ed', title: 'A', notes: 'changed online', version: 2 },
      conflictFields: ['notes'],
      baseData: { notes: 'x', version: 1 },
      serverVersion: 2,
      kind: 'delete_modified',
    });
    expect((await get('d-2')).deleted).toBeUndefined();
    expect(await one(deleteOp('d-2', { baseVersion: 2 }))).toMatchObject({
      status: 'success',
      version: 3,
    });
    expect(await get('d-2')).toEqual({
      id: 'd-2',
      deleted: true,
      version: 3,
      lastModified: expect.any(String),
    });
  });

  it('delete of a record changed after lastSyncTimestamp: delete_modified', async () => {
    const clock = new TestClock('2023-12-01T08:00:00.000Z');
    api = await startApi({ clock: clock.now });
    await api.fixtures([{ id: 'd-3', data: { name: 'Flo' } }]);
    clock.set('2023-12-01T10:00:00.000Z');
    await api.fixtures([{ id: 'd-3', data: { title: 'New' } }]);
    const r = await one(deleteOp('d-3'), { lastSyncTimestamp: '2023-12-01T09:00:00.000Z' });
    expect(r.conflictData).toMatchObject({
      kind: 'delete_modified',
      conflictFields: ['title'],
      baseData: { version: 1 },
    });
    expect(
      (await one(deleteOp('d-3'), { lastSyncTimestamp: '2023-12-01T10:00:00.000Z' })).status,
    ).toBe('success');
  });

  it('deletes are idempotent: deleting a deleted record succeeds and changes nothing', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'd-4', data: { name: 'Gil' } }]);
    const first = await one(deleteOp('d-4', { baseVersion: 1 }));
    expect(first).toMatchObject({ status: 'success', version: 2 });
    const before = await api.stats();
    expect(await one(deleteOp('d-4', { baseVersion: 1 }))).toMatchObject({
      status: 'success',
      version: 2,
    });
    expect(await one(deleteOp('d-4'))).toMatchObject({ status: 'success', version: 2 });
    expect(await api.stats()).toEqual(before);
  });

  it('update or delete of an unknown serverId: not_found, not retryable', async () => {
    api = await startApi();
    const r = await api.sync({
      operations: [updateOp('nope-1', { title: 'x' }), deleteOp('nope-2')],
    });
    expect(r.body.results.map((x: Json) => x.error)).toEqual([
      { code: 'not_found', message: 'serverId: no record nope-1 on this server', retryable: false },
      { code: 'not_found', message: 'serverId: no record nope-2 on this server', retryable: false },
    ]);
    expect(r.body.errors.map((x: Json) => x.serverId)).toEqual(['nope-1', 'nope-2']);
  });
});

describe('results, errors and timestamps', () => {
  it('one result per operation, in request order; conflicts and errors repeat them', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'o-1', data: { name: 'Hal', title: 'A' } }]);
    await api.fixtures([{ id: 'o-1', data: { title: 'B' } }]);
    const ops = [
      createOp({}, { localId: 'r0' }),
      updateOp('o-1', { title: 'C' }, { localId: 'r1', baseVersion: 1 }),
      createOp({ email: 'bad' }, { localId: 'r2' }),
      updateOp('missing', { title: 'x' }, { localId: 'r3' }),
      createOp({}, { localId: 'r4' }),
      deleteOp('o-1', { localId: 'r5', baseVersion: 2 }),
    ];
    const r = await api.sync({ operations: ops });
    expect(r.body.results.map((x: Json) => [x.localId, x.action, x.status])).toEqual([
      ['r0', 'create', 'success'],
      ['r1', 'update', 'conflict'],
      ['r2', 'create', 'error'],
      ['r3', 'update', 'error'],
      ['r4', 'create', 'success'],
      ['r5', 'delete', 'success'],
    ]);
    expect(r.body.conflicts.map((x: Json) => x.localId)).toEqual(['r1']);
    expect(r.body.conflicts[0].conflictData).toEqual(r.body.results[1].conflictData);
    expect(r.body.errors).toEqual([
      {
        localId: 'r2',
        action: 'create',
        error: {
          code: 'validation',
          message: 'data.email: must be a valid email address',
          retryable: false,
        },
      },
      {
        localId: 'r3',
        serverId: 'missing',
        action: 'update',
        error: { code: 'not_found', message: expect.any(String), retryable: false },
      },
    ]);
  });

  it('validation errors name the field, for every kind of bad data', async () => {
    api = await startApi();
    const r = await api.sync({
      operations: [
        createOp({ email: 'john(at)example' }),
        createOp({ name: '' }),
        createOp({ interests: 'golf' }),
        createOp({ nickname: 'JJ' }),
        createOp({ notes: 'x'.repeat(10_001) }),
        {
          action: 'update',
          localId: 'u',
          timestamp: '2023-12-01T10:30:00.000Z',
          data: { title: 'x' },
        },
      ],
    });
    expect(r.body.results.map((x: Json) => x.error.message)).toEqual([
      'data.email: must be a valid email address',
      'data.name: is required',
      expect.stringMatching(/^data\.interests: /),
      'data.nickname: is not a visitor field',
      'data.notes: must be at most 10000 characters',
      'serverId: is required for update',
    ]);
    expect((await api.stats()).visitors).toBe(0);
  });

  it('syncTimestamp is not before any change it reports and grows from request to request', async () => {
    api = await startApi();
    let last = '';
    for (let i = 0; i < 20; i++) {
      const r = await api.sync({ operations: [createOp()], lastSyncTimestamp: last || null });
      const rec = await get(r.body.results[0].serverId);
      expect(r.body.syncTimestamp >= rec.lastModified).toBe(true);
      expect(r.body.syncTimestamp > last).toBe(true);
      if (last) expect(rec.lastModified > last).toBe(true);
      last = r.body.syncTimestamp;
    }
  });

  it('changes come with the response only when lastSyncTimestamp is sent; first page only', async () => {
    api = await startApi({ changesPageSize: 5, seed: 12 });
    const without = await api.sync({ operations: [createOp()] });
    expect(without.body).not.toHaveProperty('changes');
    const withSync = await api.sync({
      operations: [createOp()],
      lastSyncTimestamp: '2000-01-01T00:00:00.000Z',
    });
    expect(withSync.body.changes.visitors).toHaveLength(5);
    expect(withSync.body.changes.hasMore).toBe(true);
    const rest = await api.changes(`?since=${withSync.body.changes.cursor}&limit=100`);
    expect(rest.body.visitors).toHaveLength(14 - 5);
  });
});

describe('transient trouble on one operation', () => {
  it('a busy database on one op is that op’s retryable error; its writes are undone, neighbours applied', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'x-1', data: { name: 'Ivy', title: 'A' } }]);
    // Fails after the writes of the matching operations (default phase "after").
    await api.admin('POST', '/api/admin/faults', { failOperations: { localIdPrefix: 'busy' } });
    const r = await api.sync({
      operations: [
        createOp({}, { localId: 'a' }),
        createOp({}, { localId: 'busy-1' }),
        updateOp('x-1', { title: 'B' }, { localId: 'busy-2', baseVersion: 1 }),
        updateOp('x-1', { notes: 'kept' }, { localId: 'c', baseVersion: 1 }),
      ],
    });
    expect(r.body.results.map((x: Json) => x.status)).toEqual([
      'success',
      'error',
      'error',
      'success',
    ]);
    expect(r.body.results[1].error).toEqual({
      code: 'database_busy',
      message: 'the database is busy; try again',
      retryable: true,
    });
    expect(r.body.results[2].error.retryable).toBe(true);
    expect(await get('x-1')).toMatchObject({ title: 'A', notes: 'kept', version: 2 });
    expect((await api.stats()).visitors).toBe(2); // x-1 and "a"; busy-1's insert was rolled back
  });

  it('an injected non-retryable error keeps its code; phase "before" fails before anything is read', async () => {
    api = await startApi();
    await api.admin('POST', '/api/admin/faults', {
      failOperations: {
        localIdPrefix: 'p',
        count: 1,
        phase: 'before',
        error: { code: 'policy', message: 'rejected by policy', retryable: false },
      },
    });
    const r = await api.sync({
      operations: [createOp({}, { localId: 'p1' }), createOp({}, { localId: 'p2' })],
    });
    expect(r.body.results[0].error).toEqual({
      code: 'policy',
      message: 'rejected by policy',
      retryable: false,
    });
    expect(r.body.results[1].status).toBe('success');
  });
});

describe('GET /api/me and GET /api/visitors/:id', () => {
  it('says who the token is', async () => {
    api = await startApi();
    const staff = await api.request('GET', '/api/me', { token: STAFF });
    expect(MeResponseSchema.parse(staff.body)).toEqual({ role: 'staff', name: 'Front desk' });
    expect((await api.request('GET', '/api/me', { token: ADMIN })).body).toEqual({
      role: 'admin',
      name: 'Ops',
    });
    expect((await api.request('GET', '/api/me', { token: null })).status).toBe(401);
  });

  it('an unknown record is 404 not_found', async () => {
    api = await startApi();
    const r = await api.request('GET', '/api/visitors/does-not-exist');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});
