import { describe, expect, it } from 'vitest';
import type { Api } from '../../shared/ipc/client';
import { BulkEditStore, editOf } from '../../renderer/src/visitors/bulk-edit-store';

/** An Api that records what was invoked and answers from `answers`. */
function fakeApi(answers: Record<string, unknown>) {
  const calls: { channel: string; args: unknown }[] = [];
  const api = {
    invoke: (channel: string, args: unknown) => {
      calls.push({ channel, args });
      return Promise.resolve(answers[channel]);
    },
  } as unknown as Api;
  return { api, calls };
}

const summary = { matched: 2, changed: 2, unchanged: 0, skipped: 0, samples: [], problems: [] };
const idAt = (i: number) => `v${i}`;

describe('the visitors bulk edit store', () => {
  it('turns the form into the core edit, or says what is missing', () => {
    const base = { field: 'company', value: 'X', find: '', replace: '', matchCase: false } as const;
    expect(editOf({ ...base, kind: 'set' })).toEqual({
      field: 'company',
      action: { kind: 'set', value: 'X' },
    });
    expect(editOf({ ...base, kind: 'clear' })).toEqual({
      field: 'company',
      action: { kind: 'clear' },
    });
    expect(editOf({ ...base, kind: 'replace' })).toBe('Enter the text to find.');
  });

  it('targets the ticked ids, or all matching minus the unticked', () => {
    const store = new BulkEditStore(fakeApi({}).api);
    expect(store.target('', {})).toBeNull();
    store.clickRow(1, 'v1', { shift: false, toggle: false }, idAt);
    store.clickRow(3, 'v3', { shift: true, toggle: false }, idAt);
    expect(store.target('', {})).toEqual({ localIds: ['v1', 'v2', 'v3'] });
    store.clickRow(2, 'v2', { shift: false, toggle: true }, idAt);
    expect(store.count(10)).toBe(2);
    store.selectAll();
    store.tickRow(4, 'v4', false, idAt);
    expect(store.count(10)).toBe(9);
    expect(store.target('acme', { syncState: 'pending' })).toEqual({
      matching: { search: 'acme', filter: { syncState: 'pending' } },
      exceptIds: ['v4'],
    });
    // A new query: "all matching" must mean the new one.
    store.queryChanged();
    expect(store.count(10)).toBe(0);
  });

  it('applies only a previewed draft, and a change to the draft asks for a new preview', async () => {
    const batch = { batchId: 7, description: 'Set Company to "X"', at: 't', count: 2 };
    const { api, calls } = fakeApi({
      'visitors:bulkPreview': summary,
      'visitors:bulkEdit': { ...summary, batch },
    });
    const store = new BulkEditStore(api);
    store.clickRow(0, 'v0', { shift: false, toggle: false }, idAt);
    store.clickRow(1, 'v1', { shift: false, toggle: true }, idAt);
    store.open();
    store.setDraft({ value: 'X' });
    await store.apply('', {});
    expect(calls).toEqual([]); // nothing previewed yet
    await store.preview('', {});
    expect(store.snapshot().preview).toEqual(summary);
    store.setDraft({ value: 'Y' });
    expect(store.snapshot().preview).toBeNull();
    store.setDraft({ value: 'X' });
    await store.preview('', {});
    await store.apply('', {});
    expect(calls.at(-1)).toEqual({
      channel: 'visitors:bulkEdit',
      args: {
        target: { localIds: ['v0', 'v1'] },
        edit: { field: 'company', action: { kind: 'set', value: 'X' } },
      },
    });
    expect(store.snapshot()).toMatchObject({ editing: false, last: batch });
    expect(store.snapshot().notice).toBe('Set Company to "X": 2 visitors changed, queued to sync.');
  });
});
