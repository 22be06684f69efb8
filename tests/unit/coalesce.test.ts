import { describe, expect, it } from 'vitest';
import {
  EditRejected,
  planEdit,
  type OpenOp,
  type RecordState,
} from '../../electron/core/outbox/coalesce';
import { EMPTY_VALUES, type VisitorValues } from '../../shared/visitor';

const v = (over: Partial<VisitorValues>): VisitorValues => ({
  ...EMPTY_VALUES,
  name: 'Ada',
  ...over,
});
const synced = (values: VisitorValues, over: Partial<RecordState> = {}): RecordState => ({
  serverVersion: 3,
  base: values,
  current: values,
  sentOps: 0,
  ...over,
});
const open = (op: Omit<OpenOp, 'seq'>): OpenOp => ({ seq: 7, ...op });

describe('planEdit: create', () => {
  it('queues one create with the whole record', () => {
    const values = v({ company: 'Tech Corp' });
    expect(planEdit(null, null, { kind: 'create', values })).toEqual({
      outbox: { op: 'insert', draft: { action: 'create', data: values, baseVersion: null } },
      row: 'insert',
    });
  });
  it('refuses to create over an existing record', () => {
    expect(() => planEdit(null, synced(v({})), { kind: 'create', values: v({}) })).toThrow(
      EditRejected,
    );
  });
});

describe('planEdit: update', () => {
  it('queues only the changed fields, from the server version', () => {
    const base = v({ title: 'Manager', phone: '1' });
    const plan = planEdit(null, synced(base), {
      kind: 'update',
      values: { ...base, title: 'Director' },
    });
    expect(plan).toEqual({
      outbox: {
        op: 'insert',
        draft: { action: 'update', data: { title: 'Director' }, baseVersion: 3 },
      },
      row: 'update-dirty',
    });
  });
  it('create + update → one create with the latest values', () => {
    const first = v({ title: 'A' });
    const next = v({ title: 'B', interests: ['x'] });
    const plan = planEdit(
      open({ action: 'create', data: first, baseVersion: null }),
      { ...synced(first), base: null, serverVersion: null },
      { kind: 'update', values: next },
    );
    expect(plan).toEqual({
      outbox: { op: 'replace', seq: 7, draft: { action: 'create', data: next, baseVersion: null } },
      row: 'update-dirty',
    });
  });
  it('update + update → one update with the union of changes against the base, keeping the first baseVersion', () => {
    const base = v({ title: 'A', phone: '1' });
    const current = { ...base, title: 'B' };
    const plan = planEdit(
      open({ action: 'update', data: { title: 'B' }, baseVersion: 2 }),
      synced(base, { current, serverVersion: 5 }),
      { kind: 'update', values: { ...current, phone: '2' } },
    );
    expect(plan.outbox).toEqual({
      op: 'replace',
      seq: 7,
      draft: { action: 'update', data: { title: 'B', phone: '2' }, baseVersion: 2 },
    });
  });
  it('an edit undone by hand removes the queued update and cleans the row', () => {
    const base = v({ title: 'A' });
    const plan = planEdit(
      open({ action: 'update', data: { title: 'B' }, baseVersion: 3 }),
      synced(base, { current: { ...base, title: 'B' } }),
      {
        kind: 'update',
        values: base,
      },
    );
    expect(plan).toEqual({ outbox: { op: 'remove', seq: 7 }, row: 'update-clean' });
  });
  it('an undone edit keeps the row dirty while an older operation is still in flight', () => {
    const base = v({ title: 'A' });
    const plan = planEdit(
      open({ action: 'update', data: { title: 'B' }, baseVersion: 3 }),
      synced(base, { sentOps: 1 }),
      { kind: 'update', values: base },
    );
    expect(plan).toEqual({ outbox: { op: 'remove', seq: 7 }, row: 'update-dirty' });
  });
  it('saving identical values queues nothing', () => {
    const base = v({ title: 'A' });
    expect(planEdit(null, synced(base), { kind: 'update', values: base })).toEqual({
      outbox: { op: 'none' },
      row: 'update-clean',
    });
  });
  it('while the create is in flight (no base yet), queues an update of the fields changed since', () => {
    const current = v({ title: 'A' });
    const plan = planEdit(
      null,
      { serverVersion: null, base: null, current, sentOps: 1 },
      { kind: 'update', values: { ...current, title: 'B' } },
    );
    expect(plan.outbox).toEqual({
      op: 'insert',
      draft: { action: 'update', data: { title: 'B' }, baseVersion: null },
    });
  });
  it('compares interests as ordered arrays', () => {
    const base = v({ interests: ['a', 'b'] });
    const plan = planEdit(null, synced(base), {
      kind: 'update',
      values: { ...base, interests: ['b', 'a'] },
    });
    expect(plan.outbox).toMatchObject({ op: 'insert', draft: { data: { interests: ['b', 'a'] } } });
  });
  it('refuses to edit a record whose deletion is queued', () => {
    const base = v({});
    expect(() =>
      planEdit(open({ action: 'delete', data: null, baseVersion: 3 }), synced(base), {
        kind: 'update',
        values: base,
      }),
    ).toThrow(/deleted/);
  });
  it('refuses to edit a record that does not exist', () => {
    expect(() => planEdit(null, null, { kind: 'update', values: v({}) })).toThrow(
      /no longer exists/,
    );
  });
});

describe('planEdit: delete', () => {
  it('create + delete → nothing: the op and the row go', () => {
    const values = v({});
    expect(
      planEdit(
        open({ action: 'create', data: values, baseVersion: null }),
        { ...synced(values), base: null },
        { kind: 'delete' },
      ),
    ).toEqual({
      outbox: { op: 'remove', seq: 7 },
      row: 'remove',
    });
  });
  it("update + delete → delete, keeping the update's baseVersion", () => {
    const base = v({});
    expect(
      planEdit(open({ action: 'update', data: { title: 'x' }, baseVersion: 2 }), synced(base), {
        kind: 'delete',
      }),
    ).toEqual({
      outbox: { op: 'replace', seq: 7, draft: { action: 'delete', data: null, baseVersion: 2 } },
      row: 'mark-deleted',
    });
  });
  it('delete of a synced record queues a delete from the server version', () => {
    expect(planEdit(null, synced(v({})), { kind: 'delete' })).toEqual({
      outbox: { op: 'insert', draft: { action: 'delete', data: null, baseVersion: 3 } },
      row: 'mark-deleted',
    });
  });
  it('delete while the create is in flight queues a delete (the server will have the record)', () => {
    const plan = planEdit(
      null,
      { serverVersion: null, base: null, current: v({}), sentOps: 1 },
      { kind: 'delete' },
    );
    expect(plan).toEqual({
      outbox: { op: 'insert', draft: { action: 'delete', data: null, baseVersion: null } },
      row: 'mark-deleted',
    });
  });
  it('refuses a second delete', () => {
    expect(() =>
      planEdit(open({ action: 'delete', data: null, baseVersion: 3 }), synced(v({})), {
        kind: 'delete',
      }),
    ).toThrow(EditRejected);
  });
});
