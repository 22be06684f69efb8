import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/ipc/contract';
import type { Handlers } from '../../electron/core/ipc/dispatch';
import { guardedDispatch } from '../../electron/main/guarded-dispatch';

/**
 * Every channel of the contract, called with forged senders and with
 * payloads that are not its schema: the handler must never run.
 */
const TRUSTED = ['file:///opt/vrc/resources/app.asar/out/renderer/'];
const OWN_PAGE = 'file:///opt/vrc/resources/app.asar/out/renderer/index.html';

function recordingHandlers() {
  const calls: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_t, channel: string) => () => {
      calls.push(channel);
      return {};
    },
  });
  return { handlers, calls };
}

const FORGED = [
  ['a subframe of our own page', { url: OWN_PAGE, isMainFrame: false }],
  ['another web origin', { url: 'https://evil.example/', isMainFrame: true }],
  ['a file outside the renderer folder', { url: 'file:///tmp/evil.html', isMainFrame: true }],
  [
    'a sibling folder with the same prefix',
    { url: 'file:///opt/vrc/resources/app.asar/out/renderer-evil/index.html', isMainFrame: true },
  ],
  ['a frame without a URL', { url: undefined, isMainFrame: true }],
  ['a data: page', { url: 'data:text/html,<script>x</script>', isMainFrame: true }],
] as const;

describe.each(CHANNELS)('channel %s', (channel) => {
  it.each(FORGED)('refuses %s before parsing or running anything', async (_what, sender) => {
    const { handlers, calls } = recordingHandlers();
    const r = await guardedDispatch(handlers, TRUSTED, channel, sender, {});
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'forbidden_sender',
        message: 'This call did not come from the console window.',
        retryable: false,
      },
    });
    expect(calls).toEqual([]);
  });

  it.each([42, 'x', null, [], { __proto__: { admin: true }, unexpected: 1 }])(
    'refuses the payload %j from our own window without running the handler',
    async (payload) => {
      const { handlers, calls } = recordingHandlers();
      const r = await guardedDispatch(
        handlers,
        TRUSTED,
        channel,
        { url: OWN_PAGE, isMainFrame: true },
        payload,
      );
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid_request');
      expect(calls).toEqual([]);
    },
  );
});

it('an unknown channel from our own window is refused in words', async () => {
  const { handlers, calls } = recordingHandlers();
  const r = await guardedDispatch(
    handlers,
    TRUSTED,
    'fs:readFile',
    { url: OWN_PAGE, isMainFrame: true },
    {},
  );
  expect(r).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  expect(calls).toEqual([]);
});
