import type { syncChannels } from '../../../shared/ipc/sync-contract';
import { runMirrorCheck, runMirrorRepair } from '../sync/mirror-job';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/sync-contract.ts. */
export function syncHandlers(ctx: CoreContext): HandlersFor<typeof syncChannels> {
  return {
    // Through setup: refused (demo_running) while the demo owns the database.
    'sync:connect': (connection) => ctx.setup.connectSession(connection),
    'sync:start': () => ctx.sync.sync('manual'),
    'sync:cancel': () => ({ cancelled: ctx.sync.cancel() }),
    'sync:status': () => ctx.sync.status(),
    'sync:history': ({ limit }) => ctx.sync.history(limit),
    'sync:checkMirror': () => runMirrorCheck(ctx),
    'sync:repairMirror': () => runMirrorRepair(ctx),
  };
}
