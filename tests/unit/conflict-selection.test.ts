import { describe, expect, it } from 'vitest';
import { cancelRange, completeRange, isPending } from '../../renderer/src/paging/selection';
import {
  EMPTY_SELECTION,
  isSelected,
  range,
  selectAllMatching,
  selectedCount,
  startRange,
  targetTooLarge,
  toggle,
  toTarget,
} from '../../renderer/src/conflicts/selection';
import { ConflictTargetSchema, MAX_TARGET_IDS } from '../../shared/ipc/conflicts-contract';

const idAt = (i: number) => (i < 100 ? 1000 + i : undefined);

describe('conflict selection', () => {
  it('toggles single rows and remembers the anchor', () => {
    let s = toggle(EMPTY_SELECTION, 1003, 3);
    expect(isSelected(s, 1003)).toBe(true);
    expect(s.anchor).toBe(3);
    s = toggle(s, 1003, 3);
    expect(isSelected(s, 1003)).toBe(false);
    expect(selectedCount(s, 50)).toBe(0);
  });

  it('selects a shift range from the anchor, in either direction', () => {
    const down = range(toggle(EMPTY_SELECTION, 1002, 2), 5, idAt);
    expect([...down.ids].sort()).toEqual([1002, 1003, 1004, 1005]);
    const up = range(toggle(EMPTY_SELECTION, 1005, 5), 2, idAt);
    expect([...up.ids].sort()).toEqual([1002, 1003, 1004, 1005]);
    // With no anchor a range is the row itself.
    expect([...range(EMPTY_SELECTION, 7, idAt).ids]).toEqual([1007]);
    // Rows not loaded yet are skipped rather than invented.
    expect([...range(toggle(EMPTY_SELECTION, 1098, 98), 101, idAt).ids].sort()).toEqual([
      1098, 1099,
    ]);
  });

  it('a range over rows not loaded asks for the span between them and is pending until it comes', () => {
    // Loaded: rows 0-99 (idAt); the anchor at 98, the click at 250.
    const loaded = (i: number) => (i < 100 || (i >= 240 && i < 260) ? 1000 + i : undefined);
    const r = startRange(toggle(EMPTY_SELECTION, 1098, 98), 250, loaded, 1_000);
    if ('refused' in r) throw new Error(r.refused);
    expect(r.ask).toEqual({ offset: 100, limit: 140 });
    expect(isPending(r.selection)).toBe(true);
    // Until then only the loaded rows of the range are in it.
    expect(r.selection.ids.size).toBe(2 + 11);
    const done = completeRange(
      r.selection,
      Array.from({ length: 140 }, (_, k) => 1100 + k),
    );
    expect(isPending(done)).toBe(false);
    expect(done.ids.size).toBe(250 - 98 + 1);
    // Given up (an error): the selection as it was before the Shift-click.
    expect([...cancelRange(r.selection).ids]).toEqual([1098]);
    // Fully loaded: nothing to ask.
    const fast = startRange(toggle(EMPTY_SELECTION, 1002, 2), 50, loaded, 1_000);
    expect('ask' in fast && fast.ask).toBeNull();
    // Longer than a selection of ids may be: refused in words.
    expect(startRange(toggle(EMPTY_SELECTION, 1000, 0), 5_000, loaded, 1_000)).toHaveProperty(
      'refused',
    );
  });

  it('"all that match" covers rows never loaded, minus the ones unticked', () => {
    let s = selectAllMatching();
    expect(isSelected(s, 123456)).toBe(true);
    expect(selectedCount(s, 100_000)).toBe(100_000);
    s = toggle(s, 1004, 4);
    expect(isSelected(s, 1004)).toBe(false);
    expect(selectedCount(s, 100_000)).toBe(99_999);
    // Shift-range in "all" mode selects again (drops the exclusions).
    s = range({ ...s, anchor: 2 }, 6, idAt);
    expect(isSelected(s, 1004)).toBe(true);
    expect(selectedCount(s, 100_000)).toBe(100_000);
  });

  it('turns into the target main takes: ids, or the filter with its exceptions', () => {
    const filter = { fields: ['phone' as const], text: 'acme' };
    expect(toTarget(EMPTY_SELECTION, filter)).toBeNull();
    expect(toTarget(toggle(EMPTY_SELECTION, 7, 0), filter)).toEqual({ ids: [7] });
    expect(toTarget(toggle(selectAllMatching(), 9, 0), filter)).toEqual({
      filter,
      exceptIds: [9],
    });
  });

  it('a selection one decision cannot take is refused in words, before any request', () => {
    const ids = (n: number) => new Set(Array.from({ length: n }, (_, i) => i + 1));
    const picked = { all: false, ids: ids(MAX_TARGET_IDS), anchor: null };
    expect(targetTooLarge(picked)).toBeNull();
    expect(ConflictTargetSchema.safeParse(toTarget(picked, {})).success).toBe(true);

    const tooMany = { ...picked, ids: ids(MAX_TARGET_IDS + 1) };
    expect(ConflictTargetSchema.safeParse(toTarget(tooMany, {})).success).toBe(false);
    // Numbers in the runtime's own format (200,001 in en-US).
    const n = (x: number) => new Intl.NumberFormat().format(x);
    expect(targetTooLarge(tooMany)).toContain(`${n(MAX_TARGET_IDS + 1)} conflicts are picked`);
    expect(targetTooLarge(tooMany)).toContain(`at most ${n(MAX_TARGET_IDS)} of them`);

    const unticked = { all: true, ids: ids(MAX_TARGET_IDS + 5), anchor: null };
    expect(targetTooLarge(unticked)).toMatch(/unticked from “Select all”/);
  });
});
