import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/ipc/contract';
import type { Handlers } from '../../electron/core/ipc/dispatch';
import { CoreHost } from '../../electron/core/host/core-host';
import { mayHaveCorePort } from '../../electron/core/ipc/sender';

/**
 * The only way into the core is a port main hands out: never to a forged
 * sender. And over a port, every channel of the contract called with a
 * payload that is not its schema never reaches its handler.
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

/** A core host over an in-memory port: what a window posts, and what comes back. */
function hostOver(handlers: Handlers) {
  const host = new CoreHost();
  host.setHandlers(handlers);
  const replies: unknown[] = [];
  let deliver: (m: unknown) => void = () => undefined;
  host.serve({
    post: (m) => replies.push(m),
    listen: (l) => {
      deliver = l;
      return () => undefined;
    },
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    replies,
    async post(message: unknown) {
      deliver(message);
      await settle();
    },
  };
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

describe('who gets a port to the core', () => {
  it.each(FORGED)('not %s', (_what, sender) => {
    expect(mayHaveCorePort(sender, true, TRUSTED)).toBe(false);
  });

  it('not another web contents, even showing our own page', () => {
    expect(mayHaveCorePort({ url: OWN_PAGE, isMainFrame: true }, false, TRUSTED)).toBe(false);
  });

  it('the app’s own window, from its top frame', () => {
    expect(mayHaveCorePort({ url: OWN_PAGE, isMainFrame: true }, true, TRUSTED)).toBe(true);
  });
});

describe.each(CHANNELS)('channel %s over a port', (channel) => {
  it.each([42, 'x', null, [], { __proto__: { admin: true }, unexpected: 1 }])(
    'refuses the payload %j without running the handler',
    async (payload) => {
      const { handlers, calls } = recordingHandlers();
      const port = hostOver(handlers);
      await port.post({ t: 'call', id: 7, channel, request: payload });
      expect(port.replies).toHaveLength(1);
      expect(port.replies[0]).toMatchObject({
        t: 'reply',
        id: 7,
        result: { ok: false, error: { code: 'invalid_request' } },
      });
      expect(calls).toEqual([]);
    },
  );
});

it('an unknown channel is refused in words', async () => {
  const { handlers, calls } = recordingHandlers();
  const port = hostOver(handlers);
  await port.post({ t: 'call', id: 1, channel: 'fs:readFile', request: {} });
  expect(port.replies).toEqual([
    {
      t: 'reply',
      id: 1,
      result: {
        ok: false,
        error: {
          code: 'unknown_channel',
          message: 'Unknown channel "fs:readFile".',
          retryable: false,
        },
      },
    },
  ]);
  expect(calls).toEqual([]);
});

it.each([
  ['not an object', 'hello'],
  ['no id', { t: 'call', channel: 'app:info', request: {} }],
  ['a fractional id', { t: 'call', id: 1.5, channel: 'app:info', request: {} }],
  ['an unknown key', { t: 'call', id: 2, channel: 'app:info', request: {}, sudo: true }],
  ['a channel name of a megabyte', { t: 'call', id: 3, channel: 'x'.repeat(1 << 20), request: {} }],
])('a malformed message (%s) runs nothing', async (_what, message) => {
  const { handlers, calls } = recordingHandlers();
  const port = hostOver(handlers);
  await port.post(message);
  expect(calls).toEqual([]);
  for (const r of port.replies)
    expect(r).toMatchObject({
      t: 'reply',
      result: { ok: false, error: { code: 'invalid_message' } },
    });
});
