import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ipcMain } from 'electron';
import Store from 'electron-store';
import { storeBackend, type SettingsBackend } from '../core/settings/backend';
import type { SettingsProblem } from '../core/settings/settings-service';

/**
 * The settings file through electron-store (atomic writes, the OS's config
 * folder). electron-store is only the storage: the zod schema, defaults and
 * migrations in shared/settings decide what the file means, so a bad file is
 * salvaged field by field instead of refused whole.
 */
export function openSettingsStore(userData: string): {
  backend: SettingsBackend;
  problem: SettingsProblem | null;
} {
  const make = () =>
    new Store<Record<string, unknown>>({
      name: 'settings',
      cwd: userData,
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    });
  let store: Store<Record<string, unknown>>;
  let problem: SettingsProblem | null = null;
  try {
    store = make();
  } catch (err) {
    // Not JSON at all: electron-store refuses it. Keep it aside and start afresh.
    const file = join(userData, 'settings.json');
    const backup = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
    if (existsSync(file)) renameSync(file, backup);
    store = make();
    problem = {
      message: `The settings file could not be read (${(err as Error).message}). Defaults are used; the file was moved to ${backup}.`,
      details: [],
      backup,
    };
  }
  // electron-store answers this renderer IPC for its renderer-side API, without a
  // sender check. The console never uses electron-store in a window: close it.
  ipcMain.removeAllListeners('electron-store-get-data');
  return { backend: storeBackend(store), problem };
}
