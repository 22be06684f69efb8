import { describe, expect, it } from 'vitest';
import { countdown, plural, showValue, statusText } from '../../renderer/src/queue/format';

describe('queue screen wording', () => {
  const now = Date.parse('2025-01-01T00:00:00.000Z');
  it.each([
    [null, '—'],
    ['not a date', '—'],
    ['2024-12-31T23:59:59.000Z', 'due now'],
    ['2025-01-01T00:00:00.000Z', 'due now'],
    ['2025-01-01T00:00:00.200Z', 'in 1 s'],
    ['2025-01-01T00:00:42.000Z', 'in 42 s'],
    ['2025-01-01T00:02:05.000Z', 'in 2 min 05 s'],
    ['2025-01-01T03:04:00.000Z', 'in 3 h 04 min'],
  ])('counts down to %s as %s', (at, text) => expect(countdown(at, now)).toBe(text));

  it('says how many', () => {
    expect(plural(1, 'operation')).toBe('1 operation');
    expect(plural(10_000, 'operation')).toBe('10,000 operations');
  });

  it('names the status, and shows values', () => {
    expect(statusText({ status: 'failed', source: 'outbox', gaveUp: true })).toBe(
      'Failed (gave up)',
    );
    expect(statusText({ status: 'failed', source: 'conflict', gaveUp: false })).toBe(
      'Conflict loop',
    );
    expect(statusText({ status: 'retrying', source: 'outbox', gaveUp: false })).toBe('Retrying');
    expect([showValue(null), showValue([]), showValue(['a', 'b']), showValue('x')]).toEqual([
      '(empty)',
      '(none)',
      'a, b',
      'x',
    ]);
  });
});
