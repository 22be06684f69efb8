/**
 * Runs in the page before the app: builds window.api with the very
 * buildClient the preload uses; only the transport differs (a Playwright
 * binding instead of ipcRenderer).
 */
import { buildClient } from '../../../shared/ipc/client';
import type { EventName } from '../../../shared/ipc/contract';

declare global {
  interface Window {
    __vrcInvoke(channel: string, request: unknown): Promise<unknown>;
    __vrcEmit(event: EventName, payload: unknown): void;
  }
}

const listeners = new Map<string, Set<(payload: unknown) => void>>();
window.__vrcEmit = (event, payload) => listeners.get(event)?.forEach((l) => l(payload));
window.api = buildClient({
  invoke: (channel, request) => window.__vrcInvoke(channel, request),
  subscribe(event, listener) {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  },
});
