import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, channels } from '../../shared/ipc/contract';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { makeCore, type TestCore } from '../fixtures/core';

let core: TestCore;
beforeAll(() => {
  core = makeCore();
});
afterAll(() => core.dispose());

/** Payloads no channel accepts: every channel takes an object with known keys only. */
const HOSTILE: unknown[] = [
  undefined,
  null,
  'visitors',
  42,
  [],
  { unexpected: true },
  JSON.parse('{"__proto__": {"polluted": true}}'),
];

describe('every channel parses its argument before the core sees it', () => {
  it('has a handler for every channel of the contract, and nothing else', () => {
    expect(Object.keys(core.handlers).sort()).toEqual([...CHANNELS].sort());
  });

  for (const channel of CHANNELS) {
    it.each(HOSTILE.map((p) => [p]))(
      `${channel} refuses %j with invalid_request`,
      async (payload) => {
        const r = await dispatch(core.handlers, channel, payload);
        // Channels without arguments accept exactly {} and nothing more.
        expect(r).toMatchObject({
          ok: false,
          error: { code: 'invalid_request', retryable: false },
        });
        expect(!r.ok && r.error.message).toContain(channel);
      },
    );
  }

  it('refuses unknown channels, including inherited property names', async () => {
    for (const name of ['shell:exec', 'toString', '__proto__', 42]) {
      await expect(dispatch(core.handlers, name, {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'unknown_channel' },
      });
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('carries a core error back as a value with its code', async () => {
    await expect(dispatch(core.handlers, 'visitors:get', { localId: 'nope' })).resolves.toEqual({
      ok: false,
      error: {
        code: 'visitor_not_found',
        message: 'This visitor no longer exists.',
        retryable: false,
      },
    });
  });

  it('turns an unexpected exception into an internal error value', async () => {
    const broken = {
      ...core.handlers,
      'outbox:counts': () => {
        throw new TypeError('boom');
      },
    };
    await expect(dispatch(broken, 'outbox:counts', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('boom') },
    });
  });

  it('validates replies against the contract in this suite (the schema is the type)', async () => {
    await core.call('visitors:create', { values: { name: 'Grace Hopper', interests: ['cobol'] } });
    const checks: [keyof typeof channels, unknown][] = [
      ['app:info', {}],
      ['visitors:count', { search: '' }],
      ['visitors:page', { offset: 0, limit: 10 }],
      ['outbox:counts', {}],
    ];
    for (const [channel, req] of checks) {
      const r = await dispatch(core.handlers, channel, req);
      expect(r.ok).toBe(true);
      if (r.ok) expect(channels[channel].response.safeParse(r.value).success).toBe(true);
    }
  });
});
