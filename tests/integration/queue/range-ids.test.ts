import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueFilterIn, QueueSort } from '../../../shared/ipc/queue-contract';
import { makeCore, type TestCore } from '../../fixtures/core';

/**
 * A Shift-click range over queue rows not loaded asks the core for the opIds
 * at those positions: position n must be row n of the table, i.e. of the
 * page query's order (sort key, then opId) under the same filter.
 */

let core: TestCore;
beforeAll(async () => {
  core = makeCore();
  // Ties and mixed case on names, creates and updates, two error codes, two statuses.
  const names = ['alice', 'Alice', 'BOB', 'bob', 'Carol'];
  for (let i = 0; i < 240; i++)
    await core.call('visitors:create', { values: { name: names[i % 5]!, company: `C${i % 7}` } });
  const locals = core.db.prepare('SELECT local_id FROM visitors').pluck().all() as string[];
  for (const id of locals.filter((_, i) => i % 4 === 0))
    await core.call('visitors:update', { localId: id, patch: { title: 'Lead' } });
  const error = (code: string) =>
    JSON.stringify({ code, message: `refused: ${code}`, retryable: code === 'unavailable' });
  const seqs = core.db.prepare('SELECT seq FROM outbox ORDER BY seq').pluck().all() as number[];
  const fail = core.db.prepare(
    'UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ? WHERE seq = ?',
  );
  seqs.forEach((seq, i) =>
    fail.run(
      i % 3 ? 'failed' : 'retrying',
      error(i % 2 ? 'validation' : 'unavailable'),
      i % 3 ? null : `2026-12-0${1 + (i % 4)}T10:00:00.000Z`,
      seq,
    ),
  );
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

async function pageOrder(filter: QueueFilterIn, sort: QueueSort): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const page = await core.call('queue:page', { filter, sort, offset: out.length, limit: 60 });
    out.push(...page.rows.map((r) => r.opId));
    if (page.rows.length < 60) return out;
  }
}

describe('queue:idsAt', () => {
  const cases: [QueueFilterIn, QueueSort][] = [
    [{}, { column: 'created', direction: 'asc' }],
    [{}, { column: 'visitor', direction: 'asc' }],
    [{}, { column: 'action', direction: 'desc' }],
    [{}, { column: 'nextAttempt', direction: 'asc' }],
    [{ status: 'failed' }, { column: 'code', direction: 'desc' }],
    [{ text: 'bob' }, { column: 'visitor', direction: 'desc' }],
  ];

  it.each(cases)(
    'gives the opIds of the page query rows at each position: %j %j',
    async (filter, sort) => {
      const order = await pageOrder(filter, sort);
      expect(order.length).toBeGreaterThan(0);
      for (const [offset, limit] of SPANS) {
        const { opIds } = await core.call('queue:idsAt', { filter, sort, offset, limit });
        expect(opIds, `${offset}+${limit}`).toEqual(order.slice(offset, offset + limit));
      }
    },
  );

  it('refuses a span over 100 000 rows in words, and takes one of 100 000', async () => {
    const r = await core.raw('queue:idsAt', { offset: 0, limit: 100_001 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/limit/);
    const ok = await core.call('queue:idsAt', { offset: 0, limit: 100_000 });
    const { total } = await core.call('queue:count', {});
    expect(total).toBe(240);
    expect(ok.opIds).toHaveLength(total);
  });
});
