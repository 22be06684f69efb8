import { describe, expect, it } from 'vitest';
import { conflictFor } from '../../electron/core/queue/to-conflict';
import { FieldEditSchema, applyFieldEdit, describeFieldEdit } from '../../shared/queue/group-edit';
import { EMPTY_VALUES } from '../../shared/visitor';

const update = (data: Record<string, unknown>) => ({ action: 'update' as const, data });

describe('applyFieldEdit', () => {
  it('replaces every occurrence inside the field, and says why when nothing changes', () => {
    const edit = FieldEditSchema.parse({
      type: 'replace',
      field: 'email',
      find: '.con',
      replace: '.com',
    });
    expect(applyFieldEdit(update({ email: 'a@b.con', title: 'x' }), edit)).toEqual({
      changed: true,
      data: { email: 'a@b.com', title: 'x' },
    });
    expect(applyFieldEdit(update({ email: 'a@b.org' }), edit)).toEqual({
      changed: false,
      why: 'Its email does not contain “.con”.',
    });
    // an update that does not send the field has nothing to find
    expect(applyFieldEdit(update({ title: 'x' }), edit)).toEqual({
      changed: false,
      why: 'It does not send email.',
    });
  });

  it('replaces inside each interest, and sets a list from comma-separated words', () => {
    expect(
      applyFieldEdit(update({ interests: ['AI ', 'ai ml'] }), {
        type: 'replace',
        field: 'interests',
        find: 'ai',
        replace: 'AI',
      }),
    ).toEqual({ changed: true, data: { interests: ['AI ', 'AI ml'] } });
    expect(
      applyFieldEdit(update({}), { type: 'set', field: 'interests', value: ' robots, , cloud ' }),
    ).toEqual({ changed: true, data: { interests: ['robots', 'cloud'] } });
  });

  it('sets a value (an update gains the field), clears with null or empty, and leaves deletes alone', () => {
    const set = { type: 'set', field: 'title', value: 'Partner' } as const;
    expect(applyFieldEdit(update({ phone: '1' }), set)).toEqual({
      changed: true,
      data: { phone: '1', title: 'Partner' },
    });
    expect(applyFieldEdit(update({ title: 'Partner' }), set)).toEqual({
      changed: false,
      why: 'Its title already has this value.',
    });
    expect(applyFieldEdit(update({ title: 'x' }), { ...set, value: '' })).toEqual({
      changed: true,
      data: { title: null },
    });
    expect(applyFieldEdit({ action: 'delete', data: null }, set)).toEqual({
      changed: false,
      why: 'A delete carries no payload to edit.',
    });
  });

  it('refuses unknown fields and an empty find at the edge', () => {
    expect(FieldEditSchema.safeParse({ type: 'set', field: '__proto__', value: 'x' }).success).toBe(
      false,
    );
    expect(
      FieldEditSchema.safeParse({ type: 'replace', field: 'email', find: '', replace: 'x' })
        .success,
    ).toBe(false);
  });

  it('words the edit for confirmations and the audit trail', () => {
    expect(describeFieldEdit({ type: 'replace', field: 'email', find: 'a', replace: 'b' })).toBe(
      'replace “a” with “b” in email',
    );
    expect(describeFieldEdit({ type: 'set', field: 'phone', value: null })).toBe('clear phone');
  });
});

describe('conflictFor (turn into a conflict)', () => {
  const server = {
    ...EMPTY_VALUES,
    id: 's1',
    name: 'Ada',
    email: 'ada@server.example',
    title: 'CTO',
    lastModified: '2026-01-01T00:00:00.000Z',
    version: 7,
  };
  const base = { values: null, version: null };

  it('contests what the operation sends that differs from the server now', () => {
    const made = conflictFor(
      update({ email: 'ada@client.example', title: 'CTO' }),
      server,
      base,
      3,
    );
    expect(made).toEqual({
      ok: true,
      data: {
        kind: 'field',
        clientData: { email: 'ada@client.example', title: 'CTO' },
        serverData: server,
        conflictFields: ['email'],
        serverVersion: 7,
      },
    });
  });

  it('a record gone on the server is update_deleted; a delete of a live one is delete_modified', () => {
    expect(conflictFor(update({ title: 'x' }), null, base, 3)).toMatchObject({
      ok: true,
      data: { kind: 'update_deleted', serverData: null },
    });
    expect(conflictFor({ action: 'delete', data: null }, server, base, 3)).toMatchObject({
      ok: true,
      data: { kind: 'delete_modified', serverData: server },
    });
    expect(conflictFor({ action: 'delete', data: null }, null, base, 3)).toMatchObject({
      ok: false,
    });
    expect(conflictFor({ action: 'create', data: { name: 'x' } }, null, base, null)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('create') as string,
    });
  });
});
