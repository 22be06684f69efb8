import { describe, expect, it } from 'vitest';
import { EMPTY_VALUES, type VisitorValues } from '../../../shared/visitor';
import {
  buildConflictData,
  decideDelete,
  decideUpdate,
  type CurrentRecord,
} from '../../../server/sync/conflicts';
import type { FieldVersions, VisitorSnapshot } from '../../../server/storage/types';

const T = Date.parse('2023-12-01T10:00:00.000Z');

function record(
  values: Partial<VisitorValues>,
  version: number,
  fieldVersions: FieldVersions = {},
  extra: Partial<CurrentRecord> = {},
): CurrentRecord {
  return {
    id: 'r1',
    values: { ...EMPTY_VALUES, name: 'John Smith', ...values },
    version,
    lastModifiedMs: T,
    deleted: false,
    fieldVersions,
    ...extra,
  };
}

describe('decideUpdate with baseVersion (three-way)', () => {
  // v1 created; v2 changed title; v3 changed phone.
  const current = record({ title: 'Lead', phone: '+1-555-0124', company: 'Tech Corp' }, 3, {
    title: 2,
    phone: 3,
  });

  it('applies fields only the client changed', () => {
    expect(
      decideUpdate(current, { company: 'New Corp' }, { kind: 'version', baseVersion: 1 }),
    ).toEqual({
      type: 'apply',
      fields: ['company'],
    });
  });

  it('conflicts on exactly the fields the server changed after base that the client sets differently', () => {
    expect(
      decideUpdate(
        current,
        { title: 'Senior', phone: '+1-555-0123', company: 'New Corp' },
        { kind: 'version', baseVersion: 1 },
      ),
    ).toEqual({ type: 'conflict', kind: 'field', conflictFields: ['title', 'phone'] });
  });

  it('a field changed at or before baseVersion does not conflict', () => {
    expect(decideUpdate(current, { title: 'Senior' }, { kind: 'version', baseVersion: 2 })).toEqual(
      {
        type: 'apply',
        fields: ['title'],
      },
    );
    expect(
      decideUpdate(current, { phone: '+1-555-9999' }, { kind: 'version', baseVersion: 2 }),
    ).toEqual({
      type: 'conflict',
      kind: 'field',
      conflictFields: ['phone'],
    });
  });

  it('identical values never conflict and need no write', () => {
    expect(decideUpdate(current, { title: 'Lead' }, { kind: 'version', baseVersion: 1 })).toEqual({
      type: 'apply',
      fields: [],
    });
  });

  it('an empty string equals null (no value)', () => {
    expect(decideUpdate(current, { email: '' }, { kind: 'version', baseVersion: 0 })).toEqual({
      type: 'apply',
      fields: [],
    });
  });

  it('arrays compare by value, order matters', () => {
    const c = record({ interests: ['a', 'b'] }, 2, { interests: 2 });
    expect(decideUpdate(c, { interests: ['a', 'b'] }, { kind: 'version', baseVersion: 1 })).toEqual(
      { type: 'apply', fields: [] },
    );
    expect(decideUpdate(c, { interests: ['b', 'a'] }, { kind: 'version', baseVersion: 1 })).toEqual(
      {
        type: 'conflict',
        kind: 'field',
        conflictFields: ['interests'],
      },
    );
  });

  it('fields never changed since create are at version 1', () => {
    const c = record({ title: 'x' }, 4, { phone: 4 });
    expect(decideUpdate(c, { title: 'y' }, { kind: 'version', baseVersion: 0 })).toEqual({
      type: 'conflict',
      kind: 'field',
      conflictFields: ['title'],
    });
    expect(decideUpdate(c, { title: 'y' }, { kind: 'version', baseVersion: 1 })).toEqual({
      type: 'apply',
      fields: ['title'],
    });
  });

  it('a baseVersion newer than the server is invalid', () => {
    const d = decideUpdate(current, { title: 'x' }, { kind: 'version', baseVersion: 9 });
    expect(d.type).toBe('invalid');
    expect(d.type === 'invalid' && d.message).toMatch(
      /^baseVersion: 9 is newer than the server's version 3/,
    );
  });

  it('an update of a deleted record is update_deleted, naming the client fields', () => {
    const dead = record({}, 4, {}, { deleted: true });
    expect(
      decideUpdate(dead, { title: 'x', company: 'y' }, { kind: 'version', baseVersion: 3 }),
    ).toEqual({
      type: 'conflict',
      kind: 'update_deleted',
      conflictFields: ['company', 'title'],
    });
  });
});

describe('decideUpdate without baseVersion (the seed time rule)', () => {
  const current = record({ title: 'Lead Developer', interests: ['technology', 'leadership'] }, 2, {
    title: 2,
    interests: 2,
  });

  it('conflicts on differing fields when the record changed after the sync time', () => {
    expect(
      decideUpdate(
        current,
        { title: 'Senior Developer', interests: ['technology', 'programming', 'AI'] },
        { kind: 'time', sinceMs: T - 1 },
      ),
    ).toEqual({ type: 'conflict', kind: 'field', conflictFields: ['title', 'interests'] });
  });

  it('identical values do not conflict even when the record changed', () => {
    expect(
      decideUpdate(
        current,
        { title: 'Lead Developer', name: 'John Smith' },
        { kind: 'time', sinceMs: T - 1 },
      ),
    ).toEqual({
      type: 'apply',
      fields: [],
    });
  });

  it('applies when the record did not change after the sync time (equal is not after)', () => {
    expect(decideUpdate(current, { title: 'Senior' }, { kind: 'time', sinceMs: T })).toEqual({
      type: 'apply',
      fields: ['title'],
    });
  });
});

describe('decideDelete', () => {
  it('a tombstone is already deleted (idempotent)', () => {
    expect(
      decideDelete(record({}, 3, {}, { deleted: true }), { kind: 'version', baseVersion: 1 }),
    ).toEqual({
      type: 'already_deleted',
    });
  });

  it('applies when the server has not changed the record since baseVersion', () => {
    expect(decideDelete(record({}, 3), { kind: 'version', baseVersion: 3 })).toEqual({
      type: 'apply',
    });
  });

  it('is delete_modified naming the fields changed since baseVersion', () => {
    expect(
      decideDelete(record({}, 3, { title: 2, notes: 3 }), { kind: 'version', baseVersion: 2 }),
    ).toEqual({
      type: 'conflict',
      kind: 'delete_modified',
      conflictFields: ['notes'],
    });
  });

  it('time rule: conflict when modified after the sync time; fields narrowed by a known base', () => {
    const c = record({}, 3, { title: 2, notes: 3 });
    expect(decideDelete(c, { kind: 'time', sinceMs: T })).toEqual({ type: 'apply' });
    expect(decideDelete(c, { kind: 'time', sinceMs: T - 1 }, 2)).toEqual({
      type: 'conflict',
      kind: 'delete_modified',
      conflictFields: ['notes'],
    });
    const all = decideDelete(c, { kind: 'time', sinceMs: T - 1 }, null);
    expect(all.type === 'conflict' && all.conflictFields).toHaveLength(9);
  });

  it('a baseVersion newer than the server is invalid', () => {
    expect(decideDelete(record({}, 2), { kind: 'version', baseVersion: 5 }).type).toBe('invalid');
  });
});

describe('buildConflictData', () => {
  const current = record({ title: 'Lead Developer', interests: ['technology', 'leadership'] }, 2);
  const base: VisitorSnapshot = {
    id: 'r1',
    values: { ...EMPTY_VALUES, name: 'John Smith', title: 'Dev' },
    version: 1,
    lastModifiedMs: T - 5,
    deleted: false,
  };

  it('serverData mirrors the keys of clientData, in the client order', () => {
    const data = buildConflictData({
      kind: 'field',
      conflictFields: ['title', 'interests'],
      clientData: { title: 'Senior Developer', interests: ['technology', 'programming', 'AI'] },
      current,
      base,
    });
    expect(data).toEqual({
      clientData: { title: 'Senior Developer', interests: ['technology', 'programming', 'AI'] },
      serverData: { title: 'Lead Developer', interests: ['technology', 'leadership'] },
      conflictFields: ['title', 'interests'],
      baseData: expect.objectContaining({
        id: 'r1',
        title: 'Dev',
        version: 1,
        lastModified: '2023-12-01T09:59:59.995Z',
      }),
      serverVersion: 2,
      kind: 'field',
    });
    expect(Object.keys(data)).toEqual([
      'clientData',
      'serverData',
      'conflictFields',
      'baseData',
      'serverVersion',
      'kind',
    ]);
  });

  it('update_deleted has serverData null; delete_modified the whole record; baseData only when known', () => {
    const gone = buildConflictData({
      kind: 'update_deleted',
      conflictFields: ['title'],
      clientData: { title: 'x' },
      current: { ...current, deleted: true },
      base: null,
    });
    expect(gone.serverData).toBeNull();
    expect(gone).not.toHaveProperty('baseData');
    const del = buildConflictData({
      kind: 'delete_modified',
      conflictFields: ['title'],
      clientData: {},
      current,
      base: null,
    });
    expect(del.serverData).toMatchObject({
      id: 'r1',
      name: 'John Smith',
      title: 'Lead Developer',
      version: 2,
    });
  });
});
