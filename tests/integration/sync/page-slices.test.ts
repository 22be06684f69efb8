import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { relaxedAcrossTurns } from '../../../electron/core/db/durability';
import { applyChangePage, type PageWriting } from '../../../electron/core/sync/mirror';
import type { ChangePage } from '../../../shared/protocol';
import type { Visitor } from '../../../shared/visitor';
import { makeCore, type TestCore } from '../../fixtures/core';

let core: TestCore;
beforeEach(() => {
  core = makeCore();
});
afterEach(() => core.dispose());

const AT = '2026-12-03T10:00:00.000Z';
const id = (i: number) => `srv-${String(i).padStart(4, '0')}`;

function visitor(i: number, version: number, word = `alpha${i}`): Visitor {
  return {
    id: id(i),
    name: `Visitor ${word}`,
    company: `Company ${i % 7}`,
    email: `v${i}@example.com`,
    title: 'Engineer',
    phone: `+1 555 ${1000 + i}`,
    interests: ['ai', `topic${i % 5}`],
    notes: `met about ${word}`,
    captureMethod: 'badge',
    capturedAt: '2026-12-01T10:00:00Z',
    lastModified: AT,
    version,
  };
}

function page(visitors: ChangePage['visitors'], cursor: string, hasMore = true): ChangePage {
  return { visitors, cursor, hasMore, syncTimestamp: AT };
}

function repos() {
  const r = core.repos;
  return {
    visitors: r.visitors,
    state: r.state,
    conflicts: r.conflicts,
    searchIndex: r.searchIndex,
  };
}

/**
 * The engine's way of writing a page (one transaction across turns, holding
 * the core's write gate), with slices as small as they go (20 records), and
 * a hook at each turn given back between them.
 */
function writing(onTurn: (n: number) => void | Promise<void> = () => undefined): PageWriting {
  let turns = 0;
  return {
    transaction: (work) => relaxedAcrossTurns(core.db, core.gate, 'the sync', work),
    yieldTurn: async () => {
      await onTurn(++turns);
      await new Promise((r) => setImmediate(r));
    },
    sliceMs: 0,
  };
}

const search = (word: string) =>
  (
    core.db
      .prepare(
        `SELECT server_id FROM visitors WHERE rowid IN
          (SELECT rowid FROM visitors_fts WHERE visitors_fts MATCH ?) ORDER BY server_id`,
      )
      .all(`"${word}"*`) as { server_id: string }[]
  ).map((r) => r.server_id);

/** FTS5's own check that the index holds exactly the words of the rows it should. */
const indexInStep = () =>
  core.db.exec("INSERT INTO visitors_fts (visitors_fts, rank) VALUES ('integrity-check', 1)");

describe('a pulled page written in slices', () => {
  it('gives the thread back between slices and keeps the search index in step with every kind of change', async () => {
    let turns = 0;
    const first = await applyChangePage(
      repos(),
      page(
        Array.from({ length: 260 }, (_, i) => visitor(i, 1)),
        'c1',
      ),
      AT,
      writing((n) => {
        turns = n;
      }),
    );
    expect(first).toEqual({ written: 260, deleted: 0, keptLocal: 0 });
    expect(turns).toBe(3); // 200 first, then the smallest slices (20)
    indexInStep();
    expect(search('alpha7')).toEqual([7, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79].map(id));

    // A local edit on two records (one the server then changes, one it deletes).
    for (const i of [10, 11])
      await core.call('visitors:update', { localId: id(i), patch: { title: `Local ${i}` } });

    const second = await applyChangePage(
      repos(),
      page(
        [
          visitor(1, 2, 'renamed'), // synced: takes the server's words
          visitor(10, 2, 'serverside'), // edited here: merged, our title stays
          { id: id(11), deleted: true, version: 2, lastModified: AT }, // edited here: kept
          { id: id(2), deleted: true, version: 2, lastModified: AT }, // synced: removed
          visitor(3, 1), // already known: left alone
          ...Array.from({ length: 40 }, (_, k) => visitor(400 + k, 1, `beta${k}`)), // new
        ],
        'c2',
        false,
      ),
      AT,
      writing(),
    );
    expect(second).toEqual({ written: 41, deleted: 1, keptLocal: 2 });
    indexInStep();
    expect(search('renamed')).toEqual([id(1)]);
    expect(search('alpha1')).not.toContain(id(1));
    expect(search('serverside')).toEqual([id(10)]);
    expect(search('Local')).toEqual([id(10), id(11)]);
    expect(search('alpha2')).not.toContain(id(2));
    expect(search('beta39')).toEqual([id(439)]);
    expect(core.repos.state.get('cursor')).toBe('c2');
    expect(core.repos.state.get('lastSyncTimestamp')).toBe(AT);
    // The per-row triggers are live again for everything else.
    expect(core.db.prepare('SELECT count(*) AS n FROM visitors_fts_paused').get()).toEqual({
      n: 0,
    });
    await core.call('visitors:update', { localId: id(3), patch: { notes: 'gamma' } });
    expect(search('gamma')).toEqual([id(3)]);
    indexInStep();
  });

  it('stopped between two slices, writes nothing of the page; read again, it is written whole', async () => {
    const records = Array.from({ length: 300 }, (_, i) => visitor(i, 1));
    const crash = new Error('the core stopped');
    await expect(
      applyChangePage(
        repos(),
        page(records, 'c1'),
        AT,
        writing((n) => {
          if (n === 2) throw crash;
        }),
      ),
    ).rejects.toBe(crash);
    expect(core.db.prepare('SELECT count(*) AS n FROM visitors').get()).toEqual({ n: 0 });
    expect(core.repos.state.get('cursor')).toBeNull();
    indexInStep();

    const again = await applyChangePage(repos(), page(records, 'c1'), AT, writing());
    expect(again).toEqual({ written: 300, deleted: 0, keptLocal: 0 });
    expect(core.repos.state.get('cursor')).toBe('c1');
    indexInStep();
    expect(search('alpha299')).toEqual([id(299)]);
  });

  it('between slices a window reads the last commit at once, and its edit waits for the page', async () => {
    core.mirror([visitor(1, 1)]);
    const seen: { during: number; edited: boolean }[] = [];
    // The edit comes from outside the sync (as a window's call does), at the first turn given back.
    let typed!: () => void;
    let edited = false;
    const edit = new Promise<void>((r) => (typed = r))
      .then(() =>
        core.call('visitors:update', { localId: id(1), patch: { title: 'Typed meanwhile' } }),
      )
      .then(() => (edited = true));
    await applyChangePage(
      repos(),
      page(
        Array.from({ length: 300 }, (_, i) => visitor(100 + i, 1)),
        'c1',
      ),
      AT,
      writing(async (n) => {
        if (n === 1) typed();
        await new Promise((r) => setImmediate(r));
        const page = await core.call('visitors:page', {
          search: '',
          filter: {},
          sort: { column: 'name', direction: 'asc' },
          offset: 0,
          limit: 10,
        });
        seen.push({ during: page.rows.length, edited });
      }),
    );
    // Every read during the page saw only the one committed visitor, and the edit had not landed.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(seen.map(() => ({ during: 1, edited: false })));
    await edit;
    expect(await core.call('visitors:get', { localId: id(1) })).toMatchObject({
      title: 'Typed meanwhile',
      dirty: true,
    });
    expect(core.db.prepare('SELECT count(*) AS n FROM visitors').get()).toEqual({ n: 301 });
  });

  it('a write that fails inside a bulk step rolls back with the index and leaves the triggers on', () => {
    core.mirror([visitor(1, 1)]);
    expect(() =>
      core.db.transaction(() =>
        core.repos.searchIndex.bulk('server_id', [id(1)], () => {
          core.repos.visitors.remove(id(1));
          throw new Error('refused');
        }),
      )(),
    ).toThrow('refused');
    expect(search('alpha1')).toEqual([id(1)]);
    expect(core.db.prepare('SELECT count(*) AS n FROM visitors_fts_paused').get()).toEqual({
      n: 0,
    });
    indexInStep();
    expect(() => core.repos.searchIndex.bulk('server_id', [], () => 1)).toThrow(
      'inside a transaction',
    );
  });
});
