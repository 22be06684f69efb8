/**
 * What only the desktop shell can do, handed to the core as an interface
 * (electron/main implements it; tests and the e2e harness have none).
 */
export interface DesktopPort {
  /** Opens a folder in the OS file manager; false when there is no desktop. */
  openFolder(folder: 'logs' | 'data'): Promise<boolean>;
  /**
   * Restarts the console; with resetDatabase, the local database (and the
   * demo server's data) are removed first. False when there is no desktop.
   */
  relaunch(opts: { resetDatabase: boolean }): boolean;
}

/** No desktop: the core runs under tests, the CLI or the e2e harness. */
export const noDesktop: DesktopPort = {
  openFolder: () => Promise.resolve(false),
  relaunch: () => false,
};
