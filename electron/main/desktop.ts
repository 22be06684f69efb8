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
import {
  DesktopMessageSchema,
  type DesktopAsk,
  type DesktopTell,
} from '../core/desktop/desktop-protocol';
import type { Log } from '../core/log/log-file';
import type { StartConfig } from '../core/host/start-config';

type Settings = NonNullable<StartConfig['settings']>;
const IMPORT_FILTERS = [{ name: 'CSV or JSONL', extensions: ['csv', 'jsonl', 'ndjson'] }];

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
    const backup = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
    if (existsSync(file)) renameSync(file, backup);
    store = new Store<Record<string, unknown>>({ ...opts, clearInvalidConfig: false });
    const message = `The settings file could not be read (${(err as Error).message}). Defaults are used; the file was moved to ${backup}.`;
    problem = { message, details: [], backup };
  }
  // electron-store answers this renderer IPC without a sender check; no window uses it.
  ipcMain.removeAllListeners('electron-store-get-data');
  const initial = () => {
    // Said once: a restarted core does not report it again.
    const once = problem;
    problem = null;
    return {
      value: existsSync(store.path) ? store.store : undefined,
      location: store.path,
      problem: once,
    };
  };
  return { store, initial };
}

/** On Linux without a keyring safeStorage only obfuscates (basic_text): the token then lasts the session. */
export function cipherStatus(): NonNullable<StartConfig['cipher']> {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : '';
  if (safeStorage.isEncryptionAvailable() && !['basic_text', 'unknown'].includes(backend))
    return { available: true };
  const reason =
    'The system keychain cannot encrypt the token for this user (is a keyring running?).';
  return { available: false, reason };
}

/** Main's end of the desktop link: what only Electron can do, asked by the core. */
export function serveDesktop(
  port: MessagePortMain,
  deps: { log: Log; store: Store; window(): BrowserWindow | null; relaunch(): void },
): void {
  const answer = async (ask: DesktopAsk): Promise<string | boolean | null> => {
    const w = deps.window();
    switch (ask.op) {
      case 'openFolder':
        return (
          (await shell.openPath(ask.folder === 'logs' ? deps.log.dir : app.getPath('userData'))) ===
          ''
        );
      case 'chooseSavePath': {
        const options = {
          title: 'Save the exported operations',
          defaultPath: join(app.getPath('documents'), ask.filename),
          filters: [{ name: ask.ext.toUpperCase(), extensions: [ask.ext] }],
        };
        const c = await (w ? dialog.showSaveDialog(w, options) : dialog.showSaveDialog(options));
        return c.canceled || !c.filePath ? null : c.filePath;
      }
      case 'chooseOpenPath': {
        const options = { properties: ['openFile' as const], filters: IMPORT_FILTERS };
        const c = await (w ? dialog.showOpenDialog(w, options) : dialog.showOpenDialog(options));
        return c.canceled ? null : (c.filePaths[0] ?? null);
      }
      case 'encrypt':
        return safeStorage.encryptString(ask.text).toString('base64');
      case 'decrypt':
        return safeStorage.decryptString(Buffer.from(ask.data, 'base64'));
    }
  };
  const tell = (t: DesktopTell) => {
    if (t.op === 'relaunch') deps.relaunch();
    else if (t.op === 'settingsWrite') deps.store.store = t.value as Record<string, unknown>;
    else if (t.op === 'settingsBackup') {
      // A copy next to the settings file, nowhere else.
      const next = t.to.startsWith(`${deps.store.path}.`) && !t.to.includes('/..');
      if (next && existsSync(deps.store.path)) copyFileSync(deps.store.path, t.to);
    } else if (Notification.isSupported()) {
      const n = new Notification({ title: t.title, body: t.body });
      n.on('click', () => deps.window()?.show());
      n.show();
    }
  };
  port.on('message', ({ data }) => {
    const m = DesktopMessageSchema.safeParse(data);
    if (!m.success) return deps.log.warn('refused a malformed message on the desktop link');
    if (m.data.t === 'tell') return tell(m.data.tell);
    const { id, ask } = m.data;
    answer(ask).then(
      (value) => port.postMessage({ t: 'answer', id, ok: true, value }),
      (err: unknown) =>
        port.postMessage({ t: 'answer', id, ok: false, value: null, error: String(err) }),
    );
  });
  port.start();
}
