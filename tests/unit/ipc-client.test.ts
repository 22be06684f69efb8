import { describe, expect, it, vi } from 'vitest';
import { ApiError, buildClient, type Transport } from '../../shared/ipc/client';
import { CHANNELS, EVENTS, isChannel } from '../../shared/ipc/contract';
import { CHANNEL_NAMES, EVENT_NAMES, isChannelName, isEventNameOnly } from '../../shared/ipc/names';

const transport = (reply: unknown): Transport => ({
  invoke: vi.fn(async () => reply),
  subscribe: vi.fn(() => () => undefined),
});

describe('buildClient', () => {
  it('returns the value of an ok reply', async () => {
    const api = buildClient(transport({ ok: true, value: { total: 3 } }));
    await expect(api.invoke('visitors:count', { search: '' })).resolves.toEqual({ total: 3 });
  });
  it('throws an ApiError carrying code and retryable for an error reply', async () => {
    const api = buildClient(
      transport({ ok: false, error: { code: 'db_busy', message: 'busy', retryable: true } }),
    );
    const err = await api.invoke('outbox:counts', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'db_busy', message: 'busy', retryable: true });
  });
  it.each([
    undefined,
    null,
    'ok',
    { ok: true },
    { ok: false, error: 'boom' },
    { ok: false, error: { code: 1 } },
  ])('turns a malformed reply %j into ipc_malformed_reply', async (reply) => {
    await expect(buildClient(transport(reply)).invoke('outbox:counts', {})).rejects.toMatchObject({
      code: 'ipc_malformed_reply',
    });
  });
  it('refuses channels outside the contract without calling the transport', async () => {
    const t = transport({ ok: true, value: 1 });
    // @ts-expect-error: not a channel of the contract
    await expect(buildClient(t).invoke('shell:exec', {})).rejects.toMatchObject({
      code: 'unknown_channel',
    });
    expect(t.invoke).not.toHaveBeenCalled();
  });
  it('subscribes only to events of the contract', () => {
    const t = transport(null);
    const api = buildClient(t);
    const off = api.on('outbox:changed', () => undefined);
    expect(typeof off).toBe('function');
    // @ts-expect-error: not an event of the contract
    expect(() => api.on('nope', () => undefined)).toThrow(/Unknown event/);
  });
});

describe('contract', () => {
  it('names channels and events as area:verb', () => {
    for (const name of [...CHANNELS, ...EVENTS]) expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/);
  });
  it('does not treat inherited keys as channels', () => {
    expect(isChannel('toString')).toBe(false);
    expect(isChannel('__proto__')).toBe(false);
    expect(isChannelName('toString')).toBe(false);
    expect(isEventNameOnly('__proto__')).toBe(false);
  });
  it('the names the client checks are exactly the contract’s, each once', () => {
    expect([...CHANNEL_NAMES].sort()).toEqual([...CHANNELS].sort());
    expect(new Set(CHANNEL_NAMES).size).toBe(CHANNEL_NAMES.length);
    expect([...EVENT_NAMES].sort()).toEqual([...EVENTS].sort());
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
  });
});
