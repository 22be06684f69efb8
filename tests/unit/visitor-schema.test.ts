import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../shared/errors';
import { VisitorCreateDataSchema, VisitorPatchSchema, toValues } from '../../shared/visitor';

const bad = (data: unknown) => {
  const r = VisitorCreateDataSchema.safeParse(data);
  if (r.success) throw new Error('expected a validation error');
  return describeIssues(r.error, 'data');
};

describe('VisitorCreateDataSchema', () => {
  it('accepts the seed example and defaults interests', () => {
    const r = VisitorCreateDataSchema.parse({
      name: 'John Smith',
      company: 'Tech Corp',
      email: 'john@techcorp.com',
      interests: ['technology', 'innovation'],
      captureMethod: 'business_card',
      capturedAt: '2023-12-01T10:30:00.000Z',
    });
    expect(r.interests).toEqual(['technology', 'innovation']);
    expect(VisitorCreateDataSchema.parse({ name: 'A' }).interests).toEqual([]);
  });
  it.each([
    [{}, 'data.name'],
    [{ name: '   ' }, 'data.name: is required'],
    [{ name: 'x'.repeat(201) }, 'data.name: must be at most 200'],
    [{ name: 'a\ud800b' }, 'data.name: contains malformed Unicode'],
    [{ name: 'A', email: 'nope' }, 'data.email: must be a valid email address'],
    [{ name: 'A', interests: ['ok', ''] }, 'data.interests.1'],
    [
      { name: 'A', interests: Array.from({ length: 51 }, (_, i) => `i${i}`) },
      'data.interests: must have at most 50 items',
    ],
    [{ name: 'A', notes: 'n'.repeat(10_001) }, 'data.notes: must be at most 10000'],
    [{ name: 'A', capturedAt: 'yesterday' }, 'data.capturedAt: must be an ISO 8601 timestamp'],
    [{ name: 'A', favourite: 'x' }, 'favourite'],
    [JSON.parse('{"name":"A","__proto__":{"admin":true}}'), '__proto__'],
    [{ name: 'A', constructor: 'x' }, 'constructor'],
    [{ name: 42 }, 'data.name'],
  ])('rejects %j naming the field', (data, expected) => {
    expect(bad(data)).toContain(expected);
  });
});

describe('VisitorPatchSchema', () => {
  it('accepts only the changed fields', () => {
    expect(VisitorPatchSchema.parse({ title: 'Senior Developer' })).toEqual({
      title: 'Senior Developer',
    });
  });
  it('rejects an empty patch and unknown fields', () => {
    expect(VisitorPatchSchema.safeParse({}).success).toBe(false);
    expect(VisitorPatchSchema.safeParse({ id: 'x' }).success).toBe(false);
  });
});

describe('toValues', () => {
  it('fills absent fields and turns empty strings into null', () => {
    expect(toValues({ name: 'A', company: '' })).toMatchObject({
      name: 'A',
      company: null,
      interests: [],
      email: null,
    });
  });
});
