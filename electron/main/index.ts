import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, Menu, Notification, screen, session, shell } from 'electron';
import Store from 'electron-store';
import { AppErrorException, appError } from '../../shared/errors';
import type { EventName, EventPayload, SyncStatus } from '../../shared/ipc/contract';
import { startCore, type Core } from '../core/core';
import type { Handlers } from '../core/ipc/dispatch';
import type { EventSink } from '../core/events';
import type { DesktopPort } from '../core/desktop/desktop-port';
import { describeStartupProblem, startupProblemHandlers } from '../core/setup/startup-problem';
import { APP_LINKS } from './external-links';
import { windowEvents, wireIpc } from './ipc';
import { openLog } from './log-file';
import { menuTemplate } from './menu-template';
import { notificationFor } from './notify-policy';
import { watchOnline } from './online';
import { safeStorageCipher } from './safe-storage-cipher';
import { writeFileWhole } from './save-file';
import { openSettingsStore } from './settings-store';
import { createWindow, guardContents, openAppLink } from './window';
import { restoreBounds, WindowStateSchema } from './window-state';

const __dirname = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(__dirname, '../renderer');
const devUrl = process.env.ELECTRON_RENDERER_URL || undefined;

// A separate profile (database, settings) for tests and for running two consoles side by side.
if (process.env.VRC_USER_DATA) app.setPath('userData', process.env.VRC_USER_DATA);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

const userData = app.getPath('userData');
const dbPath = join(userData, 'visitors.sqlite');
const log = openLog(join(userData, 'logs'));
let win: BrowserWindow | null = null;
let core: Core | null = null;
let resetDatabaseOnQuit = false;

process.on('uncaughtException', (err) => log.error('uncaught exception', err));
process.on('unhandledRejection', (err) => log.error('unhandled rejection', err));

function trustedOrigins(): string[] {
  return devUrl ? [new URL(devUrl).origin] : [pathToFileURL(rendererDir).href + '/'];
}

const desktop: DesktopPort = {
  async openFolder(folder) {
    const error = await shell.openPath(folder === 'logs' ? log.dir : userData);
    if (error) log.warn(`could not open the ${folder} folder: ${error}`);
    return error === '';
  },
  relaunch({ resetDatabase }) {
    resetDatabaseOnQuit = resetDatabase;
    log.info(`relaunching${resetDatabase ? ' with a fresh database' : ''}`);
    app.relaunch();
    app.quit();
    return true;
  },
  // The OS's save dialog, then main writes the file: the window never touches the disk.
  async saveFile({ filename, mime, content }) {
    const ext = mime === 'text/csv' ? 'csv' : 'json';
    const options = {
      title: 'Save the exported operations',
      defaultPath: join(app.getPath('documents'), filename),
      filters: [{ name: ext.toUpperCase(), extensions: [ext] }],
    };
    const parent = win && !win.isDestroyed() ? win : null;
    const choice = parent
      ? await dialog.showSaveDialog(parent, options)
      : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { kind: 'cancelled' };
    await writeFileWhole(choice.filePath, content);
    log.info(`exported operations saved to ${choice.filePath}`);
    return { kind: 'saved', path: choice.filePath };
  },
};

/** Passes events to the window, and tells the OS when a background sync ends badly. */
function withNotifications(inner: EventSink): EventSink {
  let running = false;
  return {
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      inner.emit(event, payload);
      if (event !== 'sync:status') return;
      const status = payload as SyncStatus;
      if (running && !status.running && status.lastRun) {
        const run = status.lastRun;
        log.info(
          `sync run ${run.id} (${run.trigger}) ended: ${run.outcome}; pulled ${run.pulled}, conflicts ${run.conflicts}, errors ${run.errors}, retried ${run.retried}${run.lastError ? `; ${run.lastError.message}` : ''}`,
        );
        const note = notificationFor(run);
        if (note && Notification.isSupported()) {
          const n = new Notification(note);
          n.on('click', () => win?.show());
          n.show();
        }
      }
      running = status.running;
    },
  };
}

/** The core, or, when the database will not open, the handlers of the problem screen. */
function start(): Handlers {
  const { backend, problem } = openSettingsStore(userData);
  if (problem) log.warn(problem.message);
  try {
    core = startCore({
      dbPath,
      events: withNotifications(windowEvents(() => win)),
      appVersion: app.getVersion(),
      ports: {
        settingsBackend: backend,
        settingsProblem: problem,
        cipher: safeStorageCipher(),
        tokenFile: join(userData, 'token.enc'),
        desktop,
      },
    });
  } catch (err) {
    const error =
      err instanceof AppErrorException ? err.error : appError('db_open_failed', String(err));
    log.error(`the database could not be opened: ${error.code}: ${error.message}`);
    return startupProblemHandlers(describeStartupProblem(error, dbPath), desktop);
  }
  const c = core;
  c.settings.notes.forEach((n) => log.info(n));
  const settingsProblem = c.settings.problem();
  if (settingsProblem) log.warn([settingsProblem.message, ...settingsProblem.details].join('\n'));
  watchOnline((online) => c.sync.setOnline(online));
  c.sync.startBackground();
  // A new auto-sync interval takes effect at once.
  c.settings.onChange(() => c.sync.startBackground());
  c.setup.resume().catch((err: unknown) => log.error('could not resume the connection', err));
  return c.handlers;
}

function installMenu(): void {
  const send = (command: 'open-settings' | 'sync-now') => {
    if (!win || win.isDestroyed()) return;
    win.show();
    win.webContents.send('app:command', { command });
  };
  const template = menuTemplate(
    process.platform,
    {
      openSettings: () => send('open-settings'),
      syncNow: () => send('sync-now'),
      openLogs: () => void desktop.openFolder('logs'),
      openData: () => void desktop.openFolder('data'),
      openSecurityChecklist: () => void openAppLink(APP_LINKS.electronChecklist),
    },
    { appName: app.getName(), devTools: !app.isPackaged },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function openWindow(): BrowserWindow {
  const state = new Store<Record<string, unknown>>({
    name: 'window-state',
    cwd: userData,
    clearInvalidConfig: true,
  });
  const restored = restoreBounds(
    state.get('window'),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const w = createWindow({
    preload: join(__dirname, '../preload/index.cjs'),
    load: devUrl ? { url: devUrl } : { file: join(rendererDir, 'index.html') },
    bounds: restored.bounds,
    maximized: restored.maximized,
  });
  w.on('close', () => {
    const b = w.getNormalBounds();
    const saved = WindowStateSchema.safeParse({ ...b, maximized: w.isMaximized() });
    if (saved.success) state.set('window', saved.data);
  });
  return w;
}

// One console per profile: a second start brings the first window forward
// (two processes would fight over the database).
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  // Any web contents, including ones the app never meant to create, get the same guards.
  app.on('web-contents-created', (_e, contents) => guardContents(contents));

  app.whenReady().then(() => {
    log.info(
      `starting ${app.getName()} ${app.getVersion()} (Electron ${process.versions.electron})`,
    );
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, permission, callback) => {
      log.warn(`permission request denied: ${permission}`);
      callback(false);
    });
    ses.setPermissionCheckHandler(() => false);
    // No remote content: the window may load only the app's own files (and the dev server).
    ses.webRequest.onBeforeRequest((details, callback) => {
      const url = details.url;
      // file: only inside the renderer's own folder: a page cannot read other local files.
      const allowed =
        url.startsWith(pathToFileURL(rendererDir).href + '/') ||
        url.startsWith('devtools:') ||
        url.startsWith('data:') ||
        (devUrl !== undefined && url.startsWith(new URL(devUrl).origin));
      if (!allowed) log.warn(`blocked a request for remote content: ${url}`);
      callback({ cancel: !allowed });
    });
    wireIpc(start(), trustedOrigins());
    installMenu();
    win = openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = openWindow();
    });
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  core?.close();
  core = null;
  if (resetDatabaseOnQuit) {
    // Leaving the demo: its visitors must never reach a real server.
    for (const f of [dbPath, join(userData, 'demo-server.sqlite')])
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${f}${suffix}`, { force: true });
    log.info('local database removed (left the demo)');
  }
});
