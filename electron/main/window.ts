import { BrowserWindow, shell, type Rectangle } from 'electron';
import { isAppLink } from './external-links';

export interface WindowOptions {
  preload: string;
  /** The built renderer's index.html, or the dev server's address. */
  load: { file: string } | { url: string };
  bounds: Partial<Rectangle>;
  maximized: boolean;
}

export function createWindow(opts: WindowOptions): BrowserWindow {
  const w = new BrowserWindow({
    ...opts.bounds,
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
    if (opts.maximized) w.maximize();
    w.show();
  });
  guardContents(w.webContents);
  if ('url' in opts.load) void w.loadURL(opts.load.url);
  else void w.loadFile(opts.load.file);
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
