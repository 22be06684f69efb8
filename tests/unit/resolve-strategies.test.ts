import { describe, expect, it } from 'vitest';
import { fromConflictData } from '../../shared/resolve/conflict';
import { previewResolution } from '../../shared/resolve/preview';
import { parseTyped, resolveRecord } from '../../shared/resolve/strategies';
import {
  PickSchema,
  ResolutionSchema,
  type Pick,
  type Resolution,
  type ResolvableConflict,
} from '../../shared/resolve/types';
import { EMPTY_VALUES, type VisitorField, type VisitorValues } from '../../shared/visitor';

/**
 * Every strategy and every pick on every field type: a required string, the
 * nullable strings, an email, an ISO timestamp, the interests array and notes.
 * Each case is one field in conflict: the client sent `client`, the server
 * holds `server`, both edited from `base`.
 */
interface FieldCase {
  field: VisitorField;
  base: unknown;
  client: unknown;
  server: unknown;
  /** The merge when both sides changed (or no base is known). */
  merged: unknown;
  typed: unknown;
  /** The typed value as stored ('' becomes null). */
  typedStored?: unknown;
  invalid: unknown;
}

const CASES: FieldCase[] = [
  {
    field: 'name',
    base: 'Ada',
    client: 'Ada L.',
    server: 'A. Lovelace',
    merged: 'Ada L.',
    typed: 'Ada Lovelace',
    invalid: '   ',
  },
  {
    field: 'company',
    base: null,
    client: 'Acme',
    server: 'ACME Inc',
    merged: 'Acme',
    typed: '',
    typedStored: null,
    invalid: 'x'.repeat(201),
  },
  {
    field: 'email',
    base: 'a@x.io',
    client: 'b@x.io',
    server: 'c@x.io',
    merged: 'b@x.io',
    typed: 'd@x.io',
    invalid: 'not-an-email',
  },
  {
    field: 'title',
    base: 'Dev',
    client: 'Senior Dev',
    server: 'Lead Dev',
    merged: 'Senior Dev',
    typed: null,
    invalid: 42,
  },
  {
    field: 'phone',
    base: null,
    client: '+1-555-0123',
    server: '+1-555-0124',
    merged: '+1-555-0123',
    typed: '+1-555-9999',
    invalid: '9'.repeat(51),
  },
  {
    field: 'captureMethod',
    base: 'manual',
    client: 'event_badge',
    server: 'business_card',
    merged: 'event_badge',
    typed: 'manual',
    invalid: 'x\uD800',
  },
  {
    field: 'capturedAt',
    base: '2023-12-01T09:00:00.000Z',
    client: '2023-12-01T10:30:00.000Z',
    server: '2023-12-01T10:25:00.000Z',
    merged: '2023-12-01T10:30:00.000Z',
    typed: '2023-12-02T08:00:00Z',
    invalid: 'yesterday',
  },
  {
    field: 'interests',
    base: ['tech'],
    client: ['tech', 'AI'],
    server: ['tech', 'leadership'],
    merged: ['tech', 'AI', 'leadership'],
    typed: ['x', 'y'],
    invalid: ['ok', ''],
  },
  {
    field: 'notes',
    base: 'met',
    client: 'met; call back',
    server: 'met at booth',
    merged: 'met; call back\n---\nmet at booth',
    typed: 'typed note',
    invalid: 'n'.repeat(10_001),
  },
];

const LOCAL: VisitorValues = { ...EMPTY_VALUES, name: 'Ada', company: 'Acme', interests: ['tech'] };

function fieldConflict(fc: FieldCase, withBase: boolean): ResolvableConflict {
  return fromConflictData({
    localId: 'l1',
    serverId: 's1',
    data: {
      clientData: { [fc.field]: fc.client },
      serverData: { [fc.field]: fc.server },
      conflictFields: [fc.field],
      ...(withBase ? { baseData: { ...LOCAL, [fc.field]: fc.base, id: 's1', version: 2 } } : {}),
      serverVersion: 5,
      kind: 'field',
    },
    local: { ...LOCAL, [fc.field]: fc.client },
  });
}

function valueOf(c: ResolvableConflict, r: Resolution, field: VisitorField): unknown {
  const res = resolveRecord(c, r);
  if (!res.ok) throw new Error(res.error.message);
  if (res.value === 'deleted') throw new Error('deleted');
  return res.value[field];
}

const manual = (field: VisitorField, pick: Pick): Resolution => ({
  strategy: 'manual',
  picks: { [field]: pick },
});

describe.each(CASES)('field $field', (fc) => {
  describe.each([true, false])('base known: %s', (withBase) => {
    const c = fieldConflict(fc, withBase);

    it('server_wins takes the server value', () => {
      expect(valueOf(c, { strategy: 'server_wins' }, fc.field)).toEqual(fc.server);
    });
    it('client_wins takes the client value', () => {
      expect(valueOf(c, { strategy: 'client_wins' }, fc.field)).toEqual(fc.client);
    });
    it('merge: both changed (or no base) → the merged value', () => {
      expect(valueOf(c, { strategy: 'merge' }, fc.field)).toEqual(fc.merged);
    });
    it.each<[Pick['kind'], () => unknown]>([
      ['client', () => fc.client],
      ['server', () => fc.server],
      ['merged', () => fc.merged],
    ])('pick %s', (kind, expected) => {
      expect(valueOf(c, manual(fc.field, { kind } as Pick), fc.field)).toEqual(expected());
    });
    it('pick typed (valid) takes the typed value', () => {
      const r = manual(fc.field, { kind: 'typed', value: fc.typed });
      expect(valueOf(c, r, fc.field)).toEqual('typedStored' in fc ? fc.typedStored : fc.typed);
    });
    it('pick typed (invalid) is an error value naming the field, not a throw', () => {
      const res = resolveRecord(c, manual(fc.field, { kind: 'typed', value: fc.invalid }));
      expect(res.ok).toBe(false);
      if (res.ok) return;
      expect(res.error).toMatchObject({ code: 'invalid_value', retryable: false });
      expect(res.error.message.startsWith(`${fc.field}`)).toBe(true);
      expect(res.error.details).toEqual({ field: fc.field });
      const p = previewResolution(c, manual(fc.field, { kind: 'typed', value: fc.invalid }));
      expect(p.ok).toBe(false);
    });
  });

  describe('the base shows one side changed', () => {
    it("only the server's change: merge takes the server value", () => {
      const c = fieldConflict({ ...fc, client: fc.base }, true);
      expect(valueOf(c, { strategy: 'merge' }, fc.field)).toEqual(fc.server);
    });
    it("only the client's change: merge takes the client value", () => {
      const c = fieldConflict({ ...fc, server: fc.base }, true);
      expect(valueOf(c, { strategy: 'merge' }, fc.field)).toEqual(fc.client);
    });
  });

  it('identical values: every strategy and pick gives that value and sends nothing', () => {
    const c = fieldConflict({ ...fc, server: fc.client }, true);
    const all: Resolution[] = [
      { strategy: 'server_wins' },
      { strategy: 'client_wins' },
      { strategy: 'merge' },
      manual(fc.field, { kind: 'client' }),
      manual(fc.field, { kind: 'server' }),
      manual(fc.field, { kind: 'merged' }),
    ];
    for (const r of all) {
      expect(valueOf(c, r, fc.field)).toEqual(fc.client);
      const p = previewResolution(c, r);
      expect(p.ok && p.value.operation).toBeNull();
      expect(p.ok && p.value.localEffect).toBe('none');
    }
  });
});

describe('empty sides', () => {
  it.each<[VisitorField, unknown, unknown, unknown]>([
    ['title', null, 'CMO', null],
    ['title', 'CMO', null, 'CMO'],
    ['interests', [], ['a'], ['a']],
    ['interests', ['a'], [], ['a']],
    ['notes', null, 'theirs', 'theirs'],
    ['notes', 'ours', null, 'ours'],
  ])('%s: client %j, server %j, no base → merge %j', (field, client, server, merged) => {
    const c = fromConflictData({
      localId: 'l1',
      serverId: 's1',
      data: {
        clientData: { [field]: client },
        serverData: { [field]: server },
        conflictFields: [field],
      },
      local: { ...LOCAL, [field]: client },
    });
    expect(valueOf(c, { strategy: 'merge' }, field)).toEqual(merged);
    expect(valueOf(c, { strategy: 'client_wins' }, field)).toEqual(client);
    expect(valueOf(c, { strategy: 'server_wins' }, field)).toEqual(server);
  });

  it("'' from the wire is the same empty value as null", () => {
    const c = fromConflictData({
      localId: 'l1',
      serverId: 's1',
      data: { clientData: { phone: '' }, serverData: { phone: '+1' }, conflictFields: ['phone'] },
      local: LOCAL,
    });
    expect(c.clientData).toEqual({ phone: null });
    expect(valueOf(c, { strategy: 'client_wins' }, 'phone')).toBeNull();
  });
});

describe('manual decisions', () => {
  const c = fromConflictData({
    localId: 'l1',
    serverId: 's1',
    data: {
      clientData: { title: 'VP', phone: '+1-1', company: 'Ours' },
      serverData: { title: 'CMO', phone: '+1-2', company: 'Acme' },
      conflictFields: ['title', 'phone'],
      serverVersion: 3,
    },
    local: { ...LOCAL, title: 'VP', phone: '+1-1', company: 'Ours' },
  });

  it('needs a pick for every conflicting field, naming the missing ones', () => {
    const res = resolveRecord(c, { strategy: 'manual', picks: { title: { kind: 'server' } } });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error).toMatchObject({
      code: 'missing_pick',
      details: { fields: ['phone'] },
    });
    expect(!res.ok && res.error.message).toContain('phone');
  });

  it('takes the merge on fields it does not pick (the client-only change here, no base)', () => {
    const res = resolveRecord(c, {
      strategy: 'manual',
      picks: { title: { kind: 'server' }, phone: { kind: 'server' } },
    });
    expect(res.ok && res.value !== 'deleted' && res.value.company).toBe('Ours');
  });

  it('may type a value for a field that is not in conflict', () => {
    const p = previewResolution(c, {
      strategy: 'manual',
      picks: {
        title: { kind: 'server' },
        phone: { kind: 'server' },
        email: { kind: 'typed', value: 'ada@acme.io' },
      },
    });
    expect(p.ok && p.value.operation).toEqual({
      action: 'update',
      serverId: 's1',
      data: { company: 'Ours', email: 'ada@acme.io' },
      baseVersion: 3,
    });
  });
});

describe('parseTyped', () => {
  it.each<[VisitorField, unknown, unknown]>([
    ['title', '', null],
    ['title', undefined, null],
    ['email', '', null],
    ['name', 'Ada', 'Ada'],
    ['interests', [], []],
  ])('%s %j → %j', (field, value, stored) => {
    expect(parseTyped(field, value)).toEqual({ ok: true, value: stored });
  });
  it.each<[VisitorField, unknown, string]>([
    ['name', '', 'name: is required'],
    ['interests', undefined, 'interests:'],
    ['interests', Array.from({ length: 51 }, (_, i) => `i${i}`), 'interests: must have at most 50'],
    ['interests', ['ok', ''], 'interests.1: '],
    ['capturedAt', '2023-13-45', 'capturedAt: must be an ISO 8601 timestamp'],
  ])('%s %j → error "%s…"', (field, value, message) => {
    const res = parseTyped(field, value);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.message.startsWith(message)).toBe(true);
  });
});

describe('ResolutionSchema (what crosses IPC)', () => {
  it('accepts every strategy and every pick', () => {
    for (const strategy of ['server_wins', 'client_wins', 'merge'] as const) {
      expect(ResolutionSchema.parse({ strategy })).toEqual({ strategy });
    }
    const picks = {
      title: { kind: 'server' },
      phone: { kind: 'client' },
      interests: { kind: 'merged' },
      notes: { kind: 'typed', value: 'x' },
    };
    expect(ResolutionSchema.parse({ strategy: 'manual', picks })).toEqual({
      strategy: 'manual',
      picks,
    });
  });
  it('refuses unknown strategies, pick kinds and fields', () => {
    expect(ResolutionSchema.safeParse({ strategy: 'last_write_wins' }).success).toBe(false);
    expect(PickSchema.safeParse({ kind: 'theirs' }).success).toBe(false);
    expect(
      ResolutionSchema.safeParse({ strategy: 'manual', picks: { __proto__x: { kind: 'client' } } })
        .success,
    ).toBe(false);
    expect(ResolutionSchema.safeParse({ strategy: 'manual' }).success).toBe(false);
  });
});
