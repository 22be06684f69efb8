import Database from 'better-sqlite3';
import { makeCore } from '../fixtures/core';
import { makeVisitors } from '../fixtures/visitors';
import { type Benchmark, median } from './harness';

const MIRRORED = 20_000;
const EDITS = 2_000;

/**
 * T4: one local edit as the visitors screen makes it (visitors:update through
 * the handler table and the write gate: the record read, the coalescing
 * decision, the mirror row and its outbox operation written in one
 * transaction, committed with synchronous=FULL) against a raw autocommit
 * UPDATE of one row of the same table, on the same file, also FULL.
 * Each edit touches a record not edited before, so every one queues a new
 * operation; the two sides alternate in rounds of 100 so load falls on both.
 */
export const benchmarks: Benchmark[] = [
  {
    name: 'one local edit',
    async run() {
      const core = makeCore();
      try {
        const visitors = makeVisitors(MIRRORED, 4);
        core.mirror(visitors);
        const raw = new Database(core.dbPath);
        raw.pragma('journal_mode = WAL');
        raw.pragma('synchronous = FULL');
        const update = raw.prepare(
          'UPDATE visitors SET title = ?, updated_at = ? WHERE local_id = ?',
        );
        const ids = visitors.map((v) => v.id);
        const edit: number[] = [];
        const plain: number[] = [];
        for (let round = 0; round < EDITS / 100; round++) {
          let t0 = performance.now();
          for (let i = 0; i < 100; i++) {
            const n = round * 100 + i;
            await core.call('visitors:update', {
              localId: ids[n]!,
              patch: { title: `Edited ${n}` },
            });
          }
          edit.push((performance.now() - t0) / 100);
          t0 = performance.now();
          for (let i = 0; i < 100; i++) {
            const n = EDITS + round * 100 + i;
            update.run(`Edited ${n}`, new Date().toISOString(), ids[n]!);
          }
          plain.push((performance.now() - t0) / 100);
        }
        raw.close();
        const pending = core.repos.outbox.counts().pending;
        if (pending !== EDITS) throw new Error(`${pending} operations queued, expected ${EDITS}`);
        return [
          {
            id: 'T4',
            name: 'one local edit: mirror row + outbox operation, one transaction (visitors:update)',
            value: 1000 / median(edit),
            unit: 'edits/s',
            baseline: 1000 / median(plain),
            baselineLabel: 'raw autocommit UPDATE of one row, same file, synchronous=FULL',
            target: { atLeast: 0.33 },
          },
        ];
      } finally {
        core.dispose();
      }
    },
  },
];
