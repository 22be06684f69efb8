import { CHANGES_LIMIT_MAX } from '../../shared/protocol';
import type { RequestContext } from '../app';
import { badRequest } from '../http/errors';
import { sendJsonText } from '../http/respond';
import { readChangePage } from '../sync/changes';
import { parseLimit, parseSince } from '../sync/cursor';
import { capToFloor, injectedFailure, storeUnavailable } from './bulk-sync';

/** GET /api/visitors/changes?since=&limit= (docs/protocol.md, ext). */
export async function handleChanges(
  { app, reply }: RequestContext,
  query: { since?: string | undefined; limit?: string | undefined },
): Promise<void> {
  injectedFailure(app, 'changes');
  const since = parseSince(query.since);
  if (!since.ok) throw badRequest(since.message);
  const limit = parseLimit(query.limit, app.config.changesPageSize, CHANGES_LIMIT_MAX);
  if (!limit.ok) throw badRequest(limit.message);
  // Before the read: every change the page does not carry is stamped after it.
  const observed = app.clock.observe();
  const page = await app.store
    .read((tx) =>
      readChangePage(
        tx,
        since.position,
        { limit: limit.limit, maxBytes: app.config.changesPageBytes },
        () => capToFloor(observed, tx.writeFloorSeen?.()),
      ),
    )
    .catch(storeUnavailable);
  if (!page.ok) throw badRequest(page.message, { reason: 'cursor_ahead' });
  sendJsonText(reply, 200, page.page.json);
}
