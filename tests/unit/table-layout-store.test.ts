import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../shared/ipc/client';
import { TableLayoutStore } from '../../renderer/src/paging/table-layout-store';

/** An Api that records settings:update patches and answers settings:get with `stored`. */
function fakeApi(stored: Record<string, unknown>) {
  const updates: unknown[] = [];
  const api = {
    invoke: (channel: string, args: { patch?: unknown }) => {
      if (channel === 'settings:get') return Promise.resolve({ settings: { tables: stored } });
      updates.push(args.patch);
      return Promise.resolve({});
    },
  } as unknown as Api;
  return { api, updates };
}

const layout = { order: ['name'], hidden: ['kind'], widths: { name: 120 } };

describe('the table layout store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves a layout once it rests, not at every change', async () => {
    const { api, updates } = fakeApi({});
    const store = new TableLayoutStore(api);
    store.set('conflicts', layout);
    store.set('conflicts', { ...layout, widths: { name: 140 } });
    await vi.advanceTimersByTimeAsync(399);
    expect(updates).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(updates).toEqual([{ tables: { conflicts: { ...layout, widths: { name: 140 } } } }]);
  });

  it('flush saves what waits at once (the window is closing)', async () => {
    const { api, updates } = fakeApi({});
    const store = new TableLayoutStore(api);
    store.set('queue', layout);
    store.flush();
    expect(updates).toEqual([{ tables: { queue: layout } }]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(updates).toHaveLength(1);
  });

  it('a table shaped before the settings answered keeps what the person did', async () => {
    const { api } = fakeApi({ conflicts: { order: [], hidden: [], widths: {} }, visitors: layout });
    const store = new TableLayoutStore(api);
    store.set('conflicts', layout);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.isLoaded).toBe(true);
    expect(store.get('conflicts')).toEqual(layout);
    expect(store.get('visitors')).toEqual(layout);
  });
});
