/**
 * Decides whether a frame may have a port to the core: the only way in. Pure,
 * so every case is unit-tested; main feeds it the sender frame's URL, whether
 * that frame is the window's top frame, and whether its web contents is the
 * app's own window.
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

/** A port to the core goes only to the app's own window, asked from its own top frame. */
export function mayHaveCorePort(
  sender: SenderInfo,
  ownWindow: boolean,
  trustedOrigins: readonly string[],
): boolean {
  return ownWindow && isTrustedSender(sender, trustedOrigins);
}
