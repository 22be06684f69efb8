import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  app,
  dialog,
  ipcMain,
  Notification,
  safeStorage,
  shell,
  type BrowserWindow,
  type MessagePortMain,
} from 'electron';
import Store from 'electron-store';
import type { DesktopAnswer, DesktopAsk, DesktopTell } from '../core/desktop/desktop-protocol';
import {
  isBesideSettings,
  keychainStatus,
  serveDesktopLink,
  unreadableSettings,
} from '../core/desktop/desktop-serve';
import { openImportOptions, saveDialogOptions } from '../core/desktop/save-file';
import { portMainEndpoint } from '../core/host/parent-link';
import type { Log } from '../core/log/log-file';
import type { StartConfig } from '../core/host/start-config';
import type { updater } from './updates';

type Settings = NonNullable<StartConfig['settings']>;

/**
 * The settings file through electron-store (atomic writes, the OS's config
 * folder). It is only storage: the core parses, migrates and backs it up, so
 * main reads it whole for each core start and writes what the core sends.
 * A file that is not JSON at all is moved aside (electron-store refuses it).
 */
export function openSettings(userData: string): { store: Store; initial(): Settings } {
  const opts = { name: 'settings', cwd: userData, accessPropertiesByDotNotation: false };
  let problem: Settings['problem'] = null;
  let store: Store<Record<string, unknown>>;
  try {
    store = new Store<Record<string, unknown>>({ ...opts, clearInvalidConfig: false });
  } catch (err) {
    const file = join(userData, 'settings.json');
    const moved = unreadableSettings(file, err);
    if (existsSync(file)) renameSync(file, moved.backup);
    store = new Store<Record<string, unknown>>({ ...opts, clearInvalidConfig: false });
    problem = moved.problem;
  }
  // electron-store answers this renderer IPC without a sender check; no window uses it.
  ipcMain.removeAllListeners('electron-store-get-data');
  // The problem is said once: a restarted core does not report it again.
  const initial = () => {
    const [once, value] = [problem, existsSync(store.path) ? store.store : undefined];
    problem = null;
    return { value, location: store.path, problem: once };
  };
  return { store, initial };
}

export const cipherStatus = (): NonNullable<StartConfig['cipher']> =>
  keychainStatus(
    safeStorage.isEncryptionAvailable(),
    process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
  );

/** Main's end of the desktop link: what only Electron can do, asked by the core. */
export function serveDesktop(
  port: MessagePortMain,
  deps: {
    log: Log;
    store: Store;
    window(): BrowserWindow | null;
    relaunch(): void;
    updater: ReturnType<typeof updater>;
  },
): void {
  const answer = async (ask: DesktopAsk): Promise<DesktopAnswer['value']> => {
    switch (ask.op) {
      case 'openFolder':
        return !(await shell.openPath(
          ask.folder === 'logs' ? deps.log.dir : app.getPath('userData'),
        ));
      case 'chooseSavePath': {
        const options = saveDialogOptions(app.getPath('documents'), ask);
        const parent = deps.window();
        const choice = await (parent
          ? dialog.showSaveDialog(parent, options)
          : dialog.showSaveDialog(options));
        return choice.canceled || !choice.filePath ? null : choice.filePath;
      }
      case 'chooseOpenPath': {
        const parent = deps.window();
        const choice = await (parent
          ? dialog.showOpenDialog(parent, openImportOptions)
          : dialog.showOpenDialog(openImportOptions));
        return choice.canceled ? null : (choice.filePaths[0] ?? null);
      }
      case 'encrypt':
        return safeStorage.encryptString(ask.text).toString('base64');
      case 'decrypt':
        return safeStorage.decryptString(Buffer.from(ask.data, 'base64'));
      case 'updateCheck':
        return deps.updater.check();
      case 'updateDownload':
        return deps.updater.download();
    }
  };
  const tell = (t: DesktopTell) => {
    if (t.op === 'relaunch') deps.relaunch();
    else if (t.op === 'updateInstall') deps.updater.install();
    else if (t.op === 'settingsWrite') deps.store.store = t.value as Record<string, unknown>;
    else if (t.op === 'settingsBackup') {
      if (isBesideSettings(deps.store.path, t.to) && existsSync(deps.store.path))
        copyFileSync(deps.store.path, t.to);
    } else if (Notification.isSupported()) {
      const n = new Notification({ title: t.title, body: t.body });
      n.on('click', () => deps.window()?.show());
      n.show();
    }
  };
  serveDesktopLink(portMainEndpoint(port), { answer, tell, warn: (m) => deps.log.warn(m) });
}
