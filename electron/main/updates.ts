import { autoUpdater } from 'electron-updater';
import { updateOffer } from '../core/desktop/update-policy';
import type { Log } from '../core/log/log-file';

/** electron-updater against electron-builder.yml's feed; the core decides when (update-policy.ts). */
export function updater(log: Log) {
  Object.assign(autoUpdater, { autoDownload: false, autoInstallOnAppQuit: false, logger: log });
  return {
    check: async () => updateOffer(await autoUpdater.checkForUpdates()),
    download: async () => (await autoUpdater.downloadUpdate(), true),
    install: () => autoUpdater.quitAndInstall(),
  };
}
