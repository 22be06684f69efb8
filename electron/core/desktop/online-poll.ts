/**
 * Electron's main has no online event: it asks the OS every few seconds and
 * passes on each change. The timer never keeps the process alive.
 */
export function pollOnline(
  isOnline: () => boolean,
  changed: (online: boolean) => void,
  everyMs = 3_000,
): () => void {
  let online = isOnline();
  const timer = setInterval(() => {
    if (isOnline() !== online) changed((online = !online));
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
