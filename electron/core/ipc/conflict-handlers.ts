import type { conflictChannels } from '../../../shared/ipc/conflicts-contract';
import { auditCsv } from '../audit/audit-csv';
import { AuditRepo } from '../audit/audit-repo';
import { isoNow } from '../clock';
import { ConflictWorkspace } from '../conflicts/workspace';
import { OutboxRepo } from '../outbox/outbox-repo';
import type { HandlersFor } from './dispatch';
import type { CoreContext } from './handlers';

/** The core's side of shared/ipc/conflicts-contract.ts. */
export function conflictHandlers(ctx: CoreContext): HandlersFor<typeof conflictChannels> {
  const ws = new ConflictWorkspace(ctx.db, ctx.clock, ctx.actor);
  const audit = new AuditRepo(ctx.db);
  const outbox = new OutboxRepo(ctx.db);

  /** After a decision: the workspace, the visitors table and the status bar refresh. */
  const changed = () => {
    ctx.events.emit('conflicts:changed', { open: ws.conflicts.openCount() });
    ctx.events.emit('visitors:changed', {});
    ctx.events.emit('outbox:changed', outbox.counts());
  };

  return {
    'conflicts:count': ({ filter }) => ({
      total: ws.conflicts.count(filter),
      open: ws.conflicts.openCount(),
    }),
    'conflicts:page': ({ filter, sort, offset, limit, after }) => {
      const page = ws.conflicts.page({ filter, sort, offset, limit, after });
      return { rows: page.rows.map((c) => ws.view(c)), last: page.last };
    },
    'conflicts:groups': ({ filter }) => ws.conflicts.fieldCounts(filter),
    'conflicts:get': ({ id }) => ws.get(id),
    'conflicts:setDraft': ({ target, resolution }) => {
      const updated = ws.setDraft(target, resolution);
      ctx.events.emit('conflicts:changed', { open: ws.conflicts.openCount() });
      return { updated };
    },
    'conflicts:preview': ({ target, decision }) => ws.preview(target, decision),
    'conflicts:apply': ({ target, decision, description, throughId }) => {
      const result = ws.apply(target, decision, description, throughId);
      if (result.batch) changed();
      return result;
    },
    'conflicts:lastBatch': () => ws.lastBatch(),
    'conflicts:undo': () => {
      const result = ws.undo();
      changed();
      return result;
    },
    'audit:forVisitor': ({ localId }) => audit.forVisitor(localId),
    'audit:exportCsv': () => {
      const { csv, rows } = auditCsv(audit.all());
      const stamp = isoNow(ctx.clock).slice(0, 19).replace(/[:T]/g, '-');
      return { csv, rows, fileName: `visitor-console-audit-${stamp}.csv` };
    },
  };
}
