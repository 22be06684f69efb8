import type { appChannels } from '../../../shared/ipc/app-contract';
import { schemaVersion } from '../db/migrations';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/app-contract.ts. */
export function appHandlers(ctx: CoreContext): HandlersFor<typeof appChannels> {
  return {
    'app:info': () => ({
      version: ctx.appVersion,
      dbPath: ctx.dbPath,
      schemaVersion: schemaVersion(ctx.repos.db),
    }),
    'app:openFolder': async ({ folder }) => ({ opened: await ctx.desktop.openFolder(folder) }),
    'app:relaunch': () => ({ relaunching: ctx.desktop.relaunch({ resetDatabase: false }) }),
  };
}
