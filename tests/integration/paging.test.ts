import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VISITOR_SORT_COLUMNS,
  type PageCursor,
  type VisitorRow,
  type VisitorSort,
} from '../../shared/ipc/contract';
import { makeCore, type TestCore } from '../fixtures/core';
import { makeVisitors } from '../fixtures/visitors';

let core: TestCore;
const N = 1_500;
beforeAll(async () => {
  core = makeCore();
  core.mirror(makeVisitors(N, 7));
  // a few local rows, one hidden by a queued delete
  await core.call('visitors:create', { values: { name: '100% Real_Name', company: null } });
  await core.call('visitors:delete', { localId: 'srv-00000003' });
});
afterAll(() => core.dispose());

async function walk(
  search: string,
  sort: VisitorSort,
  keyset: boolean,
  limit = 97,
): Promise<VisitorRow[]> {
  const out: VisitorRow[] = [];
  let after: PageCursor | undefined;
  for (;;) {
    const page = await core.call('visitors:page', {
      search,
      sort,
      offset: out.length,
      limit,
      ...(keyset && after ? { after } : {}),
    });
    out.push(...page.rows);
    if (page.rows.length < limit) return out;
    after = page.last ?? undefined;
  }
}

/** The order the UI promises, computed independently of SQL. */
function expectedOrder(rows: VisitorRow[], sort: VisitorSort): string[] {
  const key = (r: VisitorRow) => {
    if (sort.column === 'updatedAt') return r.updatedAt;
    // Interests sort by the first one (none: as an empty string).
    if (sort.column === 'interests') return (r.interests[0] ?? '').toLowerCase();
    const v = (r[sort.column] ?? '') as string;
    return v.replace(/[A-Z]/g, (c) => c.toLowerCase());
  };
  const sorted = [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c =
      ka < kb ? -1 : ka > kb ? 1 : a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0;
    return sort.direction === 'asc' ? c : -c;
  });
  return sorted.map((r) => r.localId);
}

describe('visitors:page', () => {
  const sorts = VISITOR_SORT_COLUMNS.flatMap((column) =>
    (['asc', 'desc'] as const).map((direction) => ({ column, direction })),
  );

  it.each(sorts)('keyset and offset paging give the same complete order for %j', async (sort) => {
    const byOffset = await walk('', sort, false);
    const byKeyset = await walk('', sort, true);
    expect(byOffset.length).toBe(N); // N mirrored - 1 deleted + 1 created
    expect(byKeyset.map((r) => r.localId)).toEqual(byOffset.map((r) => r.localId));
    expect(byOffset.map((r) => r.localId)).toEqual(expectedOrder(byOffset, sort));
    expect((await core.call('visitors:count', { search: '' })).total).toBe(N);
  });

  it('searches name, company and email, case-insensitively', async () => {
    const rows = await walk('LOVELACE', { column: 'name', direction: 'asc' }, true);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows)
      expect(`${r.name} ${r.company} ${r.email}`.toLowerCase()).toContain('lovelace');
    expect((await core.call('visitors:count', { search: 'lovelace' })).total).toBe(rows.length);
    const byCompany = await walk('globex', { column: 'company', direction: 'asc' }, true);
    expect(byCompany.length).toBeGreaterThan(0);
    expect(byCompany.every((r) => r.company === 'Globex' || r.email?.includes('globex'))).toBe(
      true,
    );
  });

  it('searches words: punctuation, wildcards and FTS5 syntax are plain separators', async () => {
    const rows = await walk('100% real_name', { column: 'name', direction: 'asc' }, false);
    expect(rows.map((r) => r.name)).toEqual(['100% Real_Name']);
    const ada = (await core.call('visitors:count', { search: 'ada' })).total;
    expect(ada).toBeGreaterThan(0);
    // FTS5's own operators and quotes are words like any other, never a syntax error.
    expect((await core.call('visitors:count', { search: 'ada" OR *' })).total).toBeLessThanOrEqual(
      ada,
    );
    expect((await core.call('visitors:count', { search: '%_*' })).total).toBe(N);
  });

  it('hides records whose deletion is queued', async () => {
    await expect(core.call('visitors:get', { localId: 'srv-00000003' })).resolves.toMatchObject({
      pending: 'delete',
    });
    const all = await walk('', { column: 'name', direction: 'asc' }, true, 500);
    expect(all.some((r) => r.localId === 'srv-00000003')).toBe(false);
  });

  it('marks each row with its queued action', async () => {
    const rows = await walk('100%', { column: 'name', direction: 'asc' }, false);
    expect(rows[0]).toMatchObject({ pending: 'create', dirty: true, serverId: null });
    const synced = await core.call('visitors:get', { localId: 'srv-00000010' });
    expect(synced).toMatchObject({
      pending: null,
      dirty: false,
      serverId: 'srv-00000010',
      version: 1,
    });
  });
});
