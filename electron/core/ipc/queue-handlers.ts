import type { queueChannels } from '../../../shared/ipc/queue-contract';
import type { QueueActionResult } from '../../../shared/ipc/queue-contract';
import { QueueActions, type Actor } from '../queue/queue-actions';
import { RoleGate } from '../queue/role-gate';
import type { CoreContext } from './context';
import type { HandlersFor } from './dispatch';

/** The core's side of shared/ipc/queue-contract.ts. */
export function queueHandlers(ctx: CoreContext): HandlersFor<typeof queueChannels> {
  const actions = new QueueActions(ctx.repos, ctx.clock);
  // Its reads (the detail pane) on the read-only connection, like every read.
  const reading = new QueueActions(ctx.read, ctx.clock);
  const { queue, outbox } = ctx.read;
  const gate = new RoleGate(ctx.repos.state, ctx.sync);

  /** Asks the server for the role first: the window hiding buttons is not the check. */
  const asAdmin = async (what: string): Promise<Actor> => {
    const { name } = await gate.requireAdmin(what);
    return { actor: ctx.actor, serverName: name };
  };

  const changed = (action: string, r: { count: number; localIds: string[] }) => {
    ctx.events.emit('queue:changed', { action, count: r.count });
    ctx.events.emit('outbox:changed', outbox.counts());
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

  return {
    'queue:role': () => gate.role(),
    'queue:facets': () => queue.facets(),
    'queue:count': ({ filter }) => ({ total: queue.count(filter) }),
    'queue:page': (req) => queue.page(req),
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
    // Two steps: nothing is marked exported (purgeable) before the file is saved.
    'queue:export': async ({ format, ...target }) => {
      const by = await asAdmin('export operations');
      const file = await ctx.write(() => actions.buildExport(target, format));
      const { content, ...about } = file;
      let saved;
      try {
        saved = await ctx.desktop.saveFile({ filename: file.filename, mime: file.mime, content });
      } catch (err) {
        actions.dropExport(file.exportId);
        throw err;
      }
      if (saved.kind === 'unavailable')
        // No desktop (tests, the e2e harness): the window saves it and confirms.
        return { ...file, saved: 'window' as const, path: null, marked: 0 };
      if (saved.kind === 'cancelled') {
        actions.dropExport(file.exportId);
        return { ...about, content: '', saved: 'cancelled' as const, path: null, marked: 0 };
      }
      // The file is on disk: only now are its operations marked exported.
      const r = await ctx.write(() => actions.confirmExport(file.exportId, by, saved.path));
      ctx.events.emit('queue:changed', { action: 'export', count: r.count });
      return { ...about, content: '', saved: 'main' as const, path: saved.path, marked: r.count };
    },
    'queue:exportSaved': async ({ exportId }) => {
      const by = await asAdmin('export operations');
      const r = await ctx.write(() => actions.confirmExport(exportId, by, null));
      ctx.events.emit('queue:changed', { action: 'export', count: r.count });
      return r;
    },
    'queue:purge': async ({ expected }) => {
      const by = await asAdmin('purge failed operations');
      const r = await ctx.write(() => actions.purge(expected, by));
      changed('purge', r);
      return { ...reply(r), syncStarted: false };
    },
  };
}
