/**
 * What only the desktop (Electron's main process) can do, handed to the core
 * as an interface: over the desktop link in the app (desktop-link.ts), absent
 * under tests, the CLI and the e2e harness.
 */
export interface DesktopPort {
  /** Opens a folder in the OS file manager; false when there is no desktop. */
  openFolder(folder: 'logs' | 'data'): Promise<boolean>;
  /**
   * Restarts the console; with resetDatabase, the local database (and the
   * demo server's data) are removed first. False when there is no desktop.
   */
  relaunch(opts: { resetDatabase: boolean }): boolean;
  /**
   * Asks where to save a file (the OS's save dialog) and writes it there,
   * whole or not at all. `saved` only once the file is on disk; `cancelled`
   * when the person closed the dialog; `unavailable` with no desktop (the
   * window saves it). A failed write throws an AppErrorException in words.
   */
  saveFile(file: SaveFileRequest): Promise<SaveFileOutcome>;
  /**
   * Asks which file to import (the OS's open dialog, CSV or JSONL): its path,
   * `cancelled`, or `unavailable` with no desktop. The core reads it itself.
   */
  openFile(): Promise<OpenFileOutcome>;
  /** An OS notification (background sync results); nothing without a desktop. */
  notify(note: { title: string; body: string }): void;
}

export interface SaveFileRequest {
  /** The name offered in the dialog. */
  filename: string;
  mime: string;
  content: string;
}

export type SaveFileOutcome =
  { kind: 'saved'; path: string } | { kind: 'cancelled' } | { kind: 'unavailable' };

export type OpenFileOutcome =
  { kind: 'chosen'; path: string } | { kind: 'cancelled' } | { kind: 'unavailable' };

/** No desktop: the core runs under tests, the CLI or the e2e harness. */
export const noDesktop: DesktopPort = {
  openFolder: () => Promise.resolve(false),
  relaunch: () => false,
  saveFile: () => Promise.resolve({ kind: 'unavailable' }),
  openFile: () => Promise.resolve({ kind: 'unavailable' }),
  notify: () => undefined,
};
