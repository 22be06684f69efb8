import { net } from 'electron';

/**
 * Electron's main process has no online/offline event, so it asks the OS
 * every few seconds and reports changes (the sync engine pauses when offline
 * and syncs when the connection comes back).
 */
export function watchOnline(onChange: (online: boolean) => void, everyMs = 3_000): () => void {
  let last = net.isOnline();
  onChange(last);
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now !== last) onChange((last = now));
  }, everyMs);
  return () => clearInterval(timer);
}
