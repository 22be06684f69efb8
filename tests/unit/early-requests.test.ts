import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/ipc/client';
import {
  ask,
  askEarly,
  forgetEarly,
  peekArrived,
  requestKey,
  takeArrived,
} from '../../renderer/src/early-requests';
import { eventHub } from '../fixtures/event-hub';

/** An Api whose replies the test gives by hand, with events it emits. */
function fakeApi() {
  const calls: { channel: string; request: unknown; settle: (ok: boolean, v: unknown) => void }[] =
    [];
  const events = eventHub();
  const api = {
    invoke(channel: string, request: unknown) {
      return new Promise((resolve, reject) =>
        calls.push({ channel, request, settle: (ok, v) => (ok ? resolve(v) : reject(v)) }),
      );
    },
    on: events.on,
  } as unknown as Api;
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { api, calls, emit: events.emit, flush };
}

const COUNT = { search: '', filter: {} };
afterEach(forgetEarly);

describe('requests asked as the window starts', () => {
  it('the same request, whatever its fields order or undefined fields, has one key', () => {
    expect(requestKey('c', { b: 1, a: { y: [1, { q: 2, p: undefined }], x: null } })).toBe(
      requestKey('c', { a: { x: null, y: [1, { q: 2 }] }, b: 1, z: undefined }),
    );
    expect(requestKey('c', { a: 1 })).not.toBe(requestKey('d', { a: 1 }));
    expect(requestKey('c', { a: 1 })).not.toBe(requestKey('c', { a: 2 }));
  });

  it('the answer is taken once by the same request, and never asked twice', async () => {
    const { api, calls } = fakeApi();
    askEarly(api, 'visitors:count', COUNT, { staleAfter: 'visitors:changed' });
    expect(calls).toHaveLength(1);
    const taken = ask(api, 'visitors:count', { filter: {}, search: '' });
    expect(calls).toHaveLength(1);
    calls[0]!.settle(true, { total: 7 });
    await expect(taken).resolves.toEqual({ total: 7 });
    // Taken: the next one is asked anew.
    void ask(api, 'visitors:count', COUNT);
    expect(calls).toHaveLength(2);
  });

  it('another request is not answered with it', () => {
    const { api, calls } = fakeApi();
    askEarly(api, 'visitors:count', COUNT, { staleAfter: 'visitors:changed' });
    void ask(api, 'visitors:count', { search: 'ann', filter: {} });
    expect(calls.map((c) => c.request)).toEqual([COUNT, { search: 'ann', filter: {} }]);
  });

  it('a change announced before it is taken drops it: the taker asks again', async () => {
    const { api, calls, emit, flush } = fakeApi();
    askEarly(api, 'visitors:count', COUNT, { staleAfter: 'visitors:changed' });
    calls[0]!.settle(true, { total: 7 });
    await flush();
    emit('visitors:changed', {});
    const taken = ask(api, 'visitors:count', COUNT);
    expect(calls).toHaveLength(2);
    calls[1]!.settle(true, { total: 8 });
    await expect(taken).resolves.toEqual({ total: 8 });
  });

  it('an event carrying the new value replaces it, in the order they arrived', async () => {
    const { api, calls, emit, flush } = fakeApi();
    askEarly(api, 'setup:state', {}, { replacedBy: 'setup:state' });
    emit('setup:state', { welcome: true });
    calls[0]!.settle(true, { welcome: false });
    await flush();
    // The answer came after the event, so it is the newer.
    await expect(ask(api, 'setup:state', {})).resolves.toEqual({ welcome: false });

    askEarly(api, 'setup:state', {}, { replacedBy: 'setup:state' });
    calls[1]!.settle(true, { welcome: false });
    await flush();
    emit('setup:state', { welcome: true });
    await expect(ask(api, 'setup:state', {})).resolves.toEqual({ welcome: true });
  });

  it('a request that failed early is asked again when taken', async () => {
    const { api, calls, flush } = fakeApi();
    askEarly(api, 'visitors:count', COUNT, { staleAfter: 'visitors:changed' });
    calls[0]!.settle(false, new Error('the core is starting'));
    await flush();
    const taken = ask(api, 'visitors:count', COUNT);
    await flush();
    expect(calls).toHaveLength(2);
    calls[1]!.settle(true, { total: 3 });
    await expect(taken).resolves.toEqual({ total: 3 });
  });

  it('an answer older than ten seconds is not used', async () => {
    const { api, calls, flush } = fakeApi();
    let now = 1_000;
    askEarly(api, 'visitors:count', COUNT, { staleAfter: 'visitors:changed' }, () => now);
    calls[0]!.settle(true, { total: 7 });
    await flush();
    now += 10_001;
    void ask(api, 'visitors:count', COUNT, () => now);
    expect(calls).toHaveLength(2);
  });

  it('an answer already arrived can be read at once: peeked (left for ask) or taken', async () => {
    const { api, calls, flush } = fakeApi();
    askEarly(api, 'visitors:count', COUNT, { staleAfter: 'visitors:changed' });
    expect(peekArrived('visitors:count', COUNT)).toBeNull();
    expect(takeArrived('visitors:count', COUNT)).toBeNull();
    calls[0]!.settle(true, { total: 7 });
    await flush();
    expect(peekArrived('visitors:count', COUNT)).toEqual({ total: 7 });
    expect(takeArrived('visitors:count', COUNT)).toEqual({ total: 7 });
    // Taken: gone for everyone.
    expect(peekArrived('visitors:count', COUNT)).toBeNull();
    void ask(api, 'visitors:count', COUNT);
    expect(calls).toHaveLength(2);
  });
});
