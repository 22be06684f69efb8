import { describe, expect, it } from 'vitest';
import { EMPTY_VALUES } from '../../shared/visitor';
import {
  BulkEditSchema,
  describeEdit,
  editVisitor,
  interestsOf,
  type BulkEditIn,
} from '../../shared/visitor-bulk-edit';

const ada = {
  ...EMPTY_VALUES,
  name: 'Ada Lovelace',
  company: 'ACME Corp',
  email: 'ada@acme.example',
  interests: ['Math', 'engines'],
};
const run = (edit: BulkEditIn) => editVisitor(ada, BulkEditSchema.parse(edit));

describe('one bulk edit of one visitor', () => {
  it('set, clear and replace a text field', () => {
    expect(run({ field: 'title', action: { kind: 'set', value: 'CTO' } })).toEqual({
      kind: 'changed',
      values: { ...ada, title: 'CTO' },
    });
    expect(run({ field: 'company', action: { kind: 'clear' } })).toEqual({
      kind: 'changed',
      values: { ...ada, company: null },
    });
    expect(
      run({ field: 'company', action: { kind: 'replace', find: 'acme', replace: 'Acme' } }),
    ).toEqual({ kind: 'changed', values: { ...ada, company: 'Acme Corp' } });
  });

  it('matches case only when asked, and takes the texts literally', () => {
    const caseOnly = { kind: 'replace', find: 'acme', replace: 'X', matchCase: true } as const;
    expect(run({ field: 'company', action: caseOnly })).toEqual({ kind: 'unchanged' });
    const literal = { kind: 'replace', find: 'Corp', replace: '$&$&' } as const;
    expect(run({ field: 'company', action: literal })).toEqual({
      kind: 'changed',
      values: { ...ada, company: 'ACME $&$&' },
    });
  });

  it('a value already there, or a text not found, is unchanged', () => {
    expect(run({ field: 'company', action: { kind: 'set', value: 'ACME Corp' } })).toEqual({
      kind: 'unchanged',
    });
    expect(run({ field: 'title', action: { kind: 'clear' } })).toEqual({ kind: 'unchanged' });
    expect(run({ field: 'notes', action: { kind: 'replace', find: 'x', replace: 'y' } })).toEqual({
      kind: 'unchanged',
    });
  });

  it('a result that is not a valid visitor is refused with the reason', () => {
    expect(run({ field: 'name', action: { kind: 'clear' } })).toEqual({
      kind: 'invalid',
      message: 'name: is required',
    });
    expect(run({ field: 'phone', action: { kind: 'set', value: '1'.repeat(51) } })).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^phone: /),
    });
  });

  it('interests are a comma-separated list, and replace works item by item', () => {
    expect(interestsOf(' a, b ,, c ')).toEqual(['a', 'b', 'c']);
    expect(run({ field: 'interests', action: { kind: 'set', value: 'AI, cloud' } })).toEqual({
      kind: 'changed',
      values: { ...ada, interests: ['AI', 'cloud'] },
    });
    expect(
      run({ field: 'interests', action: { kind: 'replace', find: 'ENGINES', replace: '' } }),
    ).toEqual({ kind: 'changed', values: { ...ada, interests: ['Math'] } });
  });

  it('refuses at the edge what no edit can be', () => {
    expect(
      BulkEditSchema.safeParse({ field: 'capturedAt', action: { kind: 'clear' } }).success,
    ).toBe(false);
    expect(
      BulkEditSchema.safeParse({
        field: 'name',
        action: { kind: 'replace', find: '', replace: 'x' },
      }).success,
    ).toBe(false);
  });

  it('says what it does in words', () => {
    const edit = BulkEditSchema.parse({
      field: 'company',
      action: { kind: 'replace', find: 'ACME', replace: 'Acme' },
    });
    expect(describeEdit(edit, 'Company')).toBe('Replace "ACME" with "Acme" in Company');
  });
});
