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
/** Rows all loaded: a range never asks the core for ids. */
const loaded = {
  idAt: (i: number) => `v${i}`,
  idsAt: () => Promise.reject(new Error('a loaded range asks nothing')),
};

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
    store.clickRow(1, 'v1', { shift: false, toggle: false }, loaded);
    store.clickRow(3, 'v3', { shift: true, toggle: false }, loaded);
    expect(store.target('', {})).toEqual({ localIds: ['v1', 'v2', 'v3'] });
    store.clickRow(2, 'v2', { shift: false, toggle: true }, loaded);
    expect(store.count(10)).toBe(2);
    store.selectAll();
    store.tickRow(4, 'v4', false, loaded);
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
    store.clickRow(0, 'v0', { shift: false, toggle: false }, loaded);
    store.clickRow(1, 'v1', { shift: false, toggle: true }, loaded);
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

/** Rows loaded only at [0, 10) and [5 000, 5 010); the core's answers for the others wait for `release`. */
function partlyLoaded() {
  const asked: { offset: number; limit: number; release: () => void }[] = [];
  const rows = {
    idAt: (i: number) => (i < 10 || (i >= 5_000 && i < 5_010) ? `v${i}` : undefined),
    idsAt: (offset: number, limit: number) =>
      new Promise<string[]>((resolve) =>
        asked.push({
          offset,
          limit,
          release: () => resolve(Array.from({ length: limit }, (_, k) => `v${offset + k}`)),
        }),
      ),
  };
  const settle = async () => {
    asked.splice(0).forEach((a) => a.release());
    await new Promise((r) => setTimeout(r, 0));
  };
  return { rows, asked, settle };
}

describe('a Shift-click range on the visitors table', () => {
  it('asks for the rows not loaded, and the edit waits for them', async () => {
    const { api, calls } = fakeApi({ 'visitors:bulkPreview': summary });
    const store = new BulkEditStore(api);
    const { rows, asked, settle } = partlyLoaded();
    store.clickRow(2, 'v2', { shift: false, toggle: false }, rows);
    store.clickRow(5_005, 'v5005', { shift: true, toggle: false }, rows);
    expect(asked.map(({ offset, limit }) => [offset, limit])).toEqual([[10, 4_990]]);
    expect(store.rangePending).toBe(true);
    expect(store.target('', {})).toBeNull();
    store.open();
    store.setDraft({ value: 'X' });
    await store.preview('', {});
    expect(calls).toEqual([]);
    expect(store.snapshot().error).toMatch(/still being selected/);

    await settle();
    expect(store.rangePending).toBe(false);
    expect(store.count(10_000)).toBe(5_004);
    const target = store.target('', {}) as { localIds: string[] };
    expect(new Set(target.localIds)).toEqual(
      new Set(Array.from({ length: 5_004 }, (_, k) => `v${k + 2}`)),
    );
  });

  it('drops the answer that comes after the query changed', async () => {
    const store = new BulkEditStore(fakeApi({}).api);
    const { rows, asked, settle } = partlyLoaded();
    store.clickRow(2, 'v2', { shift: false, toggle: false }, rows);
    store.clickRow(5_005, 'v5005', { shift: true, toggle: false }, rows);
    expect(asked).toHaveLength(1);
    // A new sort: the table's rows are another query's; the selection before the range stays.
    store.rowsChanged();
    await settle();
    expect(store.rangePending).toBe(false);
    expect(store.target('', {})).toEqual({ localIds: ['v2'] });
    // A new search or filter starts over, late answer or not.
    store.clickRow(5_005, 'v5005', { shift: true, toggle: false }, rows);
    store.queryChanged();
    await settle();
    expect(store.count(10_000)).toBe(0);
  });
});
