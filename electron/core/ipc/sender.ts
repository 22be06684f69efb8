/**
 * Decides whether an IPC call comes from our own window. Pure, so every case
 * is unit-tested; the shell feeds it the sender frame's URL and whether that
 * frame is the window's top frame.
 */
export interface SenderInfo {
  url: string | undefined;
  isMainFrame: boolean;
}

export function isTrustedSender(sender: SenderInfo, trustedOrigins: readonly string[]): boolean {
  if (!sender.isMainFrame || !sender.url) return false;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return false;
  }
  // file:// has an opaque origin: trust only files inside the app's own renderer folder.
  if (url.protocol === 'file:') {
    return trustedOrigins.some((o) => o.startsWith('file://') && url.href.startsWith(o));
  }
  return trustedOrigins.includes(url.origin);
}
