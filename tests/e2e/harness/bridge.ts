/**
 * Runs in the page before the app: window.api is built exactly as the
 * preload builds it (createCoreLink + buildClient); only the carrier of the
 * messages differs — a Playwright binding to the test process, which relays
 * them to the core's own process, instead of a MessagePort from main.
 */
import { buildClient } from '../../../shared/ipc/client';
import { createCoreLink } from '../../../shared/ipc/core-link';

declare global {
  interface Window {
    __vrcPost(message: unknown): void;
    __vrcDeliver(message: unknown): void;
    __vrcConnect(): void;
    __vrcDisconnect(): void;
  }
}

const link = createCoreLink();
let deliver: ((message: unknown) => void) | null = null;
window.__vrcDeliver = (message) => deliver?.(message);
window.__vrcConnect = () =>
  link.connect({
    post: (message) => window.__vrcPost(message),
    listen(listener) {
      deliver = listener;
      return () => {
        deliver = null;
      };
    },
  });
window.__vrcDisconnect = () => link.disconnect();
window.__vrcConnect();
window.api = buildClient(link.transport);
