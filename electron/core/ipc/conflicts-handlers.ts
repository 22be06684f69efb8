import type { conflictChannels } from '../../../shared/ipc/conflicts-contract';
import { auditCsv } from '../audit/audit-csv';
import { isoNow } from '../clock';
import { conflictServices } from '../conflicts/services';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/conflicts-contract.ts. */
export function conflictsHandlers(ctx: CoreContext): HandlersFor<typeof conflictChannels> {
  const { workspace: ws, rules } = conflictServices(ctx);
  const { audit, conflicts, remembered } = ctx.read;

  /** After a decision: the workspace, the visitors table and the status bar refresh. */
  const changed = () => {
    ctx.events.emit('conflicts:changed', { open: conflicts.openCount() });
    ctx.events.emit('visitors:changed', {});
    ctx.outboxChanged();
  };

  return {
    'conflicts:count': ({ filter }) => ({
      total: conflicts.count(filter),
      open: conflicts.openCount(),
    }),
    'conflicts:page': ({ filter, sort, offset, limit, after }) => {
      const page = conflicts.page({ filter, sort, offset, limit, after });
      return { rows: ws.views(page.rows), last: page.last };
    },
    'conflicts:idsAt': (query) => ({ ids: conflicts.idsAt(query) }),
    'conflicts:groups': ({ filter }) => conflicts.fieldCounts(filter),
    'conflicts:get': ({ id }) => ws.get(id),
    'conflicts:setDraft': async ({ target, resolution }) => {
      const updated = await ctx.write(() => ws.setDraft(target, resolution));
      ctx.events.emit('conflicts:changed', { open: conflicts.openCount() });
      return { updated };
    },
    'conflicts:preview': ({ target, decision }) => ws.preview(target, decision),
    'conflicts:apply': async ({ target, decision, description, throughId }) => {
      const result = await ws.apply(target, decision, description, throughId);
      if (result.batch) changed();
      return result;
    },
    'conflicts:lastBatch': () => ws.lastBatch(),
    'conflicts:batches': ({ limit }) => ws.recentBatches(limit),
    'conflicts:undo': async ({ batchId }) => {
      const result = await ws.undo(batchId);
      changed();
      return result;
    },
    'rules:list': () => rules.list(),
    'rules:save': (input) => rules.save(input),
    'rules:update': ({ id, patch, dryRunSeen }) => rules.update(id, patch, dryRunSeen),
    'rules:delete': async ({ id }) => ({ deleted: await rules.delete(id) }),
    'rules:dryRun': (rule) => rules.dryRun(rule),
    'remembered:list': () => remembered.list(),
    'remembered:forget': async ({ id }) => ({
      forgotten: await ctx.write(() => ctx.repos.remembered.forget(id)),
    }),
    'audit:forVisitor': ({ localId }) => audit.forVisitor(localId),
    'audit:exportCsv': () => {
      const { csv, rows } = auditCsv(audit.all());
      const stamp = isoNow(ctx.clock).slice(0, 19).replace(/[:T]/g, '-');
      return { csv, rows, fileName: `visitor-console-audit-${stamp}.csv` };
    },
  };
}
