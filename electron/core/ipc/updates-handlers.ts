import type { updatesChannels } from '../../../shared/ipc/updates-contract';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/updates-contract.ts: the person's words, fed to update-policy.ts. */
export function updatesHandlers(ctx: CoreContext): HandlersFor<typeof updatesChannels> {
  return {
    'updates:status': () => ctx.updates.status(),
    'updates:check': () => ctx.updates.send({ type: 'menuCheck' }),
    'updates:install': () => ctx.updates.send({ type: 'install' }),
    'updates:later': () => ctx.updates.send({ type: 'later' }),
  };
}
