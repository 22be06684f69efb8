import type { queueChannels } from '../../../shared/ipc/queue-contract';
import type { HandlersFor } from './dispatch';
import type { CoreContext } from './handlers';

/** The core's side of shared/ipc/queue-contract.ts. */
export function queueHandlers(_ctx: CoreContext): HandlersFor<typeof queueChannels> {
  return {};
}
