import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, Menu, net, session, shell } from 'electron';
import { APP_LINKS } from '../core/desktop/external-links';
import { menuTemplate } from '../core/desktop/menu-template';
import { pollOnline } from '../core/desktop/online-poll';
import { profileFiles } from '../core/host/start-config';
import { openLog } from '../core/log/log-file';
import { coreProcess } from './core-process';
import { cipherStatus, openSettings, serveDesktop } from './desktop';
import { updater } from './updates';
import { createWindow, guardContents, hardenSession, openAppLink } from './window';

const here = dirname(fileURLToPath(import.meta.url));
const rendererUrl = pathToFileURL(join(here, '../renderer')).href + '/';
const devUrl = process.env.ELECTRON_RENDERER_URL || undefined;
// A separate profile (database, settings) for tests and for running two consoles side by side.
if (process.env.VRC_USER_DATA) app.setPath('userData', process.env.VRC_USER_DATA);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

const userData = app.getPath('userData');
const log = openLog(join(userData, 'logs'), { name: 'main' });
for (const event of ['uncaughtException', 'unhandledRejection'] as const)
  process.on(event, (err) => log.error(event, err));
let win: BrowserWindow | null = null;
let quitting = false;

const settings = openSettings(userData);
const core = coreProcess(join(here, 'core.js'), {
  log,
  trustedOrigins: devUrl ? [new URL(devUrl).origin] : [rendererUrl],
  isOwnWindow: (contents) => !!win && !win.isDestroyed() && contents === win.webContents,
  config: () => ({
    ...profileFiles(userData),
    appVersion: app.getVersion(),
    settings: settings.initial(),
    cipher: cipherStatus(),
    ...{ desktop: true, background: true, updates: app.isPackaged },
    online: net.isOnline(),
  }),
  serveDesktop: (port) =>
    serveDesktop(port, {
      log,
      store: settings.store,
      window: () => win,
      relaunch: () => (app.relaunch(), app.quit()),
      updater: updater(log),
    }),
});

const openWindow = () =>
  createWindow({
    preload: join(here, '../preload/index.cjs'),
    load: devUrl ? { url: devUrl } : { file: join(here, '../renderer/index.html') },
    userData,
  });

function installMenu(): void {
  const actions = {
    openSettings: () => (win?.show(), core.send({ t: 'command', command: 'open-settings' })),
    syncNow: () => core.send({ t: 'command', command: 'sync-now' }),
    checkUpdates: () => (win?.show(), core.send({ t: 'command', command: 'check-updates' })),
    openLogs: () => void shell.openPath(log.dir),
    openData: () => void shell.openPath(userData),
    openSecurityChecklist: () => void openAppLink(APP_LINKS.electronChecklist),
  };
  const opts = { appName: app.getName(), devTools: !app.isPackaged };
  type Template = Parameters<typeof Menu.buildFromTemplate>[0];
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate(process.platform, actions, opts) as Template),
  );
}

// One console per profile: a second start brings the first window forward
// (two processes would fight over the database).
if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  // Any web contents, including ones the app never meant to create, get the same guards.
  app.on('web-contents-created', (_e, contents) => guardContents(contents));
  app.whenReady().then(() => {
    log.info(`starting ${app.getVersion()} on Electron ${process.versions.electron}`);
    hardenSession(session.defaultSession, [rendererUrl, devUrl && new URL(devUrl).origin], log);
    core.start();
    installMenu();
    win = openWindow();
    pollOnline(
      () => net.isOnline(),
      (online) => core.send({ t: 'online', online }),
    );
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = openWindow();
    });
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// The core closes its database (and, leaving the demo, removes it) before the app exits.
app.on('before-quit', (e) => {
  if (quitting) return;
  e.preventDefault();
  quitting = true;
  void core.stop().finally(() => app.quit());
});
