import type { jobsChannels } from '../../../shared/ipc/jobs-contract';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/jobs-contract.ts. */
export function jobsHandlers(ctx: CoreContext): HandlersFor<typeof jobsChannels> {
  return {
    'jobs:list': () => ctx.jobs.list(),
    'jobs:cancel': ({ jobId }) => ({ cancelled: ctx.jobs.cancel(jobId) }),
  };
}
