import { describe, expect, it } from 'vitest';
import { MAX_RANGE_ROWS } from '../../shared/ipc/bounded';
import { selectionTooLarge } from '../../renderer/src/queue/selection-limit';

describe('selectionTooLarge: ticked operations past what one action takes', () => {
  it('lets through up to the limit the core takes in one target', () => {
    expect(selectionTooLarge(1)).toBeNull();
    expect(selectionTooLarge(MAX_RANGE_ROWS)).toBeNull();
  });
  it('past it, says how many, the limit, and what to do instead', () => {
    expect(selectionTooLarge(MAX_RANGE_ROWS + 1)).toBe(
      '100,001 operations are ticked; one action takes at most 100,000 of them. Filter the queue down to them and use “Retry all” or the other actions on all matches, or act on them in parts.',
    );
  });
});
