import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/ipc/client';
import type { VisitorRow } from '../../shared/ipc/contract';
import { EMPTY_VALUES } from '../../shared/visitor';
import { countRequest, firstPageRequest, PagedRows } from '../../renderer/src/visitors/paged-rows';
import { askEarly, forgetEarly } from '../../renderer/src/early-requests';
import { eventHub } from '../fixtures/event-hub';
import { BLOCK_SIZE } from '../../renderer/src/paging/paged-store';
import { MAX_BLOCKS } from '../../renderer/src/paging/block-eviction';

const row = (i: number, tag = ''): VisitorRow => ({
  ...EMPTY_VALUES,
  name: `v${i}${tag}`,
  localId: `id${String(i).padStart(6, '0')}`,
  serverId: null,
  version: null,
  dirty: false,
  pending: null,
  updatedAt: 't',
});

/** An Api over `total` rows whose replies the test releases by hand. */
function fakeApi(total: number) {
  const events = eventHub();
  const calls: { channel: string; request: Record<string, unknown>; resolve: () => void }[] = [];
  let tag = '';
  const api = {
    invoke(channel: string, request: Record<string, unknown>) {
      return new Promise((resolve) => {
        const answer = () => {
          if (channel === 'visitors:count') return resolve({ total });
          const offset = request.offset as number;
          const rows = Array.from(
            { length: Math.max(0, Math.min(request.limit as number, total - offset)) },
            (_, k) => row(offset + k, tag),
          );
          resolve({
            rows,
            last: rows.length ? { key: rows.at(-1)!.name, localId: rows.at(-1)!.localId } : null,
          });
        };
        calls.push({ channel, request, resolve: answer });
      });
    },
    on: events.on,
  } as unknown as Api;
  return {
    api,
    calls,
    emit: events.emit,
    setTag: (t: string) => (tag = t),
    flush: async () => {
      for (const c of calls.splice(0)) c.resolve();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

const sort = { column: 'name', direction: 'asc' } as const;

/** The blocks whose rows the store can show, fresh or stale. */
const heldBlocks = (p: PagedRows, total: number) =>
  Array.from({ length: Math.ceil(total / BLOCK_SIZE) }, (_, b) => b).filter(
    (b) => p.getRow(b * BLOCK_SIZE) !== undefined,
  );

/** Jump the window to each block in turn, from the top down, each page answered. */
async function sweep(p: PagedRows, f: ReturnType<typeof fakeApi>, total: number) {
  for (let b = 0; b < total / BLOCK_SIZE; b++) {
    p.ensureRange(b * BLOCK_SIZE, b * BLOCK_SIZE + 30);
    await f.flush();
  }
}

/** The opening query's count and first page asked as the window starts, and answered. */
async function answeredEarly(f: ReturnType<typeof fakeApi>) {
  const stale = { staleAfter: 'visitors:changed' } as const;
  askEarly(f.api, 'visitors:count', countRequest('', {}), stale);
  askEarly(f.api, 'visitors:page', firstPageRequest('', sort, {}), stale);
  await f.flush();
}

describe('PagedRows', () => {
  afterEach(forgetEarly);

  it("starts from the window's early count and first rows once they have arrived", async () => {
    const f = fakeApi(1_000);
    await answeredEarly(f);
    const p = new PagedRows(f.api, '', sort);
    // Before start, before any render: the count and the first block are there.
    expect(p.total).toBe(1_000);
    expect(p.getRow(0)?.name).toBe('v0');
    expect(p.getRow(BLOCK_SIZE - 1)?.name).toBe(`v${BLOCK_SIZE - 1}`);
    p.start();
    p.ensureRange(0, 30);
    expect(f.calls).toEqual([]);
    // The block after it goes by keyset: the early block kept its cursor.
    p.ensureRange(BLOCK_SIZE - 10, BLOCK_SIZE + 20);
    expect(f.calls.map((c) => [c.request.offset, c.request.after])).toEqual([
      [
        BLOCK_SIZE,
        { key: `v${BLOCK_SIZE - 1}`, localId: `id${String(BLOCK_SIZE - 1).padStart(6, '0')}` },
      ],
    ]);
    // Another query takes nothing of it.
    const other = new PagedRows(f.api, 'ann', sort);
    expect(other.total).toBeNull();
  });

  it('seeded, then told of a change before it starts: it shows the seed and asks again', async () => {
    const f = fakeApi(1_000);
    await answeredEarly(f);
    const p = new PagedRows(f.api, '', sort);
    expect(p.getRow(0)?.name).toBe('v0');
    // A sync lands between the first render and the table's start (its listener not yet on).
    f.emit('visitors:changed');
    f.setTag('-new');
    p.start();
    expect(p.getRow(0)?.name).toBe('v0'); // still shown meanwhile
    expect(f.calls.map((c) => c.channel).sort()).toEqual(['visitors:count', 'visitors:page']);
    await f.flush();
    expect(p.getRow(0)?.name).toBe('v0-new');
  });

  it('fetches only the blocks on screen, and each once', async () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    p.ensureRange(0, 40);
    p.ensureRange(10, 50);
    expect(f.calls.map((c) => c.channel)).toEqual(['visitors:count', 'visitors:page']);
    await f.flush();
    expect(p.total).toBe(1_000);
    expect(p.getRow(40)?.name).toBe('v40');
    expect(p.getRow(150)).toBeUndefined();
  });

  it('asks for the next block with a keyset cursor once the previous one is known', async () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.ensureRange(0, 10);
    await f.flush();
    p.ensureRange(95, 130);
    expect(f.calls[0]!.request).toMatchObject({
      offset: 100,
      after: { key: 'v99', localId: 'id000099' },
    });
    p.ensureRange(900, 910); // a jump: no cursor known, OFFSET it is
    expect(f.calls[1]!.request).toMatchObject({ offset: 900, after: undefined });
  });

  it('asks for the count and the first block together when it starts', () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    expect(f.calls.map((c) => [c.channel, c.request.offset])).toEqual([
      ['visitors:count', undefined],
      ['visitors:page', 0],
    ]);
  });

  it('asks for no block on start when told the rows are not shown yet', () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start({ firstPage: false });
    expect(f.calls.map((c) => c.channel)).toEqual(['visitors:count']);
  });

  it('scrolling down, asks for the block ahead by keyset once the one before it is known', async () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    p.ensureRange(0, 30);
    await f.flush();
    p.ensureRange(10, 40); // rows 100… are a screenful or so ahead
    expect(f.calls.map((c) => c.request)).toEqual([
      expect.objectContaining({ offset: 100, after: { key: 'v99', localId: 'id000099' } }),
    ]);
    await f.flush();
    expect(p.getRow(140)?.name).toBe('v140');
  });

  it('after a jump, asks for the window and the rows below it in one query, cut into blocks', async () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    p.ensureRange(450, 480); // a jump: rows 450…680, blocks 4 to 6, by OFFSET
    expect(f.calls.map((c) => c.request)).toEqual([
      expect.objectContaining({ offset: 400, limit: 300, after: undefined }),
    ]);
    await f.flush();
    expect([p.getRow(400)?.name, p.getRow(480)?.name, p.getRow(699)?.name]).toEqual([
      'v400',
      'v480',
      'v699',
    ]);
    p.ensureRange(500, 530); // the block after is a keyset seek from the answer's last row
    expect(f.calls.map((c) => c.request)).toEqual([
      expect.objectContaining({
        offset: 700,
        limit: 100,
        after: { key: 'v699', localId: 'id000699' },
      }),
    ]);
  });

  it('scrolling down, a block ahead waits for its cursor and goes out as that page lands', async () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    p.ensureRange(450, 480); // blocks 4 to 6 on their way
    f.calls.splice(0).forEach((c) => c.resolve()); // …answered, but the next step comes first
    p.ensureRange(470, 500); // block 7 is ahead, block 6 not known yet: no OFFSET for it
    expect(f.calls).toEqual([]);
    await new Promise((r) => setTimeout(r, 0)); // blocks 4 to 6 land; no scroll since
    expect(f.calls.map((c) => c.request)).toEqual([
      expect.objectContaining({ offset: 700, after: { key: 'v699', localId: 'id000699' } }),
    ]);
  });

  it('scrolling up, asks for the blocks ahead above; never past either end', async () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    p.ensureRange(950, 990); // a jump to the bottom: no block 10 of a 1 000-row set
    expect(f.calls.map((c) => [c.request.offset, c.request.limit])).toEqual([[900, 100]]);
    await f.flush();
    p.ensureRange(940, 980); // up: rows 740… by OFFSET, one query
    expect(f.calls.map((c) => [c.request.offset, c.request.limit])).toEqual([[700, 200]]);
    await f.flush();
    p.ensureRange(0, 40); // a jump to the top: block 0 is known, nothing above it
    expect(f.calls.map((c) => c.request)).toEqual([
      expect.objectContaining({
        offset: 100,
        limit: 200,
        after: { key: 'v99', localId: 'id000099' },
      }),
    ]);
  });

  it('drops an answer of several blocks that arrives for an outdated query', async () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    p.ensureRange(450, 480);
    const outdated = f.calls.splice(0);
    f.setTag('*');
    p.refresh(); // the rows changed: the jump's answer is outdated
    outdated.forEach((c) => c.resolve());
    await f.flush();
    expect([p.getRow(650)?.name, p.getRow(460)?.name]).toEqual([undefined, 'v460*']);
  });

  it('tells which rows a landing page changed: versions of other ranges stay as they were', async () => {
    const f = fakeApi(1_000);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    const top = p.getVersionIn(0, 40);
    p.ensureRange(600, 640);
    await f.flush();
    expect(p.getVersionIn(0, 40)).toBe(top);
    expect(p.getVersionIn(600, 640)).toBeGreaterThan(top);
    p.refresh(); // a new count changes every range
    await f.flush();
    expect(p.getVersionIn(0, 40)).toBeGreaterThan(top);
  });

  it('keeps showing the old rows while a refresh is in flight, then swaps in the new ones', async () => {
    const f = fakeApi(300);
    const p = new PagedRows(f.api, '', sort);
    p.ensureRange(0, 20);
    await f.flush();
    f.setTag('*');
    p.refresh();
    expect(p.getRow(5)?.name).toBe('v5');
    const before = p.getVersion();
    await f.flush();
    expect(p.getRow(5)?.name).toBe('v5*');
    expect(p.getVersion()).toBeGreaterThan(before);
  });

  it('a burst of changes makes one refresh in flight and one after it, and the count lands', async () => {
    const f = fakeApi(300);
    const p = new PagedRows(f.api, '', sort);
    p.ensureRange(0, 20);
    await f.flush();
    f.setTag('*');
    for (let i = 0; i < 1_000; i++) p.refresh();
    const counts = () => f.calls.filter((c) => c.channel === 'visitors:count').length;
    expect(counts()).toBe(1);
    await f.flush(); // the first refresh lands, the one it owed goes out
    expect(counts()).toBe(1);
    await f.flush();
    expect(counts()).toBe(0);
    expect(p.total).toBe(300);
    expect(p.getRow(5)?.name).toBe('v5*');
  });

  it('ignores replies that arrive after it was stopped', async () => {
    const f = fakeApi(300);
    const p = new PagedRows(f.api, '', sort);
    let notified = 0;
    p.subscribe(() => notified++);
    p.start();
    p.ensureRange(0, 20);
    p.stop();
    await f.flush();
    expect(notified).toBe(0);
    expect(p.total).toBeNull();
    expect(p.getRow(0)).toBeUndefined();
  });

  it('scrolled through all its rows, keeps only the blocks nearest the window', async () => {
    const total = 3 * MAX_BLOCKS * BLOCK_SIZE;
    const f = fakeApi(total);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    await sweep(p, f, total);
    const held = heldBlocks(p, total);
    expect(held.length).toBe(MAX_BLOCKS);
    // the ones kept are the last stretch scrolled through, window included
    const last = total / BLOCK_SIZE - 1;
    expect(held).toEqual(Array.from({ length: MAX_BLOCKS }, (_, k) => last - MAX_BLOCKS + 1 + k));
    expect(p.getRow(total - 1)?.name).toBe(`v${total - 1}`);
  });

  it('asks again for a dropped block when it scrolls back in, by keyset when scrolling on', async () => {
    const total = 3 * MAX_BLOCKS * BLOCK_SIZE;
    const f = fakeApi(total);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    await sweep(p, f, total);
    p.ensureRange(0, 30); // a jump back to the top: block 0 was dropped long ago
    expect(f.calls.map((c) => c.request)).toEqual([
      expect.objectContaining({ offset: 0, limit: 300, after: undefined }),
    ]);
    await f.flush();
    expect(p.getRow(0)?.name).toBe('v0');
    p.ensureRange(100, 130); // scrolling on: the next block by the cursor of the one before
    expect(f.calls.map((c) => c.request)).toEqual([
      expect.objectContaining({ offset: 300, after: { key: 'v299', localId: 'id000299' } }),
    ]);
    await f.flush();
    expect(heldBlocks(p, total).length).toBe(MAX_BLOCKS);
  });

  it('drops stale blocks too, the farthest first, and keeps the window shown through a refresh', async () => {
    const total = 3 * MAX_BLOCKS * BLOCK_SIZE;
    const f = fakeApi(total);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    await sweep(p, f, MAX_BLOCKS * BLOCK_SIZE); // blocks 0 to MAX_BLOCKS + 1 (the last ahead)
    f.setTag('*');
    p.refresh(); // every block stale, the window's still shown
    expect(p.getRow(MAX_BLOCKS * BLOCK_SIZE - 100)?.name).toBe(`v${MAX_BLOCKS * BLOCK_SIZE - 100}`);
    await f.flush();
    expect(p.getRow(MAX_BLOCKS * BLOCK_SIZE - 100)?.name).toBe(
      `v${MAX_BLOCKS * BLOCK_SIZE - 100}*`,
    );
    // Scrolling on below: fresh blocks land, the stale ones at the top make room.
    for (let b = MAX_BLOCKS; b < MAX_BLOCKS + 10; b++) {
      p.ensureRange(b * BLOCK_SIZE, b * BLOCK_SIZE + 30);
      await f.flush();
    }
    const held = heldBlocks(p, total);
    expect(held.length).toBe(MAX_BLOCKS);
    expect(held[0]).toBe(12); // blocks 0 to 11 went, the farthest up
    expect(p.getRow(12 * BLOCK_SIZE)?.name).toBe(`v${12 * BLOCK_SIZE}`); // still a stale one
  });

  it('keeps the block of the row it is told to keep, however far the window goes', async () => {
    const total = 3 * MAX_BLOCKS * BLOCK_SIZE;
    const f = fakeApi(total);
    const p = new PagedRows(f.api, '', sort);
    p.start();
    await f.flush();
    p.keep(250); // block 2
    await sweep(p, f, total);
    expect(p.getRow(250)?.name).toBe('v250');
    expect(p.getRow(150)).toBeUndefined();
    expect(heldBlocks(p, total).length).toBe(MAX_BLOCKS);
    p.keep(null);
    const up = (total / BLOCK_SIZE - MAX_BLOCKS) * BLOCK_SIZE; // the block above those held
    p.ensureRange(up, up + 30);
    await f.flush(); // it lands: block 2, now the farthest, makes room
    expect(p.getRow(up)?.name).toBe(`v${up}`);
    expect(p.getRow(250)).toBeUndefined();
  });

  it('reports a failed page in words', async () => {
    const api = {
      invoke: () =>
        Promise.reject(
          Object.assign(new Error('The local database is busy.'), { code: 'db_busy' }),
        ),
      on: () => () => undefined,
    } as unknown as Api;
    const p = new PagedRows(api, '', sort);
    p.ensureRange(0, 10);
    await new Promise((r) => setTimeout(r, 0));
    expect(p.error).toBe('The local database is busy.');
  });
});
