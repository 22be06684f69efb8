import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/index';
import { memoryBackend } from '../../electron/core/settings/backend';
import { defaultSettings } from '../../shared/settings';
import { makeCore, type TestCore } from '../fixtures/core';
import { server, STAFF } from './sync/helpers';

let core: TestCore;
let srv: RunningServer | undefined;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
  srv = undefined;
});

const BAD_TOKENS = ['staff\ntoken', 'staff\u200btoken', 'staff\ud800token'];

describe('tokens and addresses that cannot be sent safely are refused where they come in', () => {
  it.each(BAD_TOKENS)('a token with a character a header cannot carry (%j)', async (token) => {
    core = makeCore({ firstRun: true });
    for (const channel of ['setup:connect', 'setup:testConnection', 'sync:connect']) {
      const r = await core.raw(channel, { serverUrl: 'http://127.0.0.1:9', token });
      expect(r.ok, channel).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('invalid_request');
        expect(r.error.message).toMatch(/token: may contain only letters, digits and punctuation/);
      }
    }
  });

  it('a token that reaches the engine anyway fails the run in words, not as an internal error', async () => {
    srv = await server({ seed: 2 });
    core = makeCore();
    core.sync.configure({ serverUrl: srv.url, token: 'staff\u200btoken' });
    const run = await core.sync.sync();
    expect(run.outcome).toBe('failed');
    expect(run.lastError).toMatchObject({ code: 'bad_token', retryable: false });
    expect(run.lastError!.message).toMatch(/Enter the token again/);
  });

  it('a user name and password in the server address are refused, never stored or shown', async () => {
    core = makeCore({ firstRun: true });
    const serverUrl = 'http://alice:secret@127.0.0.1:9';
    for (const channel of ['setup:connect', 'sync:connect']) {
      const r = await core.raw(channel, { serverUrl, token: STAFF });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/must not contain a user name or password/);
    }
    const tested = await core.raw('setup:testConnection', { serverUrl, token: STAFF });
    expect(tested.ok).toBe(false);
    const patch = await core.raw('settings:update', {
      patch: { connection: { kind: 'server', serverUrl } },
    });
    expect(patch.ok).toBe(false);
    const view = await core.call('settings:get', {});
    expect(JSON.stringify(view)).not.toContain('secret');
  });

  it('a settings file that already holds such an address does not carry the password to the window', async () => {
    core = makeCore({
      ports: {
        settingsBackend: memoryBackend({
          ...defaultSettings(),
          welcomeDone: true,
          connection: { kind: 'server', serverUrl: 'http://alice:secret@127.0.0.1:9' },
        }),
      },
    });
    const view = await core.call('settings:get', {});
    expect(JSON.stringify(view)).not.toContain('secret');
  });
});
