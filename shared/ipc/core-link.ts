import { appError } from '../app-error';
import type { Transport } from './client';
import type { Channel, EventName, IpcResult } from './contract';
import type { CoreLink } from './app-contract';
import type { MessageEndpoint } from './port-protocol';

/** How long a call made while the core restarts waits for it before failing in words. */
const WAIT_FOR_CORE_MS = 20_000;

export interface CoreLinkEnd {
  /** What buildClient needs: calls and event subscriptions over the current port. */
  transport: Transport;
  /** A (new) port to the core: calls flow again, queued ones first. */
  connect(endpoint: MessageEndpoint): void;
  /** The core went away: calls in flight fail (retryable), new ones wait. */
  disconnect(): void;
}

const restarting = (): IpcResult<unknown> => ({
  ok: false,
  error: appError(
    'core_restarting',
    'The console restarted its background process while this was under way. Nothing was lost; try again.',
    true,
  ),
});

const unavailable = (): IpcResult<unknown> => ({
  ok: false,
  error: appError(
    'core_unavailable',
    'The console’s background process is not answering. It is being restarted; try again in a moment.',
    true,
  ),
});

/**
 * The window's end of its link to the core, shared by the preload and the
 * test harness's bridge: it numbers calls, matches replies, fans events out
 * to subscribers, and reports the link's own state as the `app:link` event.
 */
export function createCoreLink(): CoreLinkEnd {
  let endpoint: MessageEndpoint | null = null;
  let stopListening: (() => void) | null = null;
  let nextId = 1;
  let link: CoreLink = { state: 'connecting', restarts: 0 };
  const pending = new Map<number, (result: IpcResult<unknown>) => void>();
  const queued = new Set<{ send(): void; fail(): void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const deliver = (event: string, payload: unknown) =>
    listeners.get(event)?.forEach((l) => l(payload));

  const setLink = (next: CoreLink) => {
    link = next;
    deliver('app:link', link);
  };

  const onMessage = (message: unknown) => {
    if (!message || typeof message !== 'object') return;
    const m = message as { t?: unknown; id?: unknown; result?: unknown; event?: unknown };
    if (m.t === 'reply' && typeof m.id === 'number') {
      const resolve = pending.get(m.id);
      pending.delete(m.id);
      resolve?.(m.result as IpcResult<unknown>);
    } else if (m.t === 'event' && typeof m.event === 'string') {
      deliver(m.event, (message as { payload?: unknown }).payload);
    }
  };

  const send = (channel: Channel, request: unknown) =>
    new Promise<IpcResult<unknown>>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      try {
        endpoint!.post({ t: 'call', id, channel, request });
      } catch {
        pending.delete(id);
        resolve(restarting());
      }
    });

  return {
    transport: {
      invoke(channel, request) {
        if (endpoint) return send(channel, request);
        return new Promise((resolve) => {
          const entry = {
            send: () => {
              clearTimeout(timer);
              resolve(send(channel, request));
            },
            fail: () => resolve(unavailable()),
          };
          const timer = setTimeout(() => {
            queued.delete(entry);
            entry.fail();
          }, WAIT_FOR_CORE_MS);
          queued.add(entry);
        });
      },
      subscribe(event: EventName, listener) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        if (event === 'app:link') listener(link);
        return () => set.delete(listener);
      },
    },
    connect(next) {
      stopListening?.();
      endpoint = next;
      stopListening = next.listen(onMessage);
      const restarts = link.state === 'connecting' ? 0 : link.restarts + 1;
      setLink({ state: 'connected', restarts });
      for (const q of [...queued]) {
        queued.delete(q);
        q.send();
      }
    },
    disconnect() {
      stopListening?.();
      stopListening = null;
      endpoint = null;
      for (const resolve of pending.values()) resolve(restarting());
      pending.clear();
      if (link.state === 'connected') setLink({ state: 'reconnecting', restarts: link.restarts });
    },
  };
}
