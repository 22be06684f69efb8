import { describe, expect, it } from 'vitest';
import { changedFields, fieldEquals, patchBetween } from '../../shared/diff';
import { EMPTY_VALUES } from '../../shared/visitor';

describe('fieldEquals', () => {
  it.each([
    ['a', 'a', true],
    ['a', 'b', false],
    [null, undefined, true],
    [null, '', false],
    [['a', 'b'], ['a', 'b'], true],
    [['a', 'b'], ['b', 'a'], false],
    [['a'], ['a', 'b'], false],
    [[], [], true],
    [0, 0, true],
  ])('%j vs %j → %s', (a, b, eq) => expect(fieldEquals(a, b)).toBe(eq));
});

describe('changedFields / patchBetween', () => {
  const a = { ...EMPTY_VALUES, name: 'Ada', interests: ['x'] };
  it('lists fields in field order', () => {
    const b = { ...a, notes: 'n', company: 'C', interests: ['x', 'y'] };
    expect(changedFields(a, b)).toEqual(['company', 'interests', 'notes']);
    expect(patchBetween(a, b)).toEqual({ company: 'C', interests: ['x', 'y'], notes: 'n' });
  });
  it('is empty for equal records', () => {
    expect(patchBetween(a, { ...a, interests: ['x'] })).toEqual({});
  });
  it('carries a cleared field as null', () => {
    expect(patchBetween({ ...a, title: 'T' }, a)).toEqual({ title: null });
  });
});
