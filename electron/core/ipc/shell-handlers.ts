import type { shellChannels } from '../../../shared/ipc/shell-contract';
import type { HandlersFor } from './dispatch';
import type { CoreContext } from './handlers';

/** The core's side of shared/ipc/shell-contract.ts: thin calls into the ShellService. */
export function shellHandlers(ctx: CoreContext): HandlersFor<typeof shellChannels> {
  const { shell, desktop } = ctx;
  return {
    'shell:state': () => shell.state(),
    'shell:testConnection': (req) => shell.testConnection(req),
    'shell:connect': (req) => shell.connect(req),
    'shell:startDemo': () => shell.startDemo(),
    'shell:skipWelcome': () => shell.skipWelcome(),
    'shell:disconnect': () => shell.disconnect(),
    'shell:openFolder': async ({ folder }) => ({ opened: await desktop.openFolder(folder) }),
    'shell:relaunch': () => ({ relaunching: desktop.relaunch({ resetDatabase: false }) }),
    'settings:get': () => shell.settingsView(),
    'settings:update': ({ patch }) => shell.updateSettings(patch),
    'settings:reset': () => shell.resetSettings(),
  };
}
