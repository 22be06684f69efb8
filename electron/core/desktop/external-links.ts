/**
 * The only addresses the console opens in the browser: links it made itself
 * (the Help menu). A link inside the window (say, in a visitor's notes) is
 * never handed to the OS, so a crafted record cannot launch anything.
 * Plain module (no electron import), unit-tested.
 */
export const APP_LINKS = {
  /** Help → "How the console is secured": the checklist SECURITY.md follows. */
  electronChecklist: 'https://www.electronjs.org/docs/latest/tutorial/security',
} as const;

const ALLOWED = new Set<string>(Object.values(APP_LINKS));

export function isAppLink(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password) return false;
  return ALLOWED.has(u.href);
}

/** A request the window may make: the app's own files (or dev server), devtools, data: URLs. */
export function isOwnRequest(url: string, own: readonly (string | undefined)[]): boolean {
  const prefixes = [...own.filter((o): o is string => !!o), 'devtools:', 'data:'];
  return prefixes.some((p) => url.startsWith(p));
}
