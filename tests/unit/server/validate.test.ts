import { describe, expect, it } from 'vitest';
import { parseBulkSync, type ParsedOp } from '../../../server/sync/validate';

const ts = '2023-12-01T10:30:00.000Z';
const create = (data: unknown, extra: Record<string, unknown> = {}) => ({
  action: 'create',
  localId: 'l1',
  timestamp: ts,
  data,
  ...extra,
});

function one(op: unknown): ParsedOp {
  const r = parseBulkSync({ operations: [op] }, 1000);
  if (!r.ok) throw new Error(`rejected: ${r.rejection.message}`);
  return r.request.ops[0]!;
}

function errorOf(op: unknown): string {
  const p = one(op);
  if (p.ok) throw new Error('expected a validation error');
  expect(p.invalid.error.code).toBe('validation');
  expect(p.invalid.error.retryable).toBe(false);
  return p.invalid.error.message;
}

describe('parseBulkSync: request-level rejections', () => {
  it.each([
    [null, 400, /^body: must be a JSON object/],
    [[], 400, /^body:/],
    ['x', 400, /^body:/],
    [{}, 400, /^operations: /],
    [{ operations: {} }, 400, /^operations: /],
    [{ operations: [] }, 400, /^operations: must contain at least one operation/],
    [{ operations: [1] }, 400, /^operations\[0\]: must be an object/],
    [
      { operations: [{ action: 'upsert', localId: 'a' }] },
      400,
      /^operations\[0\]\.action: must be one of create, update, delete/,
    ],
    [{ operations: [{ action: 'create' }] }, 400, /^operations\[0\]\.localId: /],
    [
      { operations: [{ action: 'create', localId: 'x'.repeat(129) }] },
      400,
      /^operations\[0\]\.localId: must be at most 128/,
    ],
    [
      { operations: [{ action: 'create', localId: 'a\ud800' }] },
      400,
      /^operations\[0\]\.localId: contains malformed Unicode/,
    ],
    [
      { operations: [create({ name: 'a' })], lastSyncTimestamp: 'yesterday' },
      400,
      /^lastSyncTimestamp: must be an ISO 8601 timestamp/,
    ],
    [
      { operations: [create({ name: 'a' })], chunkInfo: { number: '1', total: 2 } },
      400,
      /^chunkInfo\.number: /,
    ],
    [
      {
        operations: [
          create({ name: 'a' }, { opId: 'x' }),
          create({ name: 'b' }, { opId: 'x', localId: 'l2' }),
        ],
      },
      400,
      /^operations\[1\]\.opId: repeats the opId of operations\[0\]/,
    ],
  ])('%j → %i', (body, status, message) => {
    const r = parseBulkSync(body, 1000);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.rejection.status).toBe(status);
      expect(r.rejection.code).toBe('invalid_request');
      expect(r.rejection.message).toMatch(message);
    }
  });

  it('more than maxOperations is 413 too_large', () => {
    const r = parseBulkSync({ operations: Array.from({ length: 11 }, () => ({})) }, 10);
    expect(r).toEqual({
      ok: false,
      rejection: expect.objectContaining({ status: 413, code: 'too_large' }),
    });
  });
});

describe('parseBulkSync: per-operation validation names the field', () => {
  it.each([
    [create({ name: 'a', email: 'nope' }), 'data.email: must be a valid email address'],
    [create({ name: '   ' }), 'data.name: is required'],
    [create({ name: 'a\udc00b' }), 'data.name: contains malformed Unicode (a lone surrogate)'],
    [create({ name: 'a', nickname: 'b' }), 'data.nickname: is not a visitor field'],
    [
      create(JSON.parse('{"name":"a","__proto__":{"x":1}}')),
      'data.__proto__: is not a visitor field',
    ],
    [create({ name: 'a', constructor: 'x' }), 'data.constructor: is not a visitor field'],
    [create({ name: 'a', interests: 'golf' }), /^data\.interests: /],
    [
      create({ name: 'a', interests: Array.from({ length: 51 }, (_, i) => `i${i}`) }),
      'data.interests: must have at most 50 items',
    ],
    [
      create({ name: 'a', notes: 'n'.repeat(10_001) }),
      'data.notes: must be at most 10000 characters',
    ],
    [
      create({ name: 'a', capturedAt: 'last tuesday' }),
      'data.capturedAt: must be an ISO 8601 timestamp',
    ],
    [create([1, 2]), /^data: /],
    [{ action: 'create', localId: 'l1', timestamp: ts }, 'data: is required for create'],
    [
      { action: 'create', localId: 'l1', timestamp: 'nope', data: { name: 'a' } },
      'timestamp: must be an ISO 8601 timestamp',
    ],
    [
      { action: 'update', localId: 'l1', timestamp: ts, data: { title: 'x' } },
      'serverId: is required for update',
    ],
    [
      { action: 'update', localId: 'l1', serverId: 's', timestamp: ts },
      'data: is required for update',
    ],
    [
      { action: 'update', localId: 'l1', serverId: 's', timestamp: ts, data: {} },
      'data: must change at least one field',
    ],
    [
      {
        action: 'update',
        localId: 'l1',
        serverId: 's',
        timestamp: ts,
        data: { title: 1 },
        changes: { title: 'x' },
      },
      /^changes: send the fields in data or in changes/,
    ],
    [{ action: 'delete', localId: 'l1', timestamp: ts }, 'serverId: is required for delete'],
    [
      { action: 'delete', localId: 'l1', serverId: 's', timestamp: ts, data: { name: 'x' } },
      'data: must be absent for delete',
    ],
    [
      {
        action: 'update',
        localId: 'l1',
        serverId: 's',
        timestamp: ts,
        data: { title: 'x' },
        baseVersion: -1,
      },
      /^baseVersion: /,
    ],
    [
      {
        action: 'update',
        localId: 'l1',
        serverId: 's',
        timestamp: ts,
        data: { title: 'x' },
        baseVersion: '3',
      },
      /^baseVersion: /,
    ],
    [{ action: 'create', localId: 'l1', timestamp: ts, data: { name: 'a' }, opId: '' }, /^opId: /],
  ])('%j → %s', (op, message) => {
    const m = errorOf(op);
    if (typeof message === 'string') expect(m).toBe(message);
    else expect(m).toMatch(message);
  });

  it('a bad operation fails alone; its neighbours parse', () => {
    const r = parseBulkSync(
      {
        operations: [
          create({ name: 'ok' }),
          create({ name: '' }, { localId: 'l2' }),
          create({ name: 'fine' }, { localId: 'l3' }),
        ],
      },
      1000,
    );
    expect(r.ok && r.request.ops.map((o) => o.ok)).toEqual([true, false, true]);
  });

  it('accepts the seed serializer’s `changes` as an update’s data', () => {
    const p = one({
      action: 'update',
      localId: 'l1',
      serverId: 's',
      timestamp: ts,
      changes: { title: 'CTO' },
    });
    expect(p.ok && p.op.action === 'update' && p.op.data).toEqual({ title: 'CTO' });
  });

  it('never lets __proto__ reach an object prototype', () => {
    const body = JSON.parse(
      '{"__proto__":{"polluted":1},"operations":[{"__proto__":{"polluted":2},"action":"create","localId":"l1","timestamp":"2023-12-01T10:30:00.000Z","data":{"name":"a"}}]}',
    ) as unknown;
    const r = parseBulkSync(body, 1000);
    expect(r.ok && r.request.ops[0]!.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
