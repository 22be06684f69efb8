import { BrowserWindow, screen, shell, type Session } from 'electron';
import Store from 'electron-store';
import { isAppLink, isOwnRequest } from '../core/desktop/external-links';
import { restoreBounds, savedWindowState } from '../core/desktop/window-bounds';
import type { Log } from '../core/log/log-file';

/** The console's window, where it was last time (if that display is still there). */
export function createWindow(opts: {
  preload: string;
  /** The built renderer's index.html, or the dev server's address. */
  load: { file: string } | { url: string };
  userData: string;
}): BrowserWindow {
  const state = new Store<Record<string, unknown>>({
    name: 'window-state',
    cwd: opts.userData,
    clearInvalidConfig: true,
  });
  const areas = screen.getAllDisplays().map((d) => d.workArea);
  const { bounds, maximized } = restoreBounds(state.get('window'), areas);
  const w = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    // The page's own background: no white flash before the first paint.
    backgroundColor: '#f6f7f9',
    title: 'Visitor Reconciliation Console',
    // Electron's security checklist, item by item (SECURITY.md). Written out literally so
    // both electronegativity and tests/unit/security-electron-config.test.ts read them.
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click would otherwise open links through the new-window path.
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: true,
    },
  });
  w.once('ready-to-show', () => {
    if (maximized) w.maximize();
    w.show();
  });
  w.on('close', () => {
    const saved = savedWindowState(w.getNormalBounds(), w.isMaximized());
    if (saved) state.set('window', saved);
  });
  guardContents(w.webContents);
  void ('url' in opts.load ? w.loadURL(opts.load.url) : w.loadFile(opts.load.file));
  return w;
}

/**
 * No navigation away from the app, no redirects, no <webview>, no new
 * windows; a link opens in the browser only when the app made it itself.
 */
export function guardContents(contents: Electron.WebContents): void {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openAppLink(url);
    return { action: 'deny' };
  });
}

/** The one place the console hands an address to the OS: only links it made itself (external-links.ts). */
export function openAppLink(url: string): boolean {
  if (!isAppLink(url)) return false;
  void shell.openExternal(url);
  return true;
}

/** Every permission denied, and no remote content: the window loads only the app's own files. */
export function hardenSession(ses: Session, own: (string | undefined)[], log: Log): void {
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    log.warn(`permission request denied: ${permission}`);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isOwnRequest(details.url, own);
    if (!allowed) log.warn(`blocked a request for remote content: ${details.url}`);
    callback({ cancel: !allowed });
  });
}
