import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictFilterIn, ConflictSort } from '../../shared/ipc/conflicts-contract';
import type { VisitorFilter, VisitorSort } from '../../shared/ipc/visitors-contract';
import { makeCore, type TestCore } from '../fixtures/core';
import { seedConflicts } from '../fixtures/conflicts';

/**
 * A Shift-click range over rows not loaded asks the core for the ids at
 * those positions: position n must be row n of the table, i.e. of the page
 * query's order (sort key, then the tiebreaker) under the same filter.
 */

let core: TestCore;
beforeAll(async () => {
  core = makeCore();
  seedConflicts(core, 400);
  // Ties and mixed case on name and company, and two kinds: the tiebreaker decides.
  const names = ['alice', 'Alice', 'BOB', 'bob', 'Carol'];
  const companies = ['', 'Acme', 'acme', 'Zeta'];
  const ids = (
    core.db.prepare('SELECT id FROM conflicts ORDER BY id').all() as { id: number }[]
  ).map((r) => r.id);
  const upd = core.db.prepare(
    'UPDATE conflicts SET visitor_name = ?, company = ?, kind = ? WHERE id = ?',
  );
  ids.forEach((id, i) =>
    upd.run(names[i % 5], companies[i % 4], i % 3 ? 'field' : 'delete_modified', id),
  );
  // A local visitor and one whose deletion waits: rows the visitors table shows or hides.
  await core.call('visitors:create', { values: { name: 'alice local', company: 'Acme' } });
  const [gone] = core.db.prepare('SELECT local_id FROM visitors LIMIT 1').pluck().all() as string[];
  await core.call('visitors:delete', { localId: gone! });
});
afterAll(() => core.dispose());

/** Spans that start and end inside pages, cross them, and run past the end. */
const SPANS: [number, number][] = [
  [0, 1],
  [5, 40],
  [37, 150],
  [199, 1],
  [250, 500],
];

describe('conflicts:idsAt', () => {
  async function pageOrder(filter: ConflictFilterIn, sort: ConflictSort): Promise<number[]> {
    const out: number[] = [];
    for (;;) {
      const page = await core.call('conflicts:page', {
        filter,
        sort,
        offset: out.length,
        limit: 60,
      });
      out.push(...page.rows.map((r) => r.id));
      if (page.rows.length < 60) return out;
    }
  }

  const cases: [ConflictFilterIn, ConflictSort][] = [
    [{}, { column: 'createdAt', direction: 'asc' }],
    [{}, { column: 'name', direction: 'asc' }],
    [{}, { column: 'company', direction: 'desc' }],
    [{}, { column: 'kind', direction: 'asc' }],
    [{ kinds: ['field'] }, { column: 'name', direction: 'desc' }],
    [{ company: 'acme' }, { column: 'createdAt', direction: 'desc' }],
  ];

  it.each(cases)(
    'gives the ids of the page query rows at each position: %j %j',
    async (filter, sort) => {
      const order = await pageOrder(filter, sort);
      expect(order.length).toBeGreaterThan(0);
      for (const [offset, limit] of SPANS) {
        const { ids } = await core.call('conflicts:idsAt', { filter, sort, offset, limit });
        expect(ids, `${offset}+${limit}`).toEqual(order.slice(offset, offset + limit));
      }
    },
  );

  it('refuses a span longer than a range may be, in words', async () => {
    const r = await core.raw('conflicts:idsAt', { offset: 0, limit: 100_001 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/limit/);
    const ok = await core.call('conflicts:idsAt', { offset: 0, limit: 100_000 });
    expect(ok.ids).toHaveLength(400);
  });
});

describe('visitors:idsAt', () => {
  async function pageOrder(search: string, filter: VisitorFilter, sort: VisitorSort) {
    const out: string[] = [];
    for (;;) {
      const page = await core.call('visitors:page', {
        search,
        filter,
        sort,
        offset: out.length,
        limit: 60,
      });
      out.push(...page.rows.map((r) => r.localId));
      if (page.rows.length < 60) return out;
    }
  }

  const cases: [string, VisitorFilter, VisitorSort][] = [
    ['', {}, { column: 'name', direction: 'asc' }],
    ['', {}, { column: 'company', direction: 'desc' }],
    ['', {}, { column: 'interests', direction: 'asc' }],
    ['', { syncState: 'conflict' }, { column: 'email', direction: 'asc' }],
    ['acme', {}, { column: 'updatedAt', direction: 'desc' }],
  ];

  it.each(cases)(
    'gives the local ids of the page query rows at each position: %j %j %j',
    async (search, filter, sort) => {
      const order = await pageOrder(search, filter, sort);
      expect(order.length).toBeGreaterThan(0);
      for (const [offset, limit] of SPANS) {
        const { localIds } = await core.call('visitors:idsAt', {
          search,
          filter,
          sort,
          offset,
          limit,
        });
        expect(localIds, `${offset}+${limit}`).toEqual(order.slice(offset, offset + limit));
      }
    },
  );

  it('refuses a span longer than a range may be', async () => {
    const r = await core.raw('visitors:idsAt', { offset: 0, limit: 100_001 });
    expect(r.ok).toBe(false);
  });
});
