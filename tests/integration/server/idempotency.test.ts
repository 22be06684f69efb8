import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createOp, deleteOp, startApi, updateOp, type Api, type Json } from './helpers';

/** opId replays, create dedupe by (X-Client-Id, localId), lost responses, racing clients. */

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

const withOpId = <T extends object>(op: T): T & { opId: string } => ({ ...op, opId: randomUUID() });
const resultsOf = (body: Json) => body.results as Json[];

describe('opId idempotency', () => {
  it('replaying a whole chunk returns the same results and applies nothing twice', async () => {
    api = await startApi();
    await api.fixtures([
      { id: 'i-1', data: { name: 'Jo', title: 'A' } },
      { id: 'i-2', data: { name: 'Mo' } },
    ]);
    const chunk = {
      operations: [
        withOpId(createOp({ company: 'Tech Corp' })),
        withOpId(createOp()),
        withOpId(updateOp('i-1', { title: 'B' }, { baseVersion: 1 })),
        withOpId(deleteOp('i-2', { baseVersion: 1 })),
      ],
    };
    const first = await api.sync(chunk);
    expect(resultsOf(first.body).map((r) => r.status)).toEqual([
      'success',
      'success',
      'success',
      'success',
    ]);
    const stats = await api.stats();
    const record = (await api.request('GET', '/api/visitors/i-1')).body;

    for (let i = 0; i < 3; i++) {
      const again = await api.sync(chunk);
      expect(again.body.results).toEqual(first.body.results); // same serverIds, same versions
      expect(again.body.errors).toEqual([]);
      expect(again.body.conflicts).toEqual([]);
    }
    expect(await api.stats()).toEqual(stats);
    expect((await api.request('GET', '/api/visitors/i-1')).body).toEqual(record);
  });

  it('replayed in parallel, a chunk is still applied once', async () => {
    api = await startApi();
    const chunk = { operations: Array.from({ length: 50 }, () => withOpId(createOp())) };
    const replies = await Promise.all(Array.from({ length: 6 }, () => api!.sync(chunk)));
    for (const r of replies) expect(r.body.results).toEqual(replies[0]!.body.results);
    expect((await api.stats()).visitors).toBe(50);
  });

  it('a replay returns the first result even after the record moved on', async () => {
    api = await startApi();
    const create = withOpId(createOp());
    const first = resultsOf((await api.sync({ operations: [create] })).body)[0]!;
    await api.fixtures([{ id: first.serverId, data: { title: 'Changed since' } }]);
    expect(resultsOf((await api.sync({ operations: [create] })).body)[0]).toEqual(first);
  });

  it('a lost response (connection cut after commit) is safe to retry', async () => {
    api = await startApi();
    await api.admin('POST', '/api/admin/faults', { dropResponses: { count: 1 } });
    const chunk = { operations: Array.from({ length: 10 }, () => withOpId(createOp())) };
    await expect(api.sync(chunk)).rejects.toThrow();
    expect((await api.stats()).visitors).toBe(10); // applied, though the client never heard
    const retry = await api.sync(chunk);
    expect(resultsOf(retry.body).every((r) => r.status === 'success')).toBe(true);
    expect(new Set(resultsOf(retry.body).map((r) => r.serverId)).size).toBe(10);
    expect((await api.stats()).visitors).toBe(10);
  });

  it('conflicts and errors are not remembered: a replay re-evaluates them', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'i-3', data: { name: 'Pat', title: 'A' } }]);
    await api.fixtures([{ id: 'i-3', data: { title: 'B' } }]);
    const op = withOpId(updateOp('i-3', { title: 'C' }, { baseVersion: 1 }));
    expect(resultsOf((await api.sync({ operations: [op] })).body)[0]!.status).toBe('conflict');
    await api.fixtures([{ id: 'i-3', data: { title: 'C' } }]); // the server now agrees
    expect(resultsOf((await api.sync({ operations: [op] })).body)[0]).toMatchObject({
      status: 'success',
      version: 3,
    });
  });

  it('an opId reused for a different operation is an error, not a silent replay', async () => {
    api = await startApi();
    const opId = randomUUID();
    await api.sync({ operations: [{ ...createOp(), opId }] });
    const r = resultsOf((await api.sync({ operations: [{ ...createOp(), opId }] })).body)[0]!;
    expect(r).toMatchObject({ status: 'error', error: { code: 'op_id_reused', retryable: false } });
    expect((await api.stats()).visitors).toBe(1);
  });

  it('a duplicate opId within one request is a 400', async () => {
    api = await startApi();
    const opId = randomUUID();
    const r = await api.sync({
      operations: [
        { ...createOp(), opId },
        { ...createOp(), opId },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'invalid_request',
      message: 'operations[1].opId: repeats the opId of operations[0]',
    });
  });
});

describe('create dedupe by (X-Client-Id, localId) without opId', () => {
  it('the same device re-sending a create gets the first serverId', async () => {
    api = await startApi();
    const op = createOp({ company: 'Tech Corp' });
    const headers = { 'X-Client-Id': 'device-a' };
    const first = resultsOf((await api.sync({ operations: [op] }, { headers })).body)[0]!;
    const again = resultsOf((await api.sync({ operations: [op] }, { headers })).body)[0]!;
    expect(again).toEqual(first);
    expect((await api.stats()).visitors).toBe(1);
    // Another device with the same localId is a different record.
    const other = resultsOf(
      (await api.sync({ operations: [op] }, { headers: { 'X-Client-Id': 'device-b' } })).body,
    )[0]!;
    expect(other.serverId).not.toBe(first.serverId);
    expect((await api.stats()).visitors).toBe(2);
  });

  it('without X-Client-Id or opId a create cannot be recognised (documented): it creates again', async () => {
    api = await startApi();
    const op = createOp();
    await api.sync({ operations: [op] });
    await api.sync({ operations: [op] });
    expect((await api.stats()).visitors).toBe(2);
  });
});

describe('two clients racing on one record', () => {
  it('same field, same base: exactly one wins, the other gets a precise conflict', async () => {
    api = await startApi();
    for (let round = 0; round < 10; round++) {
      const id = `race-${round}`;
      await api.fixtures([{ id, data: { name: 'Quinn', title: 'Base' } }]);
      const [a, b] = await Promise.all([
        api.sync(
          { operations: [withOpId(updateOp(id, { title: 'From A' }, { baseVersion: 1 }))] },
          { headers: { 'X-Client-Id': 'A' } },
        ),
        api.sync(
          { operations: [withOpId(updateOp(id, { title: 'From B' }, { baseVersion: 1 }))] },
          { headers: { 'X-Client-Id': 'B' } },
        ),
      ]);
      const statuses = [a, b].map((r) => resultsOf(r.body)[0]!.status).sort();
      expect(statuses).toEqual(['conflict', 'success']);
      const winner = resultsOf(a.body)[0]!.status === 'success' ? 'From A' : 'From B';
      const loser = [a, b].find((r) => resultsOf(r.body)[0]!.status === 'conflict')!;
      expect(resultsOf(loser.body)[0]!.conflictData).toMatchObject({
        conflictFields: ['title'],
        serverData: { title: winner },
        baseData: { title: 'Base', version: 1 },
        serverVersion: 2,
      });
      expect((await api.request('GET', `/api/visitors/${id}`)).body).toMatchObject({
        title: winner,
        version: 2,
      });
    }
  });

  it('different fields, same base: both apply', async () => {
    api = await startApi();
    await api.fixtures([{ id: 'race-x', data: { name: 'Rae', title: 'T', phone: '+1-555-0000' } }]);
    const [a, b] = await Promise.all([
      api.sync({ operations: [updateOp('race-x', { title: 'New title' }, { baseVersion: 1 })] }),
      api.sync({ operations: [updateOp('race-x', { phone: '+1-555-9999' }, { baseVersion: 1 })] }),
    ]);
    expect([resultsOf(a.body)[0]!.status, resultsOf(b.body)[0]!.status]).toEqual([
      'success',
      'success',
    ]);
    expect((await api.request('GET', '/api/visitors/race-x')).body).toMatchObject({
      title: 'New title',
      phone: '+1-555-9999',
      version: 3,
    });
  });

  it('an update racing a delete: one of update_deleted or delete_modified, never both applied', async () => {
    api = await startApi();
    for (let round = 0; round < 6; round++) {
      const id = `race-d-${round}`;
      await api.fixtures([{ id, data: { name: 'Sol' } }]);
      const [u, d] = await Promise.all([
        api.sync({ operations: [updateOp(id, { title: 'x' }, { baseVersion: 1 })] }),
        api.sync({ operations: [deleteOp(id, { baseVersion: 1 })] }),
      ]);
      const ur = resultsOf(u.body)[0]!;
      const dr = resultsOf(d.body)[0]!;
      if (ur.status === 'success') expect(dr.conflictData.kind).toBe('delete_modified');
      else {
        expect(dr.status).toBe('success');
        expect(ur.conflictData.kind).toBe('update_deleted');
      }
    }
  });
});
