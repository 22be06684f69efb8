import type { shellChannels } from '../../../shared/ipc/shell-contract';
import type { HandlersFor } from './dispatch';
import type { CoreContext } from './handlers';

/** The core's side of shared/ipc/shell-contract.ts. */
export function shellHandlers(_ctx: CoreContext): HandlersFor<typeof shellChannels> {
  return {};
}
