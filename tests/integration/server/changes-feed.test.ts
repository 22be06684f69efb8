import { afterEach, describe, expect, it } from 'vitest';
import { ChangePageSchema } from '../../../shared/protocol';
import { createRng } from '../../../server/seed';
import { TestClock, createOp, startApi, type Api, type Json } from './helpers';

/** GET /api/visitors/changes: full mirror, stable paging, tombstones, ISO since. */

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

async function page(query: string): Promise<Json> {
  const r = await api!.changes(query);
  expect(r.status).toBe(200);
  expect(ChangePageSchema.safeParse(r.body).success).toBe(true);
  return r.body;
}

/** Pulls until hasMore is false; `between` runs after each page. */
async function pullAll(
  since: string | null,
  limit: number,
  between?: (n: number) => Promise<void>,
) {
  const mirror = new Map<string, Json>();
  const seen: string[] = [];
  let cursor = since;
  for (let n = 0; ; n++) {
    const p = await page(`?limit=${limit}${cursor ? `&since=${encodeURIComponent(cursor)}` : ''}`);
    for (const v of p.visitors) {
      seen.push(v.id);
      // Keep the newest version, as a client does.
      const had = mirror.get(v.id);
      if (!had || (had.version ?? 0) < (v.version ?? 0)) mirror.set(v.id, v);
    }
    cursor = p.cursor;
    if (!p.hasMore) return { mirror, seen, cursor };
    await between?.(n);
  }
}

async function serverState(): Promise<Map<string, Json>> {
  const { mirror } = await pullAll(null, 10_000);
  return mirror;
}

describe('change feed', () => {
  it('pages through everything exactly once, then returns nothing new', async () => {
    api = await startApi({ seed: 53 });
    const { mirror, seen, cursor } = await pullAll(null, 7);
    expect(seen).toHaveLength(53);
    expect(mirror.size).toBe(53);
    const again = await page(`?since=${cursor}`);
    expect(again.visitors).toEqual([]);
    expect(again.hasMore).toBe(false);
    expect(again.cursor).toBe(cursor);
  });

  it('a page of Visitors has every field, the version and lastModified', async () => {
    api = await startApi({ seed: 3 });
    const p = await page('');
    for (const v of p.visitors) {
      expect(Object.keys(v)).toEqual([
        'id',
        'name',
        'company',
        'email',
        'title',
        'phone',
        'interests',
        'notes',
        'captureMethod',
        'capturedAt',
        'lastModified',
        'version',
      ]);
    }
  });

  it('is stable while records change between pages: changed records come again later, nothing is skipped', async () => {
    for (const seedValue of [1, 2, 3, 4, 5]) {
      api = await startApi({ seed: 120, seedValue });
      const rng = createRng(seedValue);
      const { mirror, cursor } = await pullAll(null, 9, async () => {
        // Other devices edit, delete and create while this client pages.
        await api!.admin('POST', '/api/admin/simulate', {
          edits: Math.floor(rng() * 6),
          deletes: Math.floor(rng() * 2),
          creates: Math.floor(rng() * 3),
          seedValue: Math.floor(rng() * 1e9),
        });
      });
      // What the client mirrored is exactly the server's state at the end.
      expect(mirror).toEqual(await serverState());
      expect((await page(`?since=${cursor}`)).visitors).toEqual([]);
      await api.stop();
      api = undefined;
    }
  });

  it('a record changed after it was paged appears again in a later page', async () => {
    api = await startApi({ seed: 20 });
    const first = await page('?limit=5');
    const changed = first.visitors[0].id as string;
    await api.fixtures([{ id: changed, data: { title: 'Changed while paging' } }]);
    const { seen, mirror } = await pullAll(first.cursor, 5);
    expect(seen.filter((id) => id === changed)).toHaveLength(1);
    expect(seen.at(-1)).toBe(changed); // newest change last
    expect(mirror.get(changed)).toMatchObject({ title: 'Changed while paging', version: 2 });
  });

  it('carries tombstones as { id, deleted, version, lastModified }', async () => {
    api = await startApi({ seed: 4 });
    const all = await page('');
    const victim = all.visitors[1].id as string;
    await api.fixtures([{ id: victim, delete: true }]);
    const p = await page(`?since=${all.cursor}`);
    expect(p.visitors).toEqual([
      { id: victim, deleted: true, version: 2, lastModified: expect.any(String) },
    ]);
  });

  it('accepts an ISO timestamp as since, and keeps that filter on the next pages', async () => {
    const clock = new TestClock('2023-12-01T08:00:00.000Z');
    api = await startApi({ clock: clock.now, seed: 10 });
    clock.set('2023-12-01T10:00:00.000Z');
    const r = await api.sync({ operations: Array.from({ length: 7 }, () => createOp()) });
    const newIds = r.body.results.map((x: Json) => x.serverId);
    const p1 = await page('?since=2023-12-01T09:00:00.000Z&limit=4');
    expect(p1.visitors.map((v: Json) => v.id)).toEqual(newIds.slice(0, 4));
    expect(p1.hasMore).toBe(true);
    const p2 = await page(`?since=${p1.cursor}&limit=4`);
    expect(p2.visitors.map((v: Json) => v.id)).toEqual(newIds.slice(4));
    expect(p2.hasMore).toBe(false);
    expect((await page('?since=2023-12-01T10:00:00.000Z')).visitors).toEqual([]);
  });

  it('default page size is 1000, maximum 10 000', async () => {
    api = await startApi({ seed: 1200 });
    const p = await page('');
    expect(p.visitors).toHaveLength(1000);
    expect(p.hasMore).toBe(true);
    const big = await page('?limit=10000');
    expect(big.visitors).toHaveLength(1200);
    expect(big.hasMore).toBe(false);
  });

  it('syncTimestamp is the server time of the page', async () => {
    const clock = new TestClock('2024-05-01T12:00:00.000Z');
    api = await startApi({ clock: clock.now, seed: 2 });
    clock.set('2024-05-01T12:30:00.000Z');
    expect((await page('')).syncTimestamp).toBe('2024-05-01T12:30:00.000Z');
  });

  it('ISO since finds exactly the records changed after it, even with out-of-order times', async () => {
    api = await startApi({ seed: 30 });
    const rng = createRng(99);
    const ids = [...(await serverState()).keys()];
    // Fixture edits at scattered past times, in no particular order.
    for (let i = 0; i < 40; i++) {
      const at = new Date(Date.UTC(2024, 0, 1 + Math.floor(rng() * 60))).toISOString();
      await api.fixtures([
        { id: ids[Math.floor(rng() * ids.length)], data: { notes: `edit ${i}` }, at },
      ]);
    }
    const everything = [...(await serverState()).values()];
    for (const since of [
      '2023-06-01T00:00:00.000Z',
      '2024-01-15T00:00:00.000Z',
      '2024-02-01T12:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
      '2099-01-01T00:00:00.000Z',
    ]) {
      const expected = everything
        .filter((v) => v.lastModified > since)
        .map((v) => v.id)
        .sort();
      const { mirror } = await pullAll(since, 4);
      expect([...mirror.keys()].sort()).toEqual(expected);
    }
  });
});
