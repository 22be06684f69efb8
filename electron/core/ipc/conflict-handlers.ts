import type { conflictChannels } from '../../../shared/ipc/conflicts-contract';
import type { HandlersFor } from './dispatch';
import type { CoreContext } from './handlers';

/** The core's side of shared/ipc/conflicts-contract.ts. */
export function conflictHandlers(_ctx: CoreContext): HandlersFor<typeof conflictChannels> {
  return {};
}
