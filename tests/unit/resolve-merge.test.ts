import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  changedSince,
  joinNotes,
  mergeField,
  NOTES_SEPARATOR,
  unionArrays,
} from '../../shared/resolve/merge';

describe('unionArrays (the seed: [...new Set([...client, ...server])])', () => {
  it.each([
    [
      ['tech', 'AI'],
      ['tech', 'leadership'],
      ['tech', 'AI', 'leadership'],
    ],
    [[], ['a'], ['a']],
    [['a'], [], ['a']],
    [[], [], []],
    [
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ],
    [
      ['b', 'a'],
      ['a', 'b'],
      ['b', 'a'],
    ],
    [
      ['a', 'a'],
      ['b', 'b'],
      ['a', 'b'],
    ],
  ])('%j ∪ %j → %j', (client, server, expected) => {
    expect(unionArrays(client, server)).toEqual(expected);
  });

  const items = fc.array(fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 8 });

  it('contains every item of both sides', () => {
    fc.assert(
      fc.property(items, items, (c, s) => {
        const u = unionArrays(c, s);
        expect([...c, ...s].every((x) => u.includes(x))).toBe(true);
        expect(u.every((x) => c.includes(x) || s.includes(x))).toBe(true);
      }),
    );
  });

  it("puts the client's items first in its order, then the server's new ones in theirs", () => {
    fc.assert(
      fc.property(items, items, (c, s) => {
        const u = unionArrays(c, s);
        const clientPart = [...new Set(c)];
        expect(u.slice(0, clientPart.length)).toEqual(clientPart);
        expect(u.slice(clientPart.length)).toEqual([...new Set(s.filter((x) => !c.includes(x)))]);
      }),
    );
  });

  it('has no duplicates', () => {
    fc.assert(
      fc.property(items, items, (c, s) => {
        const u = unionArrays(c, s);
        expect(new Set(u).size).toBe(u.length);
      }),
    );
  });
});

describe("joinNotes (the seed's mergeData: `${client}\\n---\\n${server}`)", () => {
  it('joins differing texts with a separator line, client first', () => {
    expect(NOTES_SEPARATOR).toBe('\n---\n');
    expect(joinNotes('ours', 'theirs')).toBe('ours\n---\ntheirs');
  });
  it.each([
    [null, 'theirs', 'theirs'],
    ['', 'theirs', 'theirs'],
    ['ours', null, 'ours'],
    ['ours', '', 'ours'],
    [null, null, null],
    ['', '', null],
    ['same', 'same', 'same'],
  ])('%j + %j → %j (an empty side takes the other)', (c, s, expected) => {
    expect(joinNotes(c, s)).toBe(expected);
  });
});

describe('changedSince', () => {
  it.each([
    ['a', 'a', 'a', 'none'],
    ['b', 'a', 'a', 'client'],
    ['a', 'b', 'a', 'server'],
    ['b', 'c', 'a', 'both'],
    ['b', 'c', undefined, 'unknown'],
    [null, 'a', null, 'server'],
    [['x'], ['x', 'y'], ['x'], 'server'],
  ])('client %j server %j base %j → %s', (c, s, b, expected) => {
    expect(changedSince(c, s, b)).toBe(expected);
  });
});

/**
 * mergeField on every field type: string, nullable string, ISO timestamp,
 * array, notes; with the base unknown, showing one side changed, showing both.
 */
describe('mergeField', () => {
  const scalarCases = [
    { field: 'name', base: 'Ada', client: 'Ada L.', server: 'Ada Lovelace' },
    { field: 'company', base: 'Acme', client: 'Acme Ltd', server: 'ACME Inc' },
    { field: 'title', base: null, client: 'VP', server: 'CMO' },
    { field: 'email', base: 'a@x.io', client: 'b@x.io', server: null },
    { field: 'phone', base: '+1-1', client: null, server: '+1-2' },
    { field: 'captureMethod', base: 'manual', client: 'event_badge', server: 'business_card' },
    {
      field: 'capturedAt',
      base: '2023-12-01T10:00:00.000Z',
      client: '2023-12-01T10:30:00.000Z',
      server: '2023-12-01T10:25:00.000Z',
    },
  ] as const;

  describe.each(scalarCases)('scalar $field', ({ field, base, client, server }) => {
    it('identical sides: that value', () => {
      expect(mergeField(field, client, client, base)).toEqual(client);
      expect(mergeField(field, client, client)).toEqual(client);
    });
    it("no base: the client's (the seed's { ...server, ...client })", () => {
      expect(mergeField(field, client, server)).toEqual(client);
    });
    it('only the server changed since the base: the server’s', () => {
      expect(mergeField(field, base, server, base)).toEqual(server);
    });
    it('only the client changed since the base: the client’s', () => {
      expect(mergeField(field, client, base, base)).toEqual(client);
    });
    it("both changed since the base: the client's", () => {
      expect(mergeField(field, client, server, base)).toEqual(client);
    });
  });

  describe('array interests', () => {
    const base = ['marketing'];
    const client = ['marketing', 'digital'];
    const server = ['marketing', 'strategy'];
    it('identical sides', () =>
      expect(mergeField('interests', client, [...client])).toEqual(client));
    it('no base: ordered union', () => {
      expect(mergeField('interests', client, server)).toEqual(['marketing', 'digital', 'strategy']);
    });
    it('both changed since the base: ordered union', () => {
      expect(mergeField('interests', client, server, base)).toEqual([
        'marketing',
        'digital',
        'strategy',
      ]);
    });
    it('only the server changed (it removed an item): the server’s, the removal kept', () => {
      expect(mergeField('interests', ['a', 'b'], ['b', 'c'], ['a', 'b'])).toEqual(['b', 'c']);
    });
    it('only the client changed: the client’s', () => {
      expect(mergeField('interests', ['a'], ['a', 'b'], ['a', 'b'])).toEqual(['a']);
    });
    it('empty sides', () => {
      expect(mergeField('interests', [], ['a'])).toEqual(['a']);
      expect(mergeField('interests', ['a'], [])).toEqual(['a']);
      expect(mergeField('interests', [], [])).toEqual([]);
    });
    it('same items in another order: the client’s order', () => {
      expect(mergeField('interests', ['b', 'a'], ['a', 'b'])).toEqual(['b', 'a']);
    });
  });

  describe('notes', () => {
    it('no base, both texts: joined, client first', () => {
      expect(mergeField('notes', 'ours', 'theirs')).toBe('ours\n---\ntheirs');
    });
    it('both changed since the base: joined', () => {
      expect(mergeField('notes', 'ours', 'theirs', 'old')).toBe('ours\n---\ntheirs');
    });
    it('only the server changed: the server’s text alone (no copy of the old text)', () => {
      expect(mergeField('notes', 'old', 'old + more', 'old')).toBe('old + more');
    });
    it('only the client cleared it: cleared', () => {
      expect(mergeField('notes', null, 'old', 'old')).toBeNull();
    });
    it('an empty side takes the other', () => {
      expect(mergeField('notes', null, 'theirs')).toBe('theirs');
      expect(mergeField('notes', 'ours', null)).toBe('ours');
      expect(mergeField('notes', '', 'theirs', 'x')).toBe('theirs');
    });
    it('identical', () => expect(mergeField('notes', 'same', 'same')).toBe('same'));
  });

  it('is the identity on equal sides, whatever the base (property)', () => {
    const v = fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 });
    fc.assert(
      fc.property(v, fc.option(v, { nil: undefined }), (x, b) => {
        expect(mergeField('interests', x, [...x], b)).toEqual(x);
      }),
    );
  });

  it('always gives one of the sides on a scalar (property)', () => {
    const v = fc.constantFrom<string | null>(null, 'a', 'b', 'c');
    fc.assert(
      fc.property(v, v, fc.option(v, { nil: undefined }), (c, s, b) => {
        expect([c, s]).toContain(mergeField('title', c, s, b));
      }),
    );
  });
});
