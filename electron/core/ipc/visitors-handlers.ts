import { fail } from '../../../shared/errors';
import type { visitorsChannels } from '../../../shared/ipc/visitors-contract';
import { VisitorBulkEdits } from '../visitors/bulk-edit';
import { VisitorEdits } from '../visitors/visitor-edits';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/visitors-contract.ts. */
export function visitorsHandlers(ctx: CoreContext): HandlersFor<typeof visitorsChannels> {
  const { visitors, outbox } = ctx.read;
  const edits = new VisitorEdits(ctx.repos, ctx.clock);
  const bulk = new VisitorBulkEdits(ctx);

  /** No ids: many visitors changed (a bulk edit), every view reloads. */
  const changed = (localIds?: string[]) => {
    ctx.events.emit('visitors:changed', localIds ? { localIds } : {});
    ctx.outboxChanged();
  };

  return {
    'visitors:count': ({ search, filter }) => ({ total: visitors.count(search.trim(), filter) }),
    'visitors:page': (req) => visitors.page({ ...req, search: req.search.trim() }),
    'visitors:idsAt': (req) => ({
      localIds: visitors.idsAt({ ...req, search: req.search.trim() }),
    }),
    'visitors:get': ({ localId }) =>
      visitors.row(localId) ?? fail('visitor_not_found', 'This visitor no longer exists.'),
    'visitors:create': async ({ values }) => {
      const row = await ctx.write(() => edits.create(values));
      changed([row.localId]);
      return row;
    },
    'visitors:update': async ({ localId, patch }) => {
      const row = await ctx.write(() => edits.update(localId, patch));
      changed([localId]);
      return row;
    },
    'visitors:delete': async ({ localId }) => {
      const result = await ctx.write(() => edits.delete(localId));
      changed([localId]);
      return result;
    },
    'visitors:bulkPreview': ({ target, edit }) => bulk.preview(target, edit),
    'visitors:bulkEdit': async ({ target, edit }) => {
      const result = await bulk.apply(target, edit);
      if (result.changed > 0) changed();
      return result;
    },
    'visitors:bulkLast': () => bulk.last(),
    'visitors:bulkUndo': async ({ batchId }) => {
      const result = await bulk.undo(batchId);
      if (result.restored > 0) changed();
      return result;
    },
    'outbox:counts': () => outbox.counts(),
    'outbox:forVisitor': ({ localId }) => outbox.forVisitor(localId),
  };
}
