import { afterEach, describe, expect, it } from 'vitest';
import { makeCore, type TestCore } from '../fixtures/core';

let core: TestCore;
afterEach(() => core?.dispose());

const huge = 'x'.repeat(5 * 1024 * 1024);
const lone = 'ab\ud800cd';

/** The envelope a window gets for `request`: refused with `invalid_request` and the field named. */
async function refused(channel: string, request: unknown): Promise<string> {
  const r = await core.raw(channel, request);
  expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(false);
  if (r.ok) return '';
  expect(r.error.code).toMatch(/invalid/);
  return r.error.message;
}

describe('IPC arguments are bounded, well-formed and strict', () => {
  it('refuses cursors and ids of megabytes', async () => {
    core = makeCore();
    await refused('visitors:page', {
      offset: 10,
      limit: 10,
      after: { key: huge, localId: 'a' },
    });
    await refused('visitors:page', { offset: 10, limit: 10, after: { key: 'a', localId: huge } });
    await refused('conflicts:page', { offset: 0, limit: 10, after: { key: huge, id: 1 } });
    await refused('queue:page', { offset: 0, limit: 10, after: { key: huge, opId: 'x' } });
    await refused('queue:detail', { opId: huge });
    await refused('visitors:get', { localId: huge });
  });

  it('refuses lone surrogates in search and filter text', async () => {
    core = makeCore();
    expect(await refused('visitors:count', { search: lone })).toMatch(/lone surrogate/);
    expect(await refused('conflicts:count', { filter: { text: lone } })).toMatch(/lone surrogate/);
    expect(await refused('conflicts:count', { filter: { company: lone } })).toMatch(
      /lone surrogate/,
    );
    expect(await refused('queue:count', { filter: { text: lone } })).toMatch(/lone surrogate/);
    // Well-formed text in any script still goes through.
    const ok = await core.raw('visitors:count', { search: 'Zoë 😀' });
    expect(ok.ok).toBe(true);
  });

  it('refuses unknown keys in resolutions, picks and rules instead of dropping them', async () => {
    core = makeCore();
    const target = { ids: [1] };
    expect(
      await refused('conflicts:setDraft', {
        target,
        resolution: { strategy: 'server_wins', force: true },
      }),
    ).toMatch(/force|unrecognized/i);
    await refused('conflicts:setDraft', {
      target,
      resolution: { strategy: 'manual', picks: { name: { kind: 'client', extra: 1 } } },
    });
    await refused('conflicts:preview', {
      target,
      decision: { type: 'rules', rules: { fields: {}, default: 'merge', typo: 'x' } },
    });
  });
});
