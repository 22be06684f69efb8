import { describe, expect, it } from 'vitest';
import type { Api } from '../../shared/ipc/client';
import type { ConflictView } from '../../shared/ipc/conflicts-contract';
import { EMPTY_VALUES } from '../../shared/visitor';
import { ConflictsStore } from '../../renderer/src/conflicts/conflicts-store';
import { BLOCK_SIZE } from '../../renderer/src/paging/paged-store';
import { MAX_BLOCKS } from '../../renderer/src/paging/block-eviction';

const conflict = (i: number, tag = ''): ConflictView => ({
  id: i + 1,
  localId: `v${i}`,
  serverId: `s${i}`,
  name: `Visitor ${i}${tag}`,
  company: 'Acme',
  kind: 'field',
  conflictFields: ['title'],
  createdAt: '2025-01-01T00:00:00.000Z',
  resolvable: {
    localId: `v${i}`,
    serverId: `s${i}`,
    kind: 'field',
    conflictFields: ['title'],
    clientData: { title: `Ours ${i}` },
    serverData: { title: `Theirs ${i}` },
    baseData: { title: 'Base' },
    serverVersion: 2,
    local: { ...EMPTY_VALUES, title: `Ours ${i}` },
  },
  draft: null,
  draftRule: null,
  draftState: { state: 'undecided' },
  stale: false,
  captureGapMs: null,
  captureMethod: null,
  remembered: {},
  blocked: null,
});

/** An Api over `total` open conflicts whose replies the test releases by hand. */
function fakeApi(total: number) {
  const calls: { channel: string; request: Record<string, unknown>; answer: () => void }[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  let tag = '';
  const api = {
    invoke(channel: string, request: Record<string, unknown>) {
      return new Promise((resolve, reject) => {
        const answer = () => {
          if (channel === 'conflicts:count') return resolve({ total, open: total });
          if (channel === 'conflicts:page') {
            const offset = request.offset as number;
            const n = Math.max(0, Math.min(request.limit as number, total - offset));
            const rows = Array.from({ length: n }, (_, k) => conflict(offset + k, tag));
            return resolve({ rows, last: rows.length ? { key: null, id: rows.at(-1)!.id } : null });
          }
          if (channel === 'conflicts:groups') return resolve([{ field: 'title', count: total }]);
          if (channel === 'conflicts:idsAt') {
            // The fake's row at position p is conflict p + 1, as its pages say.
            const offset = request.offset as number;
            const n = Math.max(0, Math.min(request.limit as number, total - offset));
            return resolve({ ids: Array.from({ length: n }, (_, k) => offset + k + 1) });
          }
          reject(Object.assign(new Error('not in this test'), { code: 'test' }));
        };
        calls.push({ channel, request, answer });
      });
    },
    on(event: string, listener: (payload: unknown) => void) {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  } as unknown as Api;
  return {
    api,
    calls,
    setTag: (t: string) => (tag = t),
    emit: (event: string) => listeners.get(event)?.({}),
    flush: async () => {
      for (const c of calls.splice(0)) c.answer();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

const pagesAsked = (calls: { channel: string; request: Record<string, unknown> }[]) =>
  calls.filter((c) => c.channel === 'conflicts:page').map((c) => c.request.offset);

describe('ConflictsStore and the pages of its rows', () => {
  it('asks for the count and the first page together when it starts', () => {
    const f = fakeApi(1_000);
    const store = new ConflictsStore(f.api);
    store.start();
    const rowCalls = f.calls.filter((c) => c.channel === 'conflicts:count' && c.request.filter);
    expect(rowCalls).toHaveLength(1);
    expect(pagesAsked(f.calls)).toEqual([0]);
    store.stop();
  });

  it('grouped by field with no group open, asks for no page', () => {
    const f = fakeApi(1_000);
    const store = new ConflictsStore(f.api);
    store.setGrouped(true);
    store.start();
    expect(pagesAsked(f.calls)).toEqual([]);
    store.stop();
  });

  it('redraws the screen for a page only when the count or the focused conflict changes', async () => {
    const f = fakeApi(1_000);
    const store = new ConflictsStore(f.api);
    let screen = 0;
    store.subscribe(() => screen++);
    store.start();
    store.ensureRange(0, 30);
    await f.flush();
    const rows = store.getSnapshot().rows;
    let table = 0;
    rows.subscribe(() => table++);
    store.clickRow(3, conflictAt(store, 3), { shift: false, toggle: false });
    expect(store.focused()?.name).toBe('Visitor 3');

    // A page far from the focused conflict: the table is told, the screen is not.
    screen = 0;
    store.ensureRange(5 * BLOCK_SIZE, 5 * BLOCK_SIZE + 30);
    await f.flush();
    expect(table).toBeGreaterThan(0);
    expect(screen).toBe(0);
    expect(store.rowsVersionIn(5 * BLOCK_SIZE, 5 * BLOCK_SIZE + 30)).toBeGreaterThan(
      store.rowsVersionIn(0, 30),
    );

    // Back to the focused conflict, a refresh brings a new copy of it: the detail pane must show it.
    // (a jump: its rows are known, only the block below them is asked for)
    store.ensureRange(0, 30);
    expect(pagesAsked(f.calls)).toEqual([BLOCK_SIZE]);
    f.setTag(' (edited)');
    f.emit('visitors:changed');
    await f.flush();
    expect(screen).toBeGreaterThan(0);
    expect(store.focused()?.name).toBe('Visitor 3 (edited)');
    store.stop();
  });

  it('keeps the focused conflict and its working decision while the table scrolls through them all', async () => {
    const total = 3 * MAX_BLOCKS * BLOCK_SIZE;
    const f = fakeApi(total);
    const store = new ConflictsStore(f.api);
    store.start();
    store.ensureRange(0, 30);
    await f.flush();
    store.clickRow(3, conflictAt(store, 3), { shift: false, toggle: false });
    store.setWorking({ strategy: 'server_wins' });
    store.tickRow(5, conflictAt(store, 5), false);
    for (let b = 1; b < total / BLOCK_SIZE; b++) {
      store.ensureRange(b * BLOCK_SIZE, b * BLOCK_SIZE + 30);
      await f.flush();
    }
    expect(store.entryAt(BLOCK_SIZE + 3)).toBeUndefined(); // the rows near it were dropped
    expect(store.focused()?.name).toBe('Visitor 3');
    expect(store.getSnapshot().working).toEqual({ strategy: 'server_wins' });
    expect(store.selectedCount()).toBe(2); // the selection is ids: dropping rows keeps it
    store.stop();
  });
});

const idsAsked = (calls: { channel: string; request: Record<string, unknown> }[]) =>
  calls
    .filter((c) => c.channel === 'conflicts:idsAt')
    .map((c): [number, number] => [c.request.offset as number, c.request.limit as number]);

describe('a Shift-click range in the conflict workspace', () => {
  it('selects a range fully loaded at once, without asking the core', async () => {
    const f = fakeApi(1_000);
    const store = new ConflictsStore(f.api);
    store.start();
    store.ensureRange(0, 30);
    await f.flush();
    store.clickRow(3, conflictAt(store, 3), { shift: false, toggle: false });
    store.clickRow(20, conflictAt(store, 20), { shift: true, toggle: false });
    expect(idsAsked(f.calls)).toEqual([]);
    expect(store.rangePending()).toBe(false);
    expect(store.selectedCount()).toBe(18);
    store.stop();
  });

  it('asks for the rows not loaded, and waits for them before any bulk action', async () => {
    const f = fakeApi(100_000);
    const store = new ConflictsStore(f.api);
    store.start();
    store.ensureRange(0, 30);
    await f.flush();
    store.clickRow(3, conflictAt(store, 3), { shift: false, toggle: false });
    // A jump in the scrollbar: only the rows around row 60 000 are loaded.
    store.ensureRange(60_000, 60_030);
    await f.flush();
    store.clickRow(60_010, conflictAt(store, 60_010), { shift: true, toggle: false });

    const [asked] = idsAsked(f.calls);
    expect(asked).toBeDefined();
    const [offset, limit] = asked!;
    // From the first row not loaded after the anchor's blocks to the last before the window's.
    expect(offset).toBeGreaterThan(3);
    expect(offset).toBeLessThan(60_000);
    expect(offset + limit - 1).toBeLessThan(60_010);
    expect(store.getSnapshot().rows.getRow(offset - 1)).toBeDefined();
    expect(store.getSnapshot().rows.getRow(offset)).toBeUndefined();
    expect(store.getSnapshot().rows.getRow(offset + limit - 1)).toBeUndefined();
    expect(store.getSnapshot().rows.getRow(offset + limit)).toBeDefined();

    // Pending: a bulk action does not run on the loaded part alone.
    expect(store.rangePending()).toBe(true);
    store.openPreview('Ours', { type: 'resolution', resolution: { strategy: 'client_wins' } });
    expect(store.getSnapshot().pending).toBeNull();
    expect(f.calls.some((c) => c.channel === 'conflicts:preview')).toBe(false);

    await f.flush();
    expect(store.rangePending()).toBe(false);
    expect(store.selectedCount()).toBe(60_010 - 3 + 1);
    // The ids are the rows at those positions: conflicts 4 … 60 011.
    store.openPreview('Ours', { type: 'resolution', resolution: { strategy: 'client_wins' } });
    const target = store.getSnapshot().pending?.target as { ids: number[] };
    expect(target.ids.length).toBe(60_008);
    expect(Math.min(...target.ids)).toBe(4);
    expect(Math.max(...target.ids)).toBe(60_011);
    store.stop();
  });

  it('drops the answer that comes after the query changed', async () => {
    const f = fakeApi(100_000);
    const store = new ConflictsStore(f.api);
    store.start();
    store.ensureRange(0, 30);
    await f.flush();
    store.clickRow(3, conflictAt(store, 3), { shift: false, toggle: false });
    store.ensureRange(60_000, 60_030);
    await f.flush();
    store.clickRow(60_010, conflictAt(store, 60_010), { shift: true, toggle: false });
    expect(idsAsked(f.calls)).toHaveLength(1);

    store.setSort({ column: 'name', direction: 'desc' });
    await f.flush();
    expect(store.rangePending()).toBe(false);
    expect(store.selectedCount()).toBe(0);
    store.stop();
  });

  it('gives up a range still on its way when another click comes', async () => {
    const f = fakeApi(100_000);
    const store = new ConflictsStore(f.api);
    store.start();
    store.ensureRange(0, 30);
    await f.flush();
    store.clickRow(3, conflictAt(store, 3), { shift: false, toggle: false });
    store.ensureRange(60_000, 60_030);
    await f.flush();
    store.clickRow(60_010, conflictAt(store, 60_010), { shift: true, toggle: false });
    // Ctrl-click before the ids came: it changes the selection as it was before the range.
    store.clickRow(60_020, conflictAt(store, 60_020), { shift: false, toggle: true });
    await f.flush();
    expect(store.rangePending()).toBe(false);
    expect(store.selectedCount()).toBe(2);
    store.stop();
  });

  it('refuses in words a range longer than a selection of ids may be', async () => {
    const f = fakeApi(200_000);
    const store = new ConflictsStore(f.api);
    store.start();
    store.ensureRange(0, 30);
    await f.flush();
    store.clickRow(0, conflictAt(store, 0), { shift: false, toggle: false });
    store.ensureRange(150_000, 150_030);
    await f.flush();
    store.clickRow(150_010, conflictAt(store, 150_010), { shift: true, toggle: false });
    expect(idsAsked(f.calls)).toEqual([]);
    expect(store.selectedCount()).toBe(1);
    expect(store.getSnapshot().message?.text).toMatch(
      /at most 100\D?000 rows.*Select all matching/,
    );
    store.stop();
  });
});

function conflictAt(store: ConflictsStore, i: number): ConflictView {
  const e = store.entryAt(i);
  if (e?.type !== 'row') throw new Error(`no conflict at ${i}`);
  return e.row;
}
