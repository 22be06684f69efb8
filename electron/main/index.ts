import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { AppErrorException } from '../../shared/errors';
import { startCore, type Core } from '../core/core';
import { windowEvents, wireIpc } from './ipc';
import { watchOnline } from './online';

const __dirname = dirname(fileURLToPath(import.meta.url));
let win: BrowserWindow | null = null;
let core: Core | null = null;

const rendererDir = join(__dirname, '../renderer');
const devUrl = process.env.ELECTRON_RENDERER_URL || undefined;

function trustedOrigins(): string[] {
  return devUrl ? [new URL(devUrl).origin] : [pathToFileURL(rendererDir).href + '/'];
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Visitor Reconciliation Console',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
    },
  });
  w.once('ready-to-show', () => w.show());
  // No navigation away from the app and no new windows; http(s) links open in the browser.
  w.webContents.on('will-navigate', (e) => e.preventDefault());
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (devUrl) void w.loadURL(devUrl);
  else void w.loadFile(join(rendererDir, 'index.html'));
  return w;
}

// A separate profile (database, settings) for tests and for running two consoles side by side.
if (process.env.VRC_USER_DATA) app.setPath('userData', process.env.VRC_USER_DATA);

app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  const dbPath = join(app.getPath('userData'), 'visitors.sqlite');
  try {
    core = startCore({ dbPath, events: windowEvents(() => win), appVersion: app.getVersion() });
  } catch (err) {
    const message = err instanceof AppErrorException ? err.error.message : String(err);
    dialog.showErrorBox('The local database could not be opened', message);
    app.quit();
    return;
  }
  wireIpc(core.handlers, trustedOrigins());
  const sync = core.sync;
  watchOnline((online) => sync.setOnline(online));
  sync.startBackground();
  win = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => core?.close());
