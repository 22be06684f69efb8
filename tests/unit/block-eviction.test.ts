import { describe, expect, it } from 'vitest';
import { blocksToDrop, MAX_BLOCKS } from '../../renderer/src/paging/block-eviction';
import { BLOCK_SIZE } from '../../renderer/src/paging/fetch-plan';

const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);

describe('blocksToDrop', () => {
  it('drops nothing while no more than the bound are held', () => {
    expect(blocksToDrop({ held: range(0, MAX_BLOCKS), window: [0, 30] })).toEqual([]);
  });

  it('drops the blocks farthest from the window, on either side', () => {
    // blocks 0…9 held, the window in block 6: 0 and 1 are farther than 9
    expect(
      blocksToDrop({ held: range(0, 10), window: [6 * BLOCK_SIZE, 6 * BLOCK_SIZE + 30], max: 7 }),
    ).toEqual([0, 1, 2]);
    // the window in block 2: 9, 8, 7 go
    expect(
      blocksToDrop({ held: range(0, 10), window: [2 * BLOCK_SIZE, 2 * BLOCK_SIZE + 30], max: 7 }),
    ).toEqual([9, 8, 7]);
  });

  it('never drops the pinned block nor one of the window', () => {
    expect(
      blocksToDrop({
        held: range(0, 10),
        window: [8 * BLOCK_SIZE, 9 * BLOCK_SIZE],
        pinned: 0,
        max: 4,
      }),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    // a window wider than the bound keeps all of its blocks
    expect(blocksToDrop({ held: range(0, 5), window: [0, 5 * BLOCK_SIZE - 1], max: 2 })).toEqual(
      [],
    );
  });
});
