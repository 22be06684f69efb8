import Database from 'better-sqlite3';
import { dispatch } from '../../electron/core/ipc/dispatch';
import type { PageCursor } from '../../shared/ipc/contract';
import { makeCore } from '../fixtures/core';
import { makeVisitors, rng } from '../fixtures/visitors';
import { type Benchmark, median, timeMs } from './harness';

const N = 200_000;
const PAGE = 100;

/**
 * Paging 200 000 visitors in the mirror through the handler table (schema
 * parse, repository, row mapping, result envelope) against raw better-sqlite3
 * running the same SQL on the same file.
 */
export const benchmarks: Benchmark[] = [
  {
    name: 'page through 200 000 visitors',
    async run() {
      const core = makeCore();
      core.mirror(makeVisitors(N, 11));
      const raw = new Database(core.dbPath, { readonly: true });
      const rawKeyset = raw.prepare(
        `SELECT * FROM visitors WHERE deleted = 0 AND name COLLATE NOCASE >= @key
           AND (name COLLATE NOCASE, local_id) > (@key, @id)
         ORDER BY name COLLATE NOCASE, local_id LIMIT @limit`,
      );
      const rawFirst = raw.prepare(
        `SELECT * FROM visitors WHERE deleted = 0 ORDER BY name COLLATE NOCASE, local_id LIMIT ?`,
      );
      const rawOffset = raw.prepare(
        `SELECT * FROM visitors WHERE deleted = 0 ORDER BY name COLLATE NOCASE, local_id LIMIT ? OFFSET ?`,
      );
      const sort = { column: 'name', direction: 'asc' } as const;

      const walkHandler = async () => {
        let after: PageCursor | undefined;
        let seen = 0;
        for (;;) {
          const r = await dispatch(core.handlers, 'visitors:page', {
            sort,
            offset: seen,
            limit: PAGE,
            ...(after ? { after } : {}),
          });
          if (!r.ok) throw new Error(r.error.message);
          const page = r.value as { rows: unknown[]; last: PageCursor | null };
          seen += page.rows.length;
          if (page.rows.length < PAGE) return seen;
          after = page.last!;
        }
      };
      const walkRaw = () => {
        let rows = rawFirst.all(PAGE) as { name: string; local_id: string }[];
        let seen = rows.length;
        while (rows.length === PAGE) {
          const last = rows[PAGE - 1]!;
          rows = rawKeyset.all({ key: last.name, id: last.local_id, limit: PAGE }) as typeof rows;
          seen += rows.length;
        }
        return seen;
      };

      const handlerMs = await timeMs(walkHandler, 3);
      const rawMs = await timeMs(walkRaw, 3);

      // Random jumps (a dragged scrollbar): OFFSET pages at random positions.
      const jumps = Array.from(
        { length: 200 },
        (
          (r) => () =>
            Math.floor(r() * (N - PAGE))
        )(rng(5)),
      );
      const handlerJump: number[] = [];
      const rawJump: number[] = [];
      for (const offset of jumps) {
        let t = performance.now();
        await dispatch(core.handlers, 'visitors:page', { sort, offset, limit: PAGE });
        handlerJump.push(performance.now() - t);
        t = performance.now();
        rawOffset.all(PAGE, offset);
        rawJump.push(performance.now() - t);
      }

      raw.close();
      core.dispose();
      return [
        {
          id: 'T5',
          name: 'visitors:page keyset walk, 200k rows, pages of 100',
          value: N / (handlerMs / 1000),
          unit: 'rows/s',
          baseline: N / (rawMs / 1000),
          baselineLabel: 'raw better-sqlite3 keyset SELECT',
          target: { atLeast: 0.8 },
        },
        {
          id: 'T5-jump',
          name: 'visitors:page random jump (OFFSET), median',
          value: median(handlerJump),
          unit: 'ms/page',
          baseline: median(rawJump),
          baselineLabel: 'raw better-sqlite3 OFFSET SELECT',
        },
      ];
    },
  },
];
