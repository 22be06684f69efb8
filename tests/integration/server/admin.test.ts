import { afterEach, describe, expect, it } from 'vitest';
import { SimulateResponseSchema } from '../../../shared/protocol';
import { STAFF, createOp, startApi, updateOp, type Api, type Json } from './helpers';

/** Admin endpoints: the field-activity simulator, fault hooks, fixtures, stats. */

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

describe('POST /api/admin/simulate', () => {
  it('edits, deletes and creates as other devices would, and reports what it did', async () => {
    api = await startApi({ seed: 50 });
    const r = await api.admin('POST', '/api/admin/simulate', {
      edits: 10,
      deletes: 3,
      creates: 4,
      seedValue: 9,
    });
    expect(r.status).toBe(200);
    const sim = SimulateResponseSchema.parse(r.body);
    expect(sim.counts).toEqual({ edits: 10, deletes: 3, creates: 4 });
    const touched = [...sim.edited, ...sim.deleted].map((x) => x.id);
    expect(new Set(touched).size).toBe(13); // distinct records
    expect(await api.stats()).toMatchObject({ visitors: 50 - 3 + 4, tombstones: 3 });
    for (const e of sim.edited) {
      const v = (await api.request('GET', `/api/visitors/${e.id}`)).body;
      expect(v.version).toBe(2);
      expect(e.fields!.length).toBeGreaterThanOrEqual(1);
    }
    for (const d of sim.deleted)
      expect((await api.request('GET', `/api/visitors/${d.id}`)).body.deleted).toBe(true);
  });

  it('is repeatable with a seedValue', async () => {
    const runs: Json[] = [];
    for (let i = 0; i < 2; i++) {
      api = await startApi({ seed: 40, seedValue: 2 });
      const r = await api.admin('POST', '/api/admin/simulate', {
        edits: 8,
        deletes: 2,
        seedValue: 77,
      });
      const values = await Promise.all(
        r.body.edited.map(
          async (e: Json) => (await api!.request('GET', `/api/visitors/${e.id}`)).body,
        ),
      );
      runs.push({
        edited: r.body.edited,
        deleted: r.body.deleted,
        values: values.map(({ lastModified: _l, ...v }) => v),
      });
      await api.stop();
      api = undefined;
    }
    expect(runs[0]).toEqual(runs[1]);
  });

  it('changes only the requested fields; never more records than exist', async () => {
    api = await startApi({ seed: 5 });
    const r = await api.admin('POST', '/api/admin/simulate', { edits: 50, fields: ['title'] });
    expect(r.body.counts.edits).toBe(5);
    for (const e of r.body.edited) expect(e.fields).toEqual(['title']);
  });

  it('its edits give a client holding the old base a precise three-way conflict', async () => {
    api = await startApi({ seed: 10 });
    const r = await api.admin('POST', '/api/admin/simulate', {
      edits: 1,
      fields: ['title', 'phone'],
      seedValue: 4,
    });
    const { id, fields } = r.body.edited[0];
    const changedField = fields[0] as string;
    // A client at version 1 edits the same field: conflict on exactly it, with the base.
    const same = await api.sync({
      operations: [updateOp(id, { [changedField]: 'Client value 42' }, { baseVersion: 1 })],
    });
    expect(same.body.results[0]).toMatchObject({
      status: 'conflict',
      conflictData: {
        conflictFields: [changedField],
        kind: 'field',
        serverVersion: 2,
        baseData: { version: 1 },
      },
    });
    // The same client editing a field nobody else touched goes through.
    const other = await api.sync({
      operations: [updateOp(id, { notes: 'Only I changed this' }, { baseVersion: 1 })],
    });
    expect(other.body.results[0]).toMatchObject({ status: 'success', version: 3 });
  });

  it('validates its body', async () => {
    api = await startApi();
    for (const body of [
      { edits: 'many' },
      { edits: 10_001 },
      { fields: ['shoeSize'] },
      { fields: [] },
      { seedValue: -1 },
    ]) {
      const r = await api.admin('POST', '/api/admin/simulate', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
    }
  });

  it('runs on a timer with simulateEveryMs', async () => {
    api = await startApi({ seed: 20, simulateEveryMs: 20, simulateRound: { edits: 1 } });
    const start = (await api.stats()).headSeq;
    await new Promise((r) => setTimeout(r, 200));
    expect((await api.stats()).headSeq).toBeGreaterThan(start);
  });
});

describe('fault hooks', () => {
  it('failRequests: the next N bulk-syncs get 503 with Retry-After, then normal service', async () => {
    api = await startApi();
    const set = await api.admin('POST', '/api/admin/faults', {
      failRequests: { count: 2, retryAfterSeconds: 3 },
    });
    expect(set.body.faults.failRequests).toEqual({
      count: 2,
      status: 503,
      retryAfterSeconds: 3,
      route: 'bulk-sync',
    });
    for (let i = 0; i < 2; i++) {
      const r = await api.sync({ operations: [createOp()] });
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('3');
      expect(r.body.error).toMatchObject({ code: 'unavailable', retryable: true });
    }
    expect((await api.stats()).visitors).toBe(0); // nothing applied
    expect((await api.changes()).status).toBe(200); // other routes unaffected
    expect((await api.sync({ operations: [createOp()] })).status).toBe(200);
    expect((await api.admin('GET', '/api/admin/faults')).body.faults.failRequests).toBeNull();
  });

  it('failRequests can target the change feed with another status', async () => {
    api = await startApi();
    await api.admin('POST', '/api/admin/faults', {
      failRequests: { count: 1, status: 429, route: 'changes' },
    });
    expect((await api.changes()).status).toBe(429);
    expect((await api.changes()).status).toBe(200);
  });

  it('delayResponses holds the next response after applying', async () => {
    api = await startApi();
    await api.admin('POST', '/api/admin/faults', { delayResponses: { count: 1, ms: 300 } });
    const t0 = performance.now();
    const r = await api.sync({ operations: [createOp()] });
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('delayResponses with skip answers that many at once, then holds the next until its client hangs up', async () => {
    // One sync slot: a held reply keeps it, so a 503 shows the hold without a clock.
    api = await startApi({ maxConcurrentSyncs: 1 });
    await api.admin('POST', '/api/admin/faults', {
      delayResponses: { skip: 1, count: 1, ms: 120_000 },
    });
    expect((await api.sync({ operations: [createOp()] })).status).toBe(200);
    expect((await api.admin('GET', '/api/admin/faults')).body.faults.delayResponses).toEqual({
      skip: 0,
      count: 1,
      ms: 120_000,
    });
    const hangUp = new AbortController();
    const held = fetch(`${api.url}/api/visitors/bulk-sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STAFF}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operations: [createOp()] }),
      signal: hangUp.signal,
    });
    held.catch(() => undefined);
    // Applied, and now held: the fault is spent and the slot taken.
    while ((await api.admin('GET', '/api/admin/faults')).body.faults.delayResponses !== null);
    expect((await api.sync({ operations: [createOp()] })).status).toBe(503);
    hangUp.abort();
    await expect(held).rejects.toThrow();
    // The hold ends with its client: the slot is free long before the 120 s.
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = (await api.sync({ operations: [createOp()] })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
    expect(await api.stats()).toMatchObject({ visitors: 3 });
  });

  it('failOperations with a count fails that many matching operations', async () => {
    api = await startApi();
    await api.admin('POST', '/api/admin/faults', {
      failOperations: { localIdPrefix: 'f-', count: 2 },
    });
    const r = await api.sync({
      operations: ['f-1', 'g-1', 'f-2', 'f-3'].map((localId) => createOp({}, { localId })),
    });
    expect(r.body.results.map((x: Json) => x.status)).toEqual([
      'error',
      'success',
      'error',
      'success',
    ]);
  });

  it('DELETE clears every fault; validation rejects unknown sections', async () => {
    api = await startApi();
    await api.admin('POST', '/api/admin/faults', {
      failRequests: { count: 5 },
      dropResponses: { count: 1 },
    });
    const cleared = await api.admin('DELETE', '/api/admin/faults');
    expect(cleared.body.faults).toEqual({
      failRequests: null,
      dropResponses: null,
      delayResponses: null,
      failOperations: null,
      refuseChunks: null,
    });
    expect((await api.sync({ operations: [createOp()] })).status).toBe(200);
    const bad = await api.admin('POST', '/api/admin/faults', { crashServer: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/crashServer/);
  });
});

describe('fixtures and stats', () => {
  it('writes records with chosen ids, edits and deletes them; all or nothing', async () => {
    api = await startApi();
    const made = await api.fixtures([
      { id: 'fx-1', data: { name: 'Una' } },
      { id: 'fx-1', data: { title: 'Boss' } },
      { id: 'fx-2', data: { name: 'Vic' } },
      { id: 'fx-2', delete: true },
    ]);
    expect(made.map((v: Json) => [v.id, v.version, v.deleted ?? false])).toEqual([
      ['fx-1', 1, false],
      ['fx-1', 2, false],
      ['fx-2', 1, false],
      ['fx-2', 2, true],
    ]);
    const before = await api.stats();
    const bad = await api.admin('POST', '/api/admin/visitors', {
      visitors: [
        { id: 'fx-3', data: { name: 'Wes' } },
        { id: 'fx-4', data: { name: 'X', email: 'broken' } },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('visitors[1].data.email: must be a valid email address');
    expect(await api.stats()).toEqual(before);
  });

  it('stats count live records, tombstones, history and applied operations', async () => {
    api = await startApi({ seed: 3 });
    await api.sync({ operations: [{ ...createOp(), opId: 'op-1' }] });
    expect(await api.stats()).toEqual({
      visitors: 4,
      tombstones: 0,
      historyRows: 0,
      appliedOps: 1,
      headSeq: 4,
    });
  });
});

describe('load shedding', () => {
  it('more concurrent bulk-syncs than maxConcurrentSyncs get 503 with Retry-After', async () => {
    api = await startApi({ maxConcurrentSyncs: 1 });
    await api.admin('POST', '/api/admin/faults', { delayResponses: { count: 1, ms: 300 } });
    const slow = api.sync({ operations: [createOp()] });
    await new Promise((r) => setTimeout(r, 100));
    const shed = await api.sync({ operations: [createOp()] });
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.body.error).toMatchObject({ code: 'unavailable', retryable: true });
    expect((await slow).status).toBe(200);
    expect((await api.sync({ operations: [createOp()] })).status).toBe(200);
  });
});
