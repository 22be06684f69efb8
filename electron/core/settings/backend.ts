import { copyFileSync, existsSync } from 'node:fs';

/**
 * Where the settings object lives. The shell uses electron-store
 * (`storeBackend`); tests and the CLI use `memoryBackend`. Both are dumb
 * storage: parsing, migrations and backups are decided by SettingsService.
 */
export interface SettingsBackend {
  /** The stored value; undefined when nothing is stored. Throws when the file cannot be read. */
  read(): unknown;
  write(value: unknown): void;
  /** Keeps a copy of what is stored now and says where, or null when there is nothing to copy. */
  backup(tag: string, at: Date): string | null;
  /** Where the settings live, for messages ("/home/…/settings.json"). */
  readonly location: string;
}

/** The part of electron-store (and of `conf`, its base) the backend uses. */
export interface StoreLike {
  readonly path: string;
  store: Record<string, unknown>;
}

const stamp = (at: Date) => at.toISOString().replace(/[:.]/g, '-');

/** Where a copy of the settings file goes before it is changed (next to it, tagged and dated). */
export const backupPath = (location: string, tag: string, at: Date) =>
  `${location}.${tag}-${stamp(at)}.bak`;

export function storeBackend(store: StoreLike): SettingsBackend {
  return {
    location: store.path,
    read: () => {
      if (!existsSync(store.path)) return undefined;
      return store.store;
    },
    write: (value) => {
      store.store = value as Record<string, unknown>;
    },
    backup(tag, at) {
      if (!existsSync(store.path)) return null;
      const to = backupPath(store.path, tag, at);
      copyFileSync(store.path, to);
      return to;
    },
  };
}

/**
 * The settings file as the core process sees it in the app: electron-store
 * lives in main, so the core starts from the file's content as main read it
 * and sends every write and backup to main, in order, over the desktop link.
 */
export function linkedBackend(
  initial: { value: unknown; location: string },
  send: (
    message: { op: 'settingsWrite'; value: unknown } | { op: 'settingsBackup'; to: string },
  ) => void,
): SettingsBackend {
  let value = initial.value === undefined ? undefined : structuredClone(initial.value);
  return {
    location: initial.location,
    read: () => (value === undefined ? undefined : structuredClone(value)),
    write(v) {
      value = structuredClone(v);
      send({ op: 'settingsWrite', value });
    },
    backup(tag, at) {
      if (value === undefined) return null;
      const to = backupPath(initial.location, tag, at);
      send({ op: 'settingsBackup', to });
      return to;
    },
  };
}

/** In memory: core and e2e tests hand the core a plain object, as the issue asks. */
export function memoryBackend(
  initial?: unknown,
): SettingsBackend & { copies: { tag: string; value: unknown }[]; current(): unknown } {
  let value = initial === undefined ? undefined : structuredClone(initial);
  const copies: { tag: string; value: unknown }[] = [];
  return {
    location: 'memory',
    copies,
    current: () => value,
    read: () => (value === undefined ? undefined : structuredClone(value)),
    write: (v) => {
      value = structuredClone(v);
    },
    backup(tag) {
      if (value === undefined) return null;
      copies.push({ tag, value: structuredClone(value) });
      return `memory copy ${copies.length} (${tag})`;
    },
  };
}
