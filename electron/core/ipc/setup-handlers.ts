import { fail } from '../../../shared/errors';
import type { setupChannels } from '../../../shared/ipc/setup-contract';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/setup-contract.ts: thin calls into the SetupService. */
export function setupHandlers(ctx: CoreContext): HandlersFor<typeof setupChannels> {
  const { setup } = ctx;
  return {
    'setup:state': () => setup.state(),
    'setup:testConnection': (req) => setup.testConnection(req),
    'setup:connect': (req) => setup.connect(req),
    'setup:startDemo': () => setup.startDemo(),
    'setup:skipWelcome': () => setup.skipWelcome(),
    'setup:disconnect': () => setup.disconnect(),
    'settings:get': () => setup.settingsView(),
    'settings:update': ({ patch }) => setup.updateSettings(patch),
    'settings:reset': () => setup.resetSettings(),
    // Only the damaged-database screen rebuilds (setup/startup-problem.ts): this database opened.
    'setup:rebuildDatabase': () =>
      fail(
        'not_damaged',
        'The database opened normally: there is nothing to rebuild. To compare the mirror with the server, use Check the mirror in Settings.',
      ),
  };
}
