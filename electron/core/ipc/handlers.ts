import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { schemaVersion } from '../db/migrations';
import { fail } from '../../../shared/errors';
import type { EventName, EventPayload } from '../../../shared/ipc/contract';
import { OutboxRepo } from '../outbox/outbox-repo';
import { VisitorEdits } from '../visitors/visitor-edits';
import { VisitorsRepo } from '../visitors/visitors-repo';
import { conflictHandlers } from './conflict-handlers';
import type { Handlers } from './dispatch';
import { queueHandlers } from './queue-handlers';
import { shellHandlers } from './shell-handlers';
import type { SyncEngine } from '../sync/engine';
import type { DesktopPort } from '../shell/desktop';
import type { ShellService } from '../shell/shell-service';

/** Where main's pushes go: webContents.send in the app, page.evaluate in e2e tests. */
export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export interface CoreContext {
  db: Db;
  sync: SyncEngine;
  dbPath: string;
  clock: Clock;
  events: EventSink;
  appVersion: string;
  /** Who the audit trail names for decisions taken through these handlers. */
  actor: string;
  /** First run, settings, demo (issue 7). */
  shell: ShellService;
  /** What only the desktop shell can do (open folders, restart). */
  desktop: DesktopPort;
}

/** One function per channel of shared/ipc/contract.ts; plain Node, no Electron. */
export function createHandlers(ctx: CoreContext): Handlers {
  const visitors = new VisitorsRepo(ctx.db);
  const outbox = new OutboxRepo(ctx.db);
  const edits = new VisitorEdits(ctx.db, visitors, outbox, ctx.clock);

  const changed = (localIds: string[]) => {
    ctx.events.emit('visitors:changed', { localIds });
    ctx.events.emit('outbox:changed', outbox.counts());
  };

  return {
    'app:info': () => ({
      version: ctx.appVersion,
      dbPath: ctx.dbPath,
      schemaVersion: schemaVersion(ctx.db),
    }),
    'visitors:count': ({ search }) => ({ total: visitors.count(search.trim()) }),
    'visitors:page': (req) => visitors.page({ ...req, search: req.search.trim() }),
    'visitors:get': ({ localId }) =>
      visitors.row(localId) ?? fail('visitor_not_found', 'This visitor no longer exists.'),
    'visitors:create': ({ values }) => {
      const row = edits.create(values);
      changed([row.localId]);
      return row;
    },
    'visitors:update': ({ localId, patch }) => {
      const row = edits.update(localId, patch);
      changed([localId]);
      return row;
    },
    'visitors:delete': ({ localId }) => {
      const result = edits.delete(localId);
      changed([localId]);
      return result;
    },
    'outbox:counts': () => outbox.counts(),
    'outbox:forVisitor': ({ localId }) => outbox.forVisitor(localId),
    // Through the shell: refused (demo_running) while the demo owns the database.
    'sync:connect': (connection) => ctx.shell.connectSession(connection),
    'sync:start': () => ctx.sync.sync('manual'),
    'sync:cancel': () => ({ cancelled: ctx.sync.cancel() }),
    'sync:status': () => ctx.sync.status(),
    'sync:history': ({ limit }) => ctx.sync.history(limit),
    ...conflictHandlers(ctx),
    ...queueHandlers(ctx),
    ...shellHandlers(ctx),
  };
}
