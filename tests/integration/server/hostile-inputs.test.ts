import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, STAFF, createOp, startApi, updateOp, type Api, type Reply } from './helpers';

/**
 * Malformed, oversize and hostile inputs: each with the status and error
 * code it must get. Request-level failures carry the JSON error body
 * `{ success: false, error: { code, message } }`; per-operation ones are a
 * 200 whose result names the field. After all of them the server still serves.
 */

const TS = '2023-12-01T10:30:00.000Z';
const MiB = 1024 * 1024;
const json = (v: unknown) => JSON.stringify(v);
const ok = (op: Record<string, unknown>) => json({ operations: [op] });

let api: Api;
let limited: Api;
beforeAll(async () => {
  api = await startApi();
  limited = await startApi({ rateLimit: { capacity: 2, refillPerSecond: 0.01 } });
  await api.fixtures([{ id: 'h-1', data: { name: 'Target' } }]);
});
afterAll(async () => {
  await api.stop();
  await limited.stop();
});

type Send = () => Promise<Reply>;
const post =
  (
    raw: string | Uint8Array,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    token: string | null = STAFF,
  ): Send =>
  () =>
    api.request('POST', '/api/visitors/bulk-sync', { raw, headers, token });
const gz = (raw: string | Uint8Array, extra: Record<string, string> = {}): Send =>
  post(gzipSync(typeof raw === 'string' ? Buffer.from(raw) : raw), {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    ...extra,
  });

interface Row {
  name: string;
  send: Send;
  status: number;
  code: string;
  /** For 200 rows: the message of the first result's error. */
  message?: RegExp;
}

const requestRows: Row[] = [
  { name: 'bad JSON', send: post('{"operations": [}'), status: 400, code: 'invalid_request' },
  { name: 'empty body', send: post(''), status: 400, code: 'invalid_request' },
  { name: 'JSON array body', send: post('[]'), status: 400, code: 'invalid_request' },
  { name: 'JSON string body', send: post('"operations"'), status: 400, code: 'invalid_request' },
  { name: 'missing operations', send: post('{}'), status: 400, code: 'invalid_request' },
  {
    name: 'operations not an array',
    send: post('{"operations":"all"}'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'empty operations',
    send: post('{"operations":[]}'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'more than maxOperations (1001)',
    send: post(json({ operations: Array.from({ length: 1001 }, () => createOp()) })),
    status: 413,
    code: 'too_large',
  },
  {
    name: 'body over the 10 MiB limit',
    send: post(`{"operations":[],"pad":"${'x'.repeat(10 * MiB)}"}`),
    status: 413,
    code: 'too_large',
  },
  {
    name: 'chunked body over the limit (no Content-Length)',
    send: async () => {
      const chunk = new Uint8Array(MiB).fill(0x20);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 12) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await fetch(`${api.url}/api/visitors/bulk-sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${STAFF}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
    },
    status: 413,
    code: 'too_large',
  },
  {
    name: 'gzip bomb (64 MiB of zeros in 64 KiB)',
    send: gz(Buffer.alloc(64 * MiB)),
    status: 413,
    code: 'too_large',
  },
  {
    name: 'truncated gzip',
    send: post(gzipSync(Buffer.from(ok(createOp()))).subarray(0, 30), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'gzip header but not gzip',
    send: post(ok(createOp()), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'Content-Encoding br',
    send: post(ok(createOp()), { 'content-type': 'application/json', 'content-encoding': 'br' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'Content-Type text/plain',
    send: post(ok(createOp()), { 'content-type': 'text/plain' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'form-encoded body',
    send: post('operations=1', { 'content-type': 'application/x-www-form-urlencoded' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'charset utf-16',
    send: post(ok(createOp()), { 'content-type': 'application/json; charset=utf-16' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'invalid UTF-8 bytes',
    send: post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'duplicate opId',
    send: post(
      json({ operations: [createOp({}, { opId: 'same' }), createOp({}, { opId: 'same' })] }),
    ),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'operation not an object',
    send: post('{"operations":[42]}'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'unknown action',
    send: post(ok({ ...createOp(), action: 'upsert' })),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'missing localId',
    send: post(ok({ action: 'create', timestamp: TS, data: { name: 'a' } })),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'localId of the wrong type',
    send: post(ok({ action: 'create', localId: 7, timestamp: TS, data: { name: 'a' } })),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'localId over 128 chars',
    send: post(ok({ ...createOp(), localId: 'l'.repeat(129) })),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'lone surrogate in localId',
    send: post(ok({ ...createOp(), localId: 'l\ud800' })),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'bad lastSyncTimestamp',
    send: post(json({ operations: [createOp()], lastSyncTimestamp: 'yesterday' })),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'chunkInfo of wrong types',
    send: post(json({ operations: [createOp()], chunkInfo: { number: 'one', total: 2 } })),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'bad X-Sync-Chunk',
    send: post(ok(createOp()), { 'content-type': 'application/json', 'x-sync-chunk': '3/2' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'bad X-Client-Id',
    send: post(ok(createOp()), {
      'content-type': 'application/json',
      'x-client-id': 'has spaces in it',
    }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'no Authorization',
    send: post(ok(createOp()), undefined, null),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'unknown token',
    send: post(ok(createOp()), undefined, 'not-a-real-token'),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'Basic auth instead of Bearer',
    send: () =>
      api.request('GET', '/api/me', {
        token: null,
        headers: { authorization: 'Basic c3RhZmY6cGFzcw==' },
      }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'staff token on an admin endpoint',
    send: () => api.request('POST', '/api/admin/simulate', { body: { edits: 1 }, token: STAFF }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'staff token on admin faults',
    send: () => api.request('DELETE', '/api/admin/faults', { token: STAFF }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'unknown route',
    send: () => api.request('GET', '/api/visitors-export'),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'path traversal in an id',
    send: () => api.request('GET', '/api/visitors/..%2F..%2Fetc%2Fpasswd'),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'bad percent-encoding in an id',
    send: () => api.request('GET', '/api/visitors/%E0%A4%A'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'GET on bulk-sync',
    send: () => api.request('GET', '/api/visitors/bulk-sync'),
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'PUT on changes',
    send: () => api.request('PUT', '/api/visitors/changes'),
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'changes limit=0',
    send: () => api.changes('?limit=0'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'changes limit=10001',
    send: () => api.changes('?limit=10001'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'changes limit=abc',
    send: () => api.changes('?limit=abc'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'changes limit given twice',
    send: () => api.changes('?limit=5&limit=6'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'changes since=garbage',
    send: () => api.changes('?since=%27%20OR%201%3D1'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'changes since=2023-13-01T00:00:00Z',
    send: () => api.changes('?since=2023-13-01T00:00:00Z'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'changes cursor ahead of the server',
    send: () => api.changes('?since=c999999'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'simulate with unknown key',
    send: () =>
      api.request('POST', '/api/admin/simulate', {
        body: { edits: 1, explode: true },
        token: ADMIN,
      }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'simulate with negative count',
    send: () => api.request('POST', '/api/admin/simulate', { body: { edits: -1 }, token: ADMIN }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'headers over the limit',
    send: () => api.request('GET', '/api/me', { headers: { 'x-padding': 'p'.repeat(20_000) } }),
    status: 431,
    code: 'too_large',
  },
];

const opRows: Row[] = [
  {
    name: '__proto__ key in data',
    send: post(
      `{"operations":[{"action":"create","localId":"p1","timestamp":"${TS}","data":{"name":"a","__proto__":{"isAdmin":true}}}]}`,
    ),
    status: 200,
    code: 'validation',
    message: /^data\.__proto__: is not a visitor field$/,
  },
  {
    name: 'constructor key in data',
    send: post(ok(createOp({ constructor: { prototype: { x: 1 } } }))),
    status: 200,
    code: 'validation',
    message: /^data\.constructor: is not a visitor field$/,
  },
  {
    name: 'prototype key in an update',
    send: post(ok(updateOp('h-1', { prototype: 1 }))),
    status: 200,
    code: 'validation',
    message: /^data\.prototype: is not a visitor field(;|$)/,
  },
  {
    name: 'lone surrogate in a value',
    send: post(ok(createOp({ name: 'Bad \udc00 name' }))),
    status: 200,
    code: 'validation',
    message: /^data\.name: contains malformed Unicode/,
  },
  {
    name: 'lone surrogate in an interest',
    send: post(ok(createOp({ interests: ['ok', '\ud83d'] }))),
    status: 200,
    code: 'validation',
    message: /^data\.interests\.1: contains malformed Unicode/,
  },
  {
    name: 'unknown field in data',
    send: post(ok(createOp({ age: 41 }))),
    status: 200,
    code: 'validation',
    message: /^data\.age: is not a visitor field$/,
  },
  {
    name: 'wrong type: interests a string',
    send: post(ok(createOp({ interests: 'golf' }))),
    status: 200,
    code: 'validation',
    message: /^data\.interests: /,
  },
  {
    name: 'wrong type: name a number',
    send: post(ok(createOp({ name: 42 }))),
    status: 200,
    code: 'validation',
    message: /^data\.name: /,
  },
  {
    name: 'data is an array',
    send: post(ok({ action: 'create', localId: 'arr', timestamp: TS, data: [{ name: 'a' }] })),
    status: 200,
    code: 'validation',
    message: /^data: /,
  },
  {
    name: 'data is null',
    send: post(ok({ action: 'create', localId: 'nul', timestamp: TS, data: null })),
    status: 200,
    code: 'validation',
    message: /^data: /,
  },
  {
    name: 'missing serverId on update',
    send: post(ok({ action: 'update', localId: 'u1', timestamp: TS, data: { title: 'x' } })),
    status: 200,
    code: 'validation',
    message: /^serverId: is required for update$/,
  },
  {
    name: 'missing serverId on delete',
    send: post(ok({ action: 'delete', localId: 'd1', timestamp: TS })),
    status: 200,
    code: 'validation',
    message: /^serverId: is required for delete$/,
  },
  {
    name: 'huge string (notes over 10 000)',
    send: post(ok(createOp({ notes: 'n'.repeat(100_000) }))),
    status: 200,
    code: 'validation',
    message: /^data\.notes: must be at most 10000 characters$/,
  },
  {
    name: 'huge name (over 200)',
    send: post(ok(createOp({ name: 'N'.repeat(5000) }))),
    status: 200,
    code: 'validation',
    message: /^data\.name: must be at most 200 characters/,
  },
  {
    name: 'too many interests',
    send: post(ok(createOp({ interests: Array.from({ length: 51 }, (_, i) => `i${i}`) }))),
    status: 200,
    code: 'validation',
    message: /^data\.interests: must have at most 50 items$/,
  },
  {
    name: 'bad operation timestamp',
    send: post(ok({ ...createOp(), timestamp: '2023-13-01T10:00:00Z' })),
    status: 200,
    code: 'validation',
    message: /^timestamp: must be an ISO 8601 timestamp$/,
  },
  {
    name: 'numeric timestamp',
    send: post(ok({ ...createOp(), timestamp: 1701426600000 })),
    status: 200,
    code: 'validation',
    message: /^timestamp: /,
  },
  {
    name: 'bad capturedAt',
    send: post(ok(createOp({ capturedAt: '12/01/2023' }))),
    status: 200,
    code: 'validation',
    message: /^data\.capturedAt: must be an ISO 8601 timestamp$/,
  },
  {
    name: 'bad email',
    send: post(ok(createOp({ email: 'john at techcorp' }))),
    status: 200,
    code: 'validation',
    message: /^data\.email: must be a valid email address$/,
  },
  {
    name: 'blank name',
    send: post(ok(createOp({ name: '   ' }))),
    status: 200,
    code: 'validation',
    message: /^data\.name: is required$/,
  },
  {
    name: 'empty update',
    send: post(ok(updateOp('h-1', {}))),
    status: 200,
    code: 'validation',
    message: /^data: must change at least one field$/,
  },
  {
    name: 'data on a delete',
    send: post(
      ok({ action: 'delete', localId: 'd2', serverId: 'h-1', timestamp: TS, data: { name: 'x' } }),
    ),
    status: 200,
    code: 'validation',
    message: /^data: must be absent for delete$/,
  },
  {
    name: 'baseVersion a string',
    send: post(ok(updateOp('h-1', { title: 'x' }, { baseVersion: '1' }))),
    status: 200,
    code: 'validation',
    message: /^baseVersion: /,
  },
  {
    name: 'baseVersion fractional',
    send: post(ok(updateOp('h-1', { title: 'x' }, { baseVersion: 1.5 }))),
    status: 200,
    code: 'validation',
    message: /^baseVersion: /,
  },
  {
    name: 'baseVersion beyond the server',
    send: post(ok(updateOp('h-1', { title: 'x' }, { baseVersion: 2 ** 40 }))),
    status: 200,
    code: 'validation',
    message: /^baseVersion: \d+ is newer than the server's version 1/,
  },
];

describe('hostile inputs', () => {
  it('the table has at least 30 rows', () => {
    expect(requestRows.length + opRows.length).toBeGreaterThanOrEqual(30);
  });

  it.each(requestRows.map((r) => [r.name, r] as const))(
    '%s → status and code',
    async (_name, row) => {
      const r = await row.send();
      expect(r.status).toBe(row.status);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.body).toEqual({
        success: false,
        error: expect.objectContaining({ code: row.code, message: expect.any(String) }),
      });
    },
  );

  it.each(opRows.map((r) => [r.name, r] as const))(
    '%s → 200 with a per-operation validation error',
    async (_name, row) => {
      const r = await row.send();
      expect(r.status).toBe(200);
      expect(r.body.success).toBe(true);
      const result = r.body.results[0];
      expect(result.status).toBe('error');
      expect(result.error).toEqual({
        code: row.code,
        message: expect.stringMatching(row.message!),
        retryable: false,
      });
      expect(r.body.errors).toEqual([
        {
          localId: result.localId,
          ...(result.serverId ? { serverId: result.serverId } : {}),
          action: result.action,
          error: result.error,
        },
      ]);
    },
  );

  it('rate limiting: 429 with Retry-After once the bucket is empty', async () => {
    const codes: number[] = [];
    let last: Reply | undefined;
    for (let i = 0; i < 3; i++) {
      last = await limited.request('GET', '/api/me');
      codes.push(last.status);
    }
    expect(codes).toEqual([200, 200, 429]);
    expect(last!.body.error.code).toBe('rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('a gzip bomb is refused cheaply', async () => {
    const body = gzipSync(Buffer.alloc(256 * MiB), { level: 1 });
    const t0 = performance.now();
    const r = await post(body, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    })();
    expect(r.status).toBe(413);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('no input polluted a prototype, nothing bad was stored, and the server still serves', async () => {
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const stats = await api.stats();
    expect(stats.visitors).toBe(1); // only the fixture
    const health = await api.request('GET', '/api/health', { token: null });
    expect(health.body).toEqual({ status: 'ok' });
    const good = await api.sync({ operations: [createOp({ name: 'Still fine' })] });
    expect(good.body.results[0].status).toBe('success');
  });
});
