import { afterEach, describe, expect, it } from 'vitest';
import { BulkSyncResponseSchema, ChangePageSchema } from '../../../shared/protocol';
import { TestClock, startApi, type Api, type Json } from './helpers';

/**
 * Every example request and response of the sync system's original
 * description (the "seed": its basic operations, conflict scenarios and
 * advanced patterns, restated below as the requests and the answers it
 * shows), against the running server. Responses are compared field for field
 * with the seed's after removing only the ext fields docs/protocol.md adds
 * (result.version, conflictData.baseData/serverVersion/kind, changes).
 */

function stripConflictExt(cd: Json): Json {
  const { baseData: _b, serverVersion: _s, kind: _k, ...rest } = cd;
  return rest;
}

function stripExt(response: Json): Json {
  const { changes: _c, ...top } = response;
  return {
    ...top,
    results: top.results.map((r: Json) => {
      const { version: _v, ...rest } = r;
      return rest.conflictData
        ? { ...rest, conflictData: stripConflictExt(rest.conflictData) }
        : rest;
    }),
    conflicts: top.conflicts.map((c: Json) => ({
      ...c,
      conflictData: stripConflictExt(c.conflictData),
    })),
  };
}

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

describe('seed: Basic Sync Operations', () => {
  it('1. Simple Create Operation answers as the seed shows', async () => {
    const clock = new TestClock('2023-12-01T10:35:00.000Z');
    api = await startApi({ clock: clock.now });
    const newVisitor = {
      name: 'John Smith',
      company: 'Tech Corp',
      email: 'john@techcorp.com',
      interests: ['technology', 'innovation'],
      captureMethod: 'business_card',
      capturedAt: '2023-12-01T10:30:00.000Z',
    };
    const syncRequest = {
      operations: [
        {
          action: 'create',
          localId: 'local_123456',
          timestamp: '2023-12-01T10:30:00.000Z',
          data: newVisitor,
        },
      ],
      lastSyncTimestamp: '2023-12-01T09:00:00.000Z',
    };
    const r = await api.sync(syncRequest);
    expect(r.status).toBe(200);
    expect(BulkSyncResponseSchema.safeParse(r.body).success).toBe(true);
    expect(stripExt(r.body)).toEqual({
      success: true,
      results: [
        {
          localId: 'local_123456',
          serverId: expect.any(String),
          action: 'create',
          status: 'success',
        },
      ],
      conflicts: [],
      errors: [],
      syncTimestamp: '2023-12-01T10:35:00.000Z',
    });
    // ext: the version, and the changes since lastSyncTimestamp (the new record).
    const serverId = r.body.results[0].serverId as string;
    expect(r.body.results[0].version).toBe(1);
    expect(ChangePageSchema.parse(r.body.changes).visitors.map((v) => v.id)).toEqual([serverId]);
    const stored = await api.request('GET', `/api/visitors/${serverId}`);
    expect(stored.body).toEqual({
      id: serverId,
      ...newVisitor,
      title: null,
      phone: null,
      notes: null,
      lastModified: '2023-12-01T10:35:00.000Z',
      version: 1,
    });
  });

  it('2. Bulk Mixed Operations answers as the seed shows (create, conflicting update, delete)', async () => {
    const clock = new TestClock('2023-12-01T08:00:00.000Z');
    api = await startApi({ clock: clock.now });
    // Setup: both records existed before the client's last sync (09:00) ...
    await api.fixtures([
      {
        id: 'uuid-existing-456',
        data: { name: 'Jordan Lee', title: 'Developer', interests: ['technology'] },
      },
      { id: 'uuid-to-delete-789', data: { name: 'Sam Doe', company: 'Old Co' } },
    ]);
    // ... then another user changed uuid-existing-456 online at 10:00.
    clock.set('2023-12-01T10:00:00.000Z');
    await api.fixtures([
      {
        id: 'uuid-existing-456',
        data: { title: 'Lead Developer', interests: ['technology', 'leadership'] },
      },
    ]);
    clock.set('2023-12-01T11:20:00.000Z');

    const bulkSyncRequest = {
      operations: [
        {
          action: 'create',
          localId: 'local_001',
          timestamp: '2023-12-01T10:30:00.000Z',
          data: {
            name: 'Alice Johnson',
            company: 'Innovation Labs',
            interests: ['AI', 'machine learning'],
            captureMethod: 'event_badge',
            capturedAt: '2023-12-01T10:30:00.000Z',
          },
        },
        {
          action: 'update',
          localId: 'local_002',
          serverId: 'uuid-existing-456',
          timestamp: '2023-12-01T11:00:00.000Z',
          data: { title: 'Senior Developer', interests: ['technology', 'programming', 'AI'] },
        },
        {
          action: 'delete',
          localId: 'local_003',
          serverId: 'uuid-to-delete-789',
          timestamp: '2023-12-01T11:15:00.000Z',
        },
      ],
      lastSyncTimestamp: '2023-12-01T09:00:00.000Z',
    };
    const r = await api.sync(bulkSyncRequest);
    expect(r.status).toBe(200);
    expect(BulkSyncResponseSchema.safeParse(r.body).success).toBe(true);
    const conflictData = {
      clientData: { title: 'Senior Developer', interests: ['technology', 'programming', 'AI'] },
      serverData: { title: 'Lead Developer', interests: ['technology', 'leadership'] },
      conflictFields: ['title', 'interests'],
    };
    expect(stripExt(r.body)).toEqual({
      success: true,
      results: [
        { localId: 'local_001', serverId: expect.any(String), action: 'create', status: 'success' },
        {
          localId: 'local_002',
          serverId: 'uuid-existing-456',
          action: 'update',
          status: 'conflict',
          conflictData,
        },
        {
          localId: 'local_003',
          serverId: 'uuid-to-delete-789',
          action: 'delete',
          status: 'success',
        },
      ],
      conflicts: [{ localId: 'local_002', serverId: 'uuid-existing-456', conflictData }],
      errors: [],
      syncTimestamp: '2023-12-01T11:20:00.000Z',
    });
    // ext fields: versions, the base the client changed from, the kind.
    expect(r.body.results.map((x: Json) => x.version)).toEqual([1, 2, 2]);
    expect(r.body.results[1].conflictData).toMatchObject({
      serverVersion: 2,
      kind: 'field',
      baseData: {
        id: 'uuid-existing-456',
        title: 'Developer',
        interests: ['technology'],
        version: 1,
      },
    });
    // The conflicting update applied nothing; the delete did.
    expect((await api.request('GET', '/api/visitors/uuid-existing-456')).body).toMatchObject({
      title: 'Lead Developer',
      interests: ['technology', 'leadership'],
      version: 2,
    });
    expect((await api.request('GET', '/api/visitors/uuid-to-delete-789')).body).toEqual({
      id: 'uuid-to-delete-789',
      deleted: true,
      version: 2,
      lastModified: '2023-12-01T11:20:00.000Z',
    });
  });
});

describe('seed: Conflict Resolution Scenarios', () => {
  /** A record the client synced at 10:00, which another user changed at 10:25. */
  async function scenario(base: Json, online: Json): Promise<{ api: Api; lastSync: string }> {
    const clock = new TestClock('2023-12-01T09:00:00.000Z');
    api = await startApi({ clock: clock.now });
    await api.fixtures([{ id: 'uuid-456', data: base }]);
    clock.set('2023-12-01T10:25:00.000Z');
    await api.fixtures([{ id: 'uuid-456', data: online }]);
    clock.set('2023-12-01T10:35:00.000Z');
    return { api, lastSync: '2023-12-01T10:00:00.000Z' };
  }

  it('Scenario 1: a simple field conflict names only title; the three resolutions apply', async () => {
    const { api, lastSync } = await scenario(
      { name: 'John Smith', title: 'Manager', company: 'Tech Corp' },
      { title: 'Director of Operations' },
    );
    // The client sends its whole record, as the seed's clientData shows; identical fields do not conflict.
    const clientData = { name: 'John Smith', title: 'Senior Manager', company: 'Tech Corp' };
    const r = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'local_123',
          serverId: 'uuid-456',
          timestamp: '2023-12-01T10:30:00.000Z',
          data: clientData,
        },
      ],
      lastSyncTimestamp: lastSync,
    });
    expect(r.body.conflicts).toHaveLength(1);
    const conflict = r.body.conflicts[0];
    expect(conflict.localId).toBe('local_123');
    expect(conflict.serverId).toBe('uuid-456');
    expect(conflict.conflictData.conflictFields).toEqual(['title']);
    expect(conflict.conflictData.clientData).toEqual(clientData);
    expect(conflict.conflictData.serverData).toEqual({
      name: 'John Smith',
      title: 'Director of Operations',
      company: 'Tech Corp',
    });

    // Option 1, server wins: the client keeps the server's data; nothing to send. Option 2, client wins:
    const serverVersion = conflict.conflictData.serverVersion as number;
    const clientWins = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'local_123',
          serverId: 'uuid-456',
          timestamp: '2023-12-01T10:36:00.000Z',
          data: { title: 'Senior Manager' },
          baseVersion: serverVersion,
        },
      ],
    });
    expect(clientWins.body.results[0]).toMatchObject({
      status: 'success',
      version: serverVersion + 1,
    });
    expect((await api.request('GET', '/api/visitors/uuid-456')).body.title).toBe('Senior Manager');
    // Option 3, manual: a compromise title and notes recording both.
    const manual = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'local_123',
          serverId: 'uuid-456',
          timestamp: '2023-12-01T10:37:00.000Z',
          data: {
            title: 'Senior Director',
            notes: 'Previous titles: Senior Manager (client), Director of Operations (server)',
          },
          baseVersion: serverVersion + 1,
        },
      ],
    });
    expect(manual.body.results[0].status).toBe('success');
    expect((await api.request('GET', '/api/visitors/uuid-456')).body).toMatchObject({
      title: 'Senior Director',
      notes: 'Previous titles: Senior Manager (client), Director of Operations (server)',
    });
  });

  it('Scenario 2: an array merge conflict, resolved by the merged list', async () => {
    const { api, lastSync } = await scenario(
      { name: 'Ana', interests: ['technology', 'innovation'] },
      { interests: ['technology', 'innovation', 'leadership', 'management'] },
    );
    const r = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'local_9',
          serverId: 'uuid-456',
          timestamp: '2023-12-01T10:30:00.000Z',
          data: { interests: ['technology', 'innovation', 'AI', 'blockchain'] },
        },
      ],
      lastSyncTimestamp: lastSync,
    });
    const cd = r.body.results[0].conflictData;
    expect(cd.conflictFields).toEqual(['interests']);
    expect(cd.clientData).toEqual({ interests: ['technology', 'innovation', 'AI', 'blockchain'] });
    expect(cd.serverData).toEqual({
      interests: ['technology', 'innovation', 'leadership', 'management'],
    });
    const merged = [...new Set([...cd.clientData.interests, ...cd.serverData.interests])];
    expect(merged).toEqual([
      'technology',
      'innovation',
      'AI',
      'blockchain',
      'leadership',
      'management',
    ]);
    const resolved = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'local_9',
          serverId: 'uuid-456',
          timestamp: '2023-12-01T10:36:00.000Z',
          data: { interests: merged },
          baseVersion: cd.serverVersion,
        },
      ],
    });
    expect(resolved.body.results[0].status).toBe('success');
    expect((await api.request('GET', '/api/visitors/uuid-456')).body.interests).toEqual(merged);
  });

  it('Scenario 3: a multi-field conflict names title, phone, interests, notes; the field-by-field resolution applies', async () => {
    const { api, lastSync } = await scenario(
      {
        name: 'Morgan Chen',
        title: 'Marketing Manager',
        phone: '+1-555-0100',
        interests: ['marketing'],
        notes: 'Met at booth',
      },
      {
        title: 'Chief Marketing Officer',
        phone: '+1-555-0124',
        interests: ['marketing', 'strategy', 'branding'],
        notes: 'Interested in our new product line',
      },
    );
    const clientData = {
      title: 'VP Marketing',
      phone: '+1-555-0123',
      interests: ['marketing', 'digital', 'analytics'],
      notes: 'Follow up on Q1 campaign discussion',
    };
    const r = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'local_789',
          serverId: 'uuid-456',
          timestamp: '2023-12-01T10:30:00.000Z',
          data: clientData,
        },
      ],
      lastSyncTimestamp: lastSync,
    });
    expect(r.body.conflicts[0]).toMatchObject({
      localId: 'local_789',
      serverId: 'uuid-456',
      conflictData: {
        conflictFields: ['title', 'phone', 'interests', 'notes'],
        clientData,
        serverData: {
          title: 'Chief Marketing Officer',
          phone: '+1-555-0124',
          interests: ['marketing', 'strategy', 'branding'],
          notes: 'Interested in our new product line',
        },
      },
    });
    const resolvedData = {
      title: 'Chief Marketing Officer',
      phone: '+1-555-0123',
      interests: ['marketing', 'digital', 'analytics', 'strategy', 'branding'],
      notes: 'Follow up on Q1 campaign discussion. Interested in our new product line',
    };
    const resolved = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'local_789',
          serverId: 'uuid-456',
          timestamp: '2023-12-01T10:36:00.000Z',
          data: resolvedData,
          baseVersion: r.body.conflicts[0].conflictData.serverVersion,
        },
      ],
    });
    expect(resolved.body.results[0].status).toBe('success');
    expect((await api.request('GET', '/api/visitors/uuid-456')).body).toMatchObject(resolvedData);
  });
});

describe('seed: Advanced Sync Patterns', () => {
  it('1. Incremental sync: syncTimestamp becomes lastSyncTimestamp; only later changes come back', async () => {
    const clock = new TestClock('2023-12-01T09:00:00.000Z');
    api = await startApi({ clock: clock.now, seed: 5 });
    clock.set('2023-12-01T09:30:00.000Z');
    const first = await api.sync({
      operations: [
        {
          action: 'create',
          localId: 'l-a',
          timestamp: '2023-12-01T09:29:00.000Z',
          data: { name: 'A' },
        },
      ],
      lastSyncTimestamp: null,
    });
    const lastSyncTimestamp = first.body.syncTimestamp as string;
    expect(lastSyncTimestamp).toBe('2023-12-01T09:30:00.000Z');
    expect(first.body).not.toHaveProperty('changes');
    clock.set('2023-12-01T09:45:00.000Z');
    const sim = await api.admin('POST', '/api/admin/simulate', { edits: 1, seedValue: 3 });
    const editedId = sim.body.edited[0].id as string;
    clock.set('2023-12-01T10:00:00.000Z');
    const second = await api.sync({
      operations: [
        {
          action: 'create',
          localId: 'l-b',
          timestamp: '2023-12-01T09:59:00.000Z',
          data: { name: 'B' },
        },
      ],
      lastSyncTimestamp,
    });
    expect(second.body.syncTimestamp).toBe('2023-12-01T10:00:00.000Z');
    expect(second.body.changes.visitors.map((v: Json) => v.id).sort()).toEqual(
      [editedId, second.body.results[0].serverId].sort(),
    );
    expect(second.body.changes.hasMore).toBe(false);
  });

  it('2. Chunked sync: X-Sync-Chunk and chunkInfo, chunks of 50', async () => {
    api = await startApi();
    const operations = Array.from({ length: 150 }, (_, i) => ({
      action: 'create',
      localId: `chunked_${i}`,
      timestamp: '2023-12-01T10:30:00.000Z',
      data: { name: `Chunk visitor ${i}` },
    }));
    for (let i = 0; i < 3; i++) {
      const r = await api.sync(
        {
          operations: operations.slice(i * 50, i * 50 + 50),
          chunkInfo: { number: i + 1, total: 3 },
        },
        { headers: { 'X-Sync-Chunk': `${i + 1}/3` } },
      );
      expect(r.status).toBe(200);
      expect(r.body.results).toHaveLength(50);
      expect(r.body.results.every((x: Json) => x.status === 'success')).toBe(true);
    }
    expect((await api.stats()).visitors).toBe(150);
  });

  it('Performance 1: an update carrying only the changed fields (also as the serializer’s `changes`)', async () => {
    // Created at 10:30 server time; the client's edit is from 10:40, so the time rule sees no newer server change.
    api = await startApi({ clock: new TestClock('2023-12-01T10:30:00.000Z').now });
    const [id] = await (async () => {
      const r = await api!.sync({
        operations: [
          {
            action: 'create',
            localId: 'p1',
            timestamp: '2023-12-01T10:30:00.000Z',
            data: { name: 'Pat', title: 'Engineer', company: 'Tech Corp' },
          },
        ],
      });
      return [r.body.results[0].serverId as string];
    })();
    const r = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'p1',
          serverId: id,
          changes: { title: 'CTO' },
          timestamp: '2023-12-01T10:40:00.000Z',
        },
      ],
    });
    expect(r.body.results[0]).toMatchObject({ status: 'success', version: 2 });
    expect((await api.request('GET', `/api/visitors/${id}`)).body).toMatchObject({
      title: 'CTO',
      company: 'Tech Corp',
      name: 'Pat',
    });
  });

  it('Performance 1: bodies of more than 100 operations may be gzip-compressed', async () => {
    api = await startApi();
    const operations = Array.from({ length: 150 }, (_, i) => ({
      action: 'create',
      localId: `gz_${i}`,
      timestamp: '2023-12-01T10:30:00.000Z',
      data: { name: `Zipped ${i}` },
    }));
    const r = await api.sync({ operations }, { gzip: true });
    expect(r.status).toBe(200);
    expect(r.body.results.filter((x: Json) => x.status === 'success')).toHaveLength(150);
  });
});

describe('seed: Error Handling and Recovery', () => {
  it('1. Partial sync failure: successes, errors and conflicts are separable; failed ones succeed on retry', async () => {
    const clock = new TestClock('2023-12-01T08:00:00.000Z');
    api = await startApi({ clock: clock.now });
    await api.fixtures([{ id: 'uuid-c', data: { name: 'C', title: 'Old' } }]);
    clock.set('2023-12-01T10:00:00.000Z');
    await api.fixtures([{ id: 'uuid-c', data: { title: 'Changed online' } }]);
    await api.admin('POST', '/api/admin/faults', {
      failOperations: { localIdPrefix: 'flaky_', count: 1 },
    });
    const operations = [
      {
        action: 'create',
        localId: 'ok_1',
        timestamp: '2023-12-01T10:30:00.000Z',
        data: { name: 'Fine' },
      },
      {
        action: 'create',
        localId: 'flaky_1',
        timestamp: '2023-12-01T10:30:00.000Z',
        data: { name: 'Busy' },
      },
      {
        action: 'create',
        localId: 'bad_1',
        timestamp: '2023-12-01T10:30:00.000Z',
        data: { name: 'Bad', email: 'not-an-email' },
      },
      {
        action: 'update',
        localId: 'conf_1',
        serverId: 'uuid-c',
        timestamp: '2023-12-01T10:30:00.000Z',
        data: { title: 'Mine' },
      },
    ];
    const r = await api.sync({ operations, lastSyncTimestamp: '2023-12-01T09:00:00.000Z' });
    const { results, errors } = r.body;
    expect(results.filter((x: Json) => x.status === 'success').map((x: Json) => x.localId)).toEqual(
      ['ok_1'],
    );
    expect(results.filter((x: Json) => x.status === 'error').map((x: Json) => x.localId)).toEqual([
      'flaky_1',
      'bad_1',
    ]);
    expect(errors).toEqual([
      {
        localId: 'flaky_1',
        action: 'create',
        error: { code: 'database_busy', message: expect.any(String), retryable: true },
      },
      {
        localId: 'bad_1',
        action: 'create',
        error: {
          code: 'validation',
          message: 'data.email: must be a valid email address',
          retryable: false,
        },
      },
    ]);
    expect(r.body.conflicts.map((c: Json) => c.localId)).toEqual(['conf_1']);
    // Retry only the retryable failure: it goes through now.
    const retry = await api.sync({ operations: [operations[1]] });
    expect(retry.body.results[0]).toMatchObject({ localId: 'flaky_1', status: 'success' });
    expect((await api.stats()).visitors).toBe(3);
  });
});
