import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_TEXT, validatePayloadEdit } from '../../shared/queue/payload-edit';

const create = {
  action: 'create' as const,
  localId: 'l1',
  serverId: null,
  timestamp: '2025-01-01T00:00:00.000Z',
};
const update = { ...create, action: 'update' as const, serverId: 's1' };

describe('payload edit validation (the wire schemas)', () => {
  it('accepts a valid create and fills defaults as the server would', () => {
    expect(validatePayloadEdit(create, '{"name":"Ada","email":"ada@example.com"}')).toEqual({
      ok: true,
      data: { name: 'Ada', email: 'ada@example.com', interests: [] },
    });
  });

  it('accepts a valid update with only the changed fields', () => {
    expect(validatePayloadEdit(update, '{"email":"ada@example.com"}')).toEqual({
      ok: true,
      data: { email: 'ada@example.com' },
    });
  });

  it.each([
    [create, '{"name":"Ada","email":"not-an-email"}', 'data.email: must be a valid email address'],
    [create, '{"email":"a@b.co"}', 'data.name:'],
    [update, '{}', 'must change at least one field'],
    [update, '{"nickname":"x"}', 'nickname'],
    [update, '{"__proto__":{"polluted":true}}', '__proto__'],
    [update, '{"title":"a\\ud800b"}', 'data.title: contains malformed Unicode'],
    [update, '{"interests":"one"}', 'data.interests'],
    [update, '[1,2]', 'must be a JSON object'],
    [update, 'null', 'must be a JSON object'],
    [update, '{"email": ', 'not valid JSON'],
    [update, '{"name":"   "}', 'data.name: is required'],
  ])('refuses %j %s, saying %s', (op, text, reason) => {
    const r = validatePayloadEdit(op, text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('refuses to edit a delete, and an oversized payload', () => {
    expect(validatePayloadEdit({ ...update, action: 'delete' }, '{}')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('A delete carries no payload') as string,
    });
    expect(validatePayloadEdit(update, ' '.repeat(MAX_PAYLOAD_TEXT + 1))).toMatchObject({
      ok: false,
    });
  });
});
