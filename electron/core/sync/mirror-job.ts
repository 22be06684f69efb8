import { AppErrorException, appError } from '../../../shared/errors';
import type { MirrorRepair, MirrorReport } from '../../../shared/digest';
import type { CoreContext } from '../ipc/context';
import { checkMirror, repairMirror } from './mirror-check';
import { ServerApi } from './server-api';

/**
 * The mirror check and repair of Settings, as jobs with progress and Cancel.
 * The same code as `npm run cli -- verify | repair` (mirror-check.ts).
 */
function apiOf(ctx: CoreContext): ServerApi {
  const conn = ctx.sync.currentConnection;
  if (!conn)
    throw new AppErrorException(
      appError('not_configured', 'No sync server is set up yet: connect to a server first.'),
    );
  if (ctx.sync.status().running)
    throw new AppErrorException(
      appError(
        'sync_in_progress',
        'A sync is running; check the mirror when it has finished.',
        true,
      ),
    );
  return new ServerApi({ ...conn, clientId: 'mirror-check', timeoutMs: 30_000 });
}

async function check(
  ctx: CoreContext,
  api: ServerApi,
  job: { tick(n: number): Promise<void>; setTotal(n: number): void },
) {
  return checkMirror({
    api,
    // The window's read connection: the check never waits behind a long job.
    db: ctx.read.db,
    visitors: ctx.read.visitors,
    onProgress: async ({ done, total }) => {
      job.setTotal(total);
      await job.tick(done);
    },
  });
}

export function runMirrorCheck(ctx: CoreContext): Promise<MirrorReport> {
  const api = apiOf(ctx);
  return ctx.jobs.track(
    { kind: 'mirror_check', label: 'Check the mirror', unit: 'records', total: null },
    async (job) => (await check(ctx, api, job)).report,
  );
}

export function runMirrorRepair(ctx: CoreContext): Promise<MirrorRepair> {
  const api = apiOf(ctx);
  return ctx.jobs.track(
    { kind: 'mirror_repair', label: 'Repair the mirror', unit: 'records', total: null },
    async (job) => {
      const before = await check(ctx, api, job);
      const repaired = await ctx.write(() =>
        repairMirror(
          { db: ctx.repos.db, visitors: ctx.repos.visitors, at: ctx.clock.now().toISOString() },
          before.report.differences,
          before.fetched,
        ),
      );
      if (repaired > 0) ctx.events.emit('visitors:changed', {});
      const after = await check(ctx, api, job);
      return { before: before.report, repaired, after: after.report };
    },
  );
}
