import { describe, expect, it } from 'vitest';
import { ApiError, type Api } from '../../shared/ipc/client';
import type { BatchSummary } from '../../shared/ipc/conflicts-contract';
import { RulesStore } from '../../renderer/src/conflicts/rules-store';

const batch: BatchSummary = {
  id: 7,
  at: '2026-03-01T10:00:00.000Z',
  actor: 'staff',
  description: 'Rule: title → server, otherwise merge',
  count: 50_000,
  undoneAt: null,
};
const BLOCKED = '3 records changed since (edited or synced); undoing would lose that.';

/** An Api that answers the rules panel's calls, refuses the undo, and lets a test send events. */
function fakeApi() {
  const calls: string[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const answers: Record<string, unknown> = {
    'rules:list': [],
    'remembered:list': [],
    'conflicts:batches': [batch],
  };
  const api = {
    invoke: (channel: string) => {
      calls.push(channel);
      if (channel === 'conflicts:undo')
        return Promise.reject(
          new ApiError({ code: 'undo_blocked', message: BLOCKED, retryable: false }),
        );
      return Promise.resolve(answers[channel]);
    },
    on: (event: string, listener: (payload: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  } as unknown as Api;
  return { api, calls, emit: (event: string) => listeners.get(event)?.(null) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the rules panel store: the undo list', () => {
  it('lists the batches in one call, and shows why an undo was refused on its row until the data changes', async () => {
    const { api, calls, emit } = fakeApi();
    const store = new RulesStore(api);
    store.start();
    await settle();
    expect(store.getSnapshot().batches).toEqual([batch]);
    expect(calls.filter((c) => c.startsWith('conflicts:'))).toEqual(['conflicts:batches']);
    expect(store.getSnapshot().undoRefused).toEqual({});

    await store.undo(batch);
    await settle();
    expect(store.getSnapshot().undoRefused).toEqual({ 7: BLOCKED });
    expect(store.getSnapshot().notice).toEqual({ text: BLOCKED, error: true });

    // A push or an edit may have lifted it (or made it another reason): asked again next time.
    emit('outbox:changed');
    expect(store.getSnapshot().undoRefused).toEqual({});
    await store.undo(batch);
    emit('conflicts:changed');
    expect(store.getSnapshot().undoRefused).toEqual({});
    store.stop();
  });
});
