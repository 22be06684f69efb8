import type { RequestContext } from '../app';
import { CHANGES_LIMIT_MAX } from '../../shared/protocol';
import { HttpError, badRequest } from '../http/errors';
import { sendJson } from '../http/respond';
import { readChangePage } from '../sync/changes';
import { parseLimit, parseSince } from '../sync/cursor';
import { storeUnavailable } from './bulk-sync';

/** GET /api/visitors/changes?since=&limit= (PROTOCOL.md, ext). */
export async function handleChanges(ctx: RequestContext): Promise<void> {
  const { app, req, res, url } = ctx;
  const injected = app.faults.takeRequestFailure('changes');
  if (injected) {
    throw new HttpError(
      injected.status,
      'unavailable',
      'the server is shedding load (injected fault); try again',
      {
        headers: { 'Retry-After': String(injected.retryAfterSeconds) },
        retryable: true,
      },
    );
  }
  for (const key of ['since', 'limit']) {
    if (url.searchParams.getAll(key).length > 1) throw badRequest(`${key}: give it at most once`);
  }
  const since = parseSince(url.searchParams.get('since'));
  if (!since.ok) throw badRequest(since.message);
  const limit = parseLimit(
    url.searchParams.get('limit'),
    app.config.changesPageSize,
    CHANGES_LIMIT_MAX,
  );
  if (!limit.ok) throw badRequest(limit.message);
  const page = await app.store
    .read((tx) => readChangePage(tx, since.position, limit.limit, () => app.clock.observe()))
    .catch(storeUnavailable);
  if (!page.ok) throw badRequest(page.message, { reason: 'cursor_ahead' });
  await sendJson(req, res, 200, page.page);
}
