import { fail } from '../../../shared/errors';
import type { queueChannels } from '../../../shared/ipc/queue-contract';
import type { QueueActionResult } from '../../../shared/ipc/queue-contract';
import { ArchiveActions } from '../queue/archive-actions';
import { GroupEditActions } from '../queue/group-edit-actions';
import { QueueActions, type Actor, type BuiltExport } from '../queue/queue-actions';
import { RoleGate } from '../queue/role-gate';
import { ToConflictActions } from '../queue/to-conflict';
import { ServerApi } from '../sync/server-api';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/queue-contract.ts. */
export function queueHandlers(ctx: CoreContext): HandlersFor<typeof queueChannels> {
  const actions = new QueueActions(ctx.repos, ctx.clock);
  // Its reads (the detail pane) on the read-only connection, like every read.
  const reading = new QueueActions(ctx.read, ctx.clock);
  const { queue } = ctx.read;
  const gate = new RoleGate(ctx.repos.state, ctx.sync);
  const edits = new GroupEditActions(ctx.repos, actions, ctx.clock);
  const previews = new GroupEditActions(ctx.read, reading, ctx.clock);
  const toConflict = new ToConflictActions(ctx.repos, actions, ctx.clock);
  const archive = new ArchiveActions(ctx.repos, actions, ctx.clock);
  const { archive: archived } = ctx.read;

  /** Asks the server for the role first: the window hiding buttons is not the check. */
  const asAdmin = async (what: string): Promise<Actor> => {
    const { name } = await gate.requireAdmin(what);
    return { actor: ctx.actor, serverName: name };
  };

  const changed = (action: string, r: { count: number; localIds: string[] }) => {
    ctx.events.emit('queue:changed', { action, count: r.count });
    ctx.outboxChanged();
    if (r.localIds.length) ctx.events.emit('visitors:changed', { localIds: r.localIds });
  };

  /** What was retried goes out now, unless a run is already going (the next one takes it). */
  const sendNow = (): boolean => {
    const status = ctx.sync.status();
    if (!status.configured || status.running || !status.online) return false;
    void ctx.sync.sync('retry').catch(() => undefined);
    return true;
  };

  const reply = (r: { count: number; skipped: number; skippedReason: string | null }) =>
    ({ count: r.count, skipped: r.skipped, skippedReason: r.skippedReason }) satisfies Omit<
      QueueActionResult,
      'syncStarted'
    >;

  /**
   * Two steps, so nothing is marked exported (purgeable) before its file is
   * saved: main writes it through the save dialog, or the window saves it and
   * confirms (no desktop: the e2e harness in a browser).
   */
  const exportFile = async (
    file: BuiltExport,
    confirm: (exportId: string, where: string | null) => { count: number },
    drop: (exportId: string) => void,
  ) => {
    const { content, ...about } = file;
    let saved;
    try {
      saved = await ctx.desktop.saveFile({ filename: file.filename, mime: file.mime, content });
    } catch (err) {
      drop(file.exportId);
      throw err;
    }
    if (saved.kind === 'unavailable')
      return { ...file, saved: 'window' as const, path: null, marked: 0 };
    if (saved.kind === 'cancelled') {
      drop(file.exportId);
      return { ...about, content: '', saved: 'cancelled' as const, path: null, marked: 0 };
    }
    const r = await ctx.write(() => confirm(file.exportId, saved.path));
    ctx.events.emit('queue:changed', { action: 'export', count: r.count });
    return { ...about, content: '', saved: 'main' as const, path: saved.path, marked: r.count };
  };

  return {
    'queue:role': () => gate.role(),
    'queue:facets': () => queue.facets(),
    'queue:count': ({ filter }) => ({ total: queue.count(filter) }),
    'queue:page': (req) => queue.page(req),
    'queue:idsAt': (req) => ({ opIds: queue.opIdsAt(req) }),
    'queue:groups': ({ filter, limit }) => queue.groups(filter, limit),
    'queue:detail': ({ opId }) => reading.detail(opId),
    'queue:retry': async (target) => {
      const by = await asAdmin('retry operations');
      const r = await ctx.write(() => actions.retry(target, by));
      changed('retry', r);
      return { ...reply(r), syncStarted: r.count > 0 && sendNow() };
    },
    'queue:editRetry': async ({ opId, text }) => {
      const by = await asAdmin('edit and retry an operation');
      const r = await ctx.write(() => actions.editRetry(opId, text, by));
      changed('edit_retry', r);
      return { ...reply(r), syncStarted: sendNow() };
    },
    'queue:discard': async (target) => {
      const by = await asAdmin('discard operations');
      const r = await ctx.write(() => actions.discard(target, by));
      changed('discard', r);
      return { ...reply(r), syncStarted: false };
    },
    'queue:export': async ({ format, ...target }) => {
      const by = await asAdmin('export operations');
      const file = await ctx.write(() => actions.buildExport(target, format));
      return exportFile(
        file,
        (id, where) => actions.confirmExport(id, by, where),
        (id) => actions.dropExport(id),
      );
    },
    'queue:exportSaved': async ({ exportId }) => {
      const by = await asAdmin('export operations');
      const r = await ctx.write(() => actions.confirmExport(exportId, by, null));
      ctx.events.emit('queue:changed', { action: 'export', count: r.count });
      return r;
    },
    'queue:archiveExported': async ({ expected }) => {
      const by = await asAdmin('archive exported failed operations');
      const r = await ctx.write(() => actions.archiveExported(expected, by));
      changed('archive_exported', r);
      return { ...reply(r), syncStarted: false };
    },
    'queue:editPreview': ({ edit, ...target }) => previews.preview(target, edit),
    'queue:editGroup': async ({ edit, ...target }) => {
      const by = await asAdmin('edit operations');
      const r = await ctx.write(() => edits.apply(target, edit, by));
      changed('edit_retry', r);
      return { ...reply(r), syncStarted: sendNow() };
    },
    'queue:toConflict': async (target) => {
      const by = await asAdmin('turn operations into conflicts');
      const conn = ctx.sync.currentConnection;
      if (!conn)
        fail(
          'not_connected',
          'Connect to the sync server first: the conflict is made against its current record.',
          true,
        );
      const api = new ServerApi({
        ...conn,
        clientId: ctx.repos.state.clientId(),
        timeoutMs: 15_000,
      });
      const records = await toConflict.fetch(api, toConflict.wanted(target));
      const r = await ctx.write(() => toConflict.apply(target, records, by));
      changed('to_conflict', r);
      ctx.events.emit('conflicts:changed', { open: ctx.read.conflicts.openCount() });
      return { ...reply(r), syncStarted: false };
    },
    'queue:archiveFacets': () => archived.facets(),
    'queue:archiveCount': ({ filter }) => ({ total: archived.count(filter) }),
    'queue:archivePage': (req) => ({ rows: archived.page(req) }),
    'queue:restore': async (target) => {
      const by = await asAdmin('restore archived operations');
      const r = await ctx.write(() => archive.restore(target, by));
      changed('restore', r);
      return { ...reply(r), syncStarted: false };
    },
    'queue:archiveExport': async ({ format, ...target }) => {
      const by = await asAdmin('export archived operations');
      const file = await ctx.write(() => archive.buildExport(target, format));
      return exportFile(
        file,
        (id, where) => archive.confirmExport(id, by, where),
        (id) => archive.dropExport(id),
      );
    },
    'queue:archiveExportSaved': async ({ exportId }) => {
      const by = await asAdmin('export archived operations');
      const r = await ctx.write(() => archive.confirmExport(exportId, by, null));
      ctx.events.emit('queue:changed', { action: 'archive_export', count: r.count });
      return r;
    },
    'queue:archivePurge': async ({ expected }) => {
      const by = await asAdmin('purge archived operations');
      const r = await ctx.write(() => archive.purge(expected, by));
      changed('archive_purge', r);
      return { ...reply(r), syncStarted: false };
    },
  };
}
