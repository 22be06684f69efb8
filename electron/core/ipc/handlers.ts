import { appHandlers } from './app-handlers';
import { conflictsHandlers } from './conflicts-handlers';
import type { CoreContext } from './context';
import type { Handlers } from './dispatch';
import { importHandlers } from './import-handlers';
import { jobsHandlers } from './jobs-handlers';
import { queueHandlers } from './queue-handlers';
import { setupHandlers } from './setup-handlers';
import { syncHandlers } from './sync-handlers';
import { visitorsHandlers } from './visitors-handlers';

/** One function per channel of shared/ipc/contract.ts, each area's from its own file; plain Node. */
export function createHandlers(ctx: CoreContext): Handlers {
  return {
    ...appHandlers(ctx),
    ...visitorsHandlers(ctx),
    ...syncHandlers(ctx),
    ...conflictsHandlers(ctx),
    ...queueHandlers(ctx),
    ...setupHandlers(ctx),
    ...jobsHandlers(ctx),
    ...importHandlers(ctx),
  };
}
