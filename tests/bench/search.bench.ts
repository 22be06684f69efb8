import Database from 'better-sqlite3';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { ftsQuery } from '../../electron/core/visitors/visitor-search';
import { makeCore } from '../fixtures/core';
import { makeVisitors } from '../fixtures/visitors';
import { type Benchmark, median } from './harness';

const N = 200_000;
const PAGE = 100;

/** What people type: a name, a prefix, two words, a company, an email part, phone digits, an interest. */
const QUERIES = ['ada', 'hop', 'grace lov', 'labs', 'example.org', '555', 'cloud', 'ai sec', 'zz'];

/**
 * The visitors screen's search at 200 000 visitors: what the window waits
 * for after a keystroke (the count and the first page, sorted by name)
 * through the handler table, against the bare FTS5 MATCH of the same words
 * on the same file (rowids only, nothing joined, sorted or counted).
 */
export const benchmarks: Benchmark[] = [
  {
    name: 'search 200 000 visitors',
    async run() {
      const core = makeCore();
      core.mirror(makeVisitors(N, 11));
      const raw = new Database(core.dbPath, { readonly: true });
      const rawMatch = raw.prepare(
        'SELECT rowid FROM visitors_fts WHERE visitors_fts MATCH ? LIMIT 100',
      );
      const sort = { column: 'name', direction: 'asc' } as const;

      const handler: number[] = [];
      const baseline: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (const search of QUERIES) {
          let t = performance.now();
          const count = await dispatch(core.handlers, 'visitors:count', { search });
          const page = await dispatch(core.handlers, 'visitors:page', {
            search,
            sort,
            offset: 0,
            limit: PAGE,
          });
          if (!count.ok || !page.ok) throw new Error(`search "${search}" failed`);
          handler.push(performance.now() - t);
          t = performance.now();
          rawMatch.all(ftsQuery(search));
          baseline.push(performance.now() - t);
        }
      }
      raw.close();
      core.dispose();
      return [
        {
          id: 'S-search',
          name: `search of ${N.toLocaleString('en-US')} visitors: count and first ${PAGE} rows by name (median of ${handler.length})`,
          value: median(handler),
          unit: 'ms',
          baseline: median(baseline),
          baselineLabel: 'raw FTS5 MATCH of the same words, first 100 rowids',
          target: { valueAtMost: 100 },
        },
        {
          id: 'S-search-worst',
          name: `the slowest of those searches`,
          value: Math.max(...handler),
          unit: 'ms',
          baseline: Math.max(...baseline),
          baselineLabel: 'the slowest raw FTS5 MATCH',
        },
      ];
    },
  },
];
