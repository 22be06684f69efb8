import { describe, expect, it } from 'vitest';
import type { Api } from '../../shared/ipc/client';
import type { QueueItem } from '../../shared/ipc/queue-contract';
import { QueueStore } from '../../renderer/src/queue/queue-store';

const item = (p: number): QueueItem => ({
  opId: `op-${p}`,
  source: 'outbox',
  status: 'failed',
  action: 'update',
  localId: `v${p}`,
  serverId: `s${p}`,
  visitorName: `Visitor ${p}`,
  data: { title: 'Lead' },
  cls: 'validation',
  code: 'validation',
  message: 'refused',
  gaveUp: false,
  signature: 'validation',
  lastError: { code: 'validation', message: 'refused', retryable: false },
  attempts: 1,
  nextAttemptAt: null,
  firstAttemptAt: null,
  lastAttemptAt: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  exportedAt: null,
});

/** An Api over `total` queue rows (row p is op-p); the test releases replies by hand. */
function fakeApi(total: number) {
  const calls: { channel: string; request: Record<string, unknown>; answer: () => void }[] = [];
  let failIds = false;
  const listeners = new Map<string, () => void>();
  const span = (request: Record<string, unknown>) => {
    const offset = request.offset as number;
    return Array.from(
      { length: Math.max(0, Math.min(request.limit as number, total - offset)) },
      (_, k) => offset + k,
    );
  };
  const api = {
    invoke(channel: string, request: Record<string, unknown>) {
      return new Promise((resolve, reject) => {
        const answer = () => {
          if (channel === 'queue:count') return resolve({ total });
          if (channel === 'queue:page') {
            const rows = span(request).map(item);
            return resolve({
              rows,
              last: rows.length ? { key: '', opId: rows.at(-1)!.opId } : null,
            });
          }
          if (channel === 'queue:idsAt') {
            if (failIds)
              return reject(Object.assign(new Error('the core is busy'), { code: 'busy' }));
            return resolve({ opIds: span(request).map((p) => `op-${p}`) });
          }
          if (channel === 'queue:role')
            return resolve({ role: 'admin', name: 'Ada', reason: null });
          if (channel === 'queue:facets' || channel === 'queue:groups') return; // never answered
          reject(Object.assign(new Error(`not in this test: ${channel}`), { code: 'test' }));
        };
        calls.push({ channel, request, answer });
      });
    },
    on: (event: string, listener: () => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  } as unknown as Api;
  return {
    api,
    calls,
    failIds: () => (failIds = true),
    emit: (event: string) => listeners.get(event)?.(),
    flush: async () => {
      for (const c of calls.splice(0)) c.answer();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

async function started(total: number) {
  const f = fakeApi(total);
  const store = new QueueStore(f.api);
  store.start();
  store.getSnapshot().rows.ensureRange(0, 20);
  await f.flush();
  return { f, store };
}

const selected = (store: QueueStore) => [...store.getSnapshot().selected].sort();
const ops = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => `op-${from + k}`).sort();

describe('the retry queue’s Shift-click ranges', () => {
  it('over loaded rows: ticks every row from the last tick, at once', async () => {
    const { f, store } = await started(50);
    store.tick('op-3', 3);
    store.tick('op-8', 8, true);
    expect(selected(store)).toEqual(ops(3, 8));
    expect(store.getSnapshot().selecting).toBe(false);
    expect(store.selectionTarget()).toEqual({ select: { opIds: expect.any(Array) }, expected: 6 });
    expect(f.calls.filter((c) => c.channel === 'queue:idsAt')).toHaveLength(0);
    // Upwards too, from the same tick.
    store.tick('op-1', 1, true);
    expect(selected(store)).toEqual(ops(1, 8));
    store.stop();
  });

  it('over rows not loaded: asks the core for their opIds, and no action runs until they come', async () => {
    const { f, store } = await started(5_000);
    store.tick('op-2', 2);
    // Row 4 000 is not loaded: the person jumped there with the scrollbar.
    store.tick('op-4000', 4000, true);
    const asked = f.calls.filter((c) => c.channel === 'queue:idsAt');
    expect(asked.map((c) => [c.request.offset, c.request.limit])).toEqual([
      [expect.any(Number), expect.any(Number)],
    ]);
    expect(store.getSnapshot().selecting).toBe(true);
    expect(store.selectionTarget()).toBeNull();
    await f.flush();
    expect(store.getSnapshot().selecting).toBe(false);
    expect(selected(store)).toEqual(ops(2, 4000));
    expect(store.selectionTarget()?.expected).toBe(3_999);
    store.stop();
  });

  it('a range whose opIds cannot be had is not selected, and says why', async () => {
    const { f, store } = await started(5_000);
    store.tick('op-2', 2);
    f.failIds();
    store.tick('op-3000', 3000, true);
    await f.flush();
    expect(selected(store)).toEqual(['op-2']);
    expect(store.getSnapshot().selecting).toBe(false);
    expect(store.getSnapshot().notice).toMatchObject({
      error: true,
      text: expect.stringContaining('The range was not selected') as string,
    });
    store.stop();
  });

  it('a new filter meanwhile drops the late answer: no rows of another query get ticked', async () => {
    const { f, store } = await started(5_000);
    store.tick('op-2', 2);
    store.tick('op-3000', 3000, true);
    store.setFilter({ status: 'retrying' });
    await f.flush();
    expect(selected(store)).toEqual([]);
    expect(store.getSnapshot().selecting).toBe(false);
    store.stop();
  });

  it('a new sort keeps the ticks but not the last tick’s place: a Shift-click then ticks one row', async () => {
    const { f, store } = await started(50);
    store.tick('op-3', 3);
    store.setSort({ column: 'visitor', direction: 'desc' });
    store.getSnapshot().rows.ensureRange(0, 20);
    await f.flush();
    expect(selected(store)).toEqual(['op-3']);
    store.tick('op-9', 9, true);
    expect(selected(store)).toEqual(['op-3', 'op-9']);
    store.stop();
  });

  it('rows changing meanwhile (a sync, another window) give a waiting range up: no rows ticked by their new places', async () => {
    const { f, store } = await started(5_000);
    store.tick('op-2', 2);
    store.tick('op-4000', 4000, true);
    expect(store.getSnapshot().selecting).toBe(true);
    f.emit('queue:changed');
    await new Promise((r) => setTimeout(r, 400)); // the store rereads at most every 300 ms
    await f.flush();
    expect(store.getSnapshot().selecting).toBe(false);
    expect(selected(store)).toEqual(['op-2']);
    // And the next Shift-click starts from itself, not from a place that moved.
    store.tick('op-9', 9, true);
    expect(selected(store)).toEqual(['op-2', 'op-9']);
    store.stop();
  });
});
