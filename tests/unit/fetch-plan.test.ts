import { describe, expect, it } from 'vitest';
import {
  AHEAD,
  MAX_BLOCKS_PER_FETCH,
  motionOf,
  planFetches,
  type BlockState,
} from '../../renderer/src/paging/fetch-plan';

/** A store's blocks: those listed, the rest missing. */
const holding =
  (blocks: Record<number, BlockState>) =>
  (b: number): BlockState =>
    blocks[b] ?? 'missing';

describe('motionOf', () => {
  it('tells a step from a jump by whether the windows overlap', () => {
    expect(motionOf([100, 140], [110, 150])).toBe('down');
    expect(motionOf([100, 140], [90, 130])).toBe('up');
    expect(motionOf([100, 140], [100, 140])).toBe('still');
    expect(motionOf([100, 140], [141, 181])).toBe('jump');
    expect(motionOf([100, 140], [20, 60])).toBe('jump');
  });
});

describe('planFetches', () => {
  it('after a jump, asks for the window and the rows ahead below it in one OFFSET query', () => {
    const plan = planFetches({
      window: [5_050, 5_089],
      motion: 'jump',
      total: 100_000,
      state: holding({}),
    });
    // rows 5 050 … 5 089 + AHEAD: blocks 50 to 52, nothing above
    expect(AHEAD).toBe(200);
    expect(plan).toEqual([{ block: 50, blocks: 3, keyset: false }]);
  });

  it('scrolling down, asks for every block up to AHEAD rows past the window, by keyset', () => {
    const plan = planFetches({
      window: [5_090, 5_129],
      motion: 'down',
      total: 100_000,
      state: holding({ 50: 'keyed', 51: 'keyed', 52: 'keyed' }),
    });
    expect(plan).toEqual([{ block: 53, blocks: 1, keyset: true }]);
    // Three blocks missing (the last plan could ask for none): one keyset query for all.
    const run = planFetches({
      window: [5_190, 5_229],
      motion: 'down',
      total: 100_000,
      state: holding({ 50: 'keyed', 51: 'keyed' }),
    });
    expect(run).toEqual([{ block: 52, blocks: 3, keyset: true }]);
  });

  it('scrolling down, a block past the window waits for the cursor of the one before it', () => {
    const state = holding({ 49: 'loading', 50: 'loading', 51: 'loading' });
    expect(planFetches({ window: [5_100, 5_139], motion: 'down', total: 100_000, state })).toEqual(
      [],
    );
    // …but not one whose predecessor will bring no cursor (the middle of a larger answer)
    const middle = holding({ 50: 'keyed', 51: 'known' });
    expect(
      planFetches({ window: [5_100, 5_139], motion: 'down', total: 100_000, state: middle }),
    ).toEqual([{ block: 52, blocks: 2, keyset: false }]);
  });

  it('asks for a block in the window at once, by OFFSET if no cursor is known', () => {
    const plan = planFetches({
      window: [5_180, 5_219],
      motion: 'down',
      total: 100_000,
      state: holding({ 50: 'keyed', 51: 'loading' }),
    });
    expect(plan).toEqual([{ block: 52, blocks: 3, keyset: false }]);
  });

  it('scrolling up, asks for the blocks above by OFFSET (cursors only lead down)', () => {
    const plan = planFetches({
      window: [5_010, 5_049],
      motion: 'up',
      total: 100_000,
      state: holding({ 50: 'keyed' }),
    });
    expect(plan).toEqual([{ block: 48, blocks: 2, keyset: false }]);
  });

  it('never asks past either end, nor beyond the window before the count is known', () => {
    expect(
      planFetches({ window: [0, 39], motion: 'jump', total: 1_000, state: holding({}) }),
    ).toEqual([{ block: 0, blocks: 3, keyset: false }]);
    expect(
      planFetches({ window: [960, 999], motion: 'jump', total: 1_000, state: holding({}) }),
    ).toEqual([{ block: 9, blocks: 1, keyset: false }]);
    expect(
      planFetches({ window: [40, 79], motion: 'up', total: 1_000, state: holding({ 0: 'keyed' }) }),
    ).toEqual([]);
    expect(
      planFetches({ window: [460, 499], motion: 'jump', total: null, state: holding({}) }),
    ).toEqual([{ block: 4, blocks: 1, keyset: false }]);
  });

  it('at rest, asks for the window only', () => {
    expect(
      planFetches({ window: [5_050, 5_089], motion: 'still', total: 100_000, state: holding({}) }),
    ).toEqual([{ block: 50, blocks: 1, keyset: false }]);
  });

  it('asks for at most a few blocks per request', () => {
    const plan = planFetches({
      window: [1_000, 1_799],
      motion: 'still',
      total: 100_000,
      state: holding({}),
    });
    expect(plan.map((f) => f.blocks)).toEqual([MAX_BLOCKS_PER_FETCH, 8 - MAX_BLOCKS_PER_FETCH]);
    expect(plan.every((f) => !f.keyset)).toBe(true);
  });
});
