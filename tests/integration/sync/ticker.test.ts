import { afterEach, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import type { SyncProgress } from '../../../shared/ipc/contract';
import { makeCore, type TestCore } from '../../fixtures/core';
import { faultProxy, type FaultProxy } from './fault-proxy';
import { FAST, server } from './helpers';

let srv: RunningServer | undefined;
let proxy: FaultProxy | undefined;
let core: TestCore | undefined;
afterEach(async () => {
  core?.dispose();
  await proxy?.close();
  await srv?.stop();
  core = proxy = srv = undefined;
});

/**
 * A run's progress beat (every 250 ms) runs on a timer: a throw out of it
 * would be uncaught and end the core process in the middle of the run. A
 * failing beat is said in the log and the next beat tries again.
 */
it('a progress beat that throws is logged once, the beats go on and the run ends as it would have', async () => {
  srv = await server({ seed: 150 });
  proxy = await faultProxy(srv.url);
  // Page 2 gets no answer: the run waits a request timeout (1 s), about four beats, then reads it again.
  proxy.changesFaults.push({ kind: 'pass' }, { kind: 'stall' });
  const warned: string[] = [];
  let refused = 0;
  const c = makeCore({
    settings: () => ({ ...FAST, pageSize: 50, requestTimeoutMs: 1_000 }),
    onEvent(event, payload) {
      if (event !== 'sync:progress' || (payload as SyncProgress).phase === 'done') return;
      refused++;
      throw new Error('a listener failed');
    },
    ports: { warn: (message) => warned.push(message) },
  });
  core = c;
  c.sync.configure({ serverUrl: proxy.url, token: 'staff-token' });

  const run = await c.sync.sync();

  expect(run).toMatchObject({ outcome: 'success', lastError: null, pulled: 150 });
  expect(refused).toBeGreaterThanOrEqual(3);
  // Tried at every beat, said once.
  expect(warned).toEqual(['sync run: the progress could not be sent; tried again every beat']);
  // The run's end is still announced, and the engine takes the next run.
  expect(c.events.some((e) => e.event === 'sync:runEnded')).toBe(true);
  expect((await c.sync.sync()).outcome).toBe('success');
});
