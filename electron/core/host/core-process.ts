import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppErrorException, appError, describeIssues, type AppError } from '../../../shared/errors';
import type { EventName, EventPayload, SyncRun } from '../../../shared/ipc/contract';
import type { MessageEndpoint } from '../../../shared/ipc/port-protocol';
import type { RebuildResult } from '../../../shared/ipc/setup-contract';
import { describeUnreadable } from '../../../shared/rebuild';
import { startCore, type Core } from '../core';
import { demoDataFile } from '../demo/demo';
import { desktopOverLink, type DesktopLink } from '../desktop/desktop-link';
import { noDesktop, type DesktopPort } from '../desktop/desktop-port';
import type { EventSink } from '../events';
import { openLog, type Log } from '../log/log-file';
import { rebuildWithSavedConnection } from '../rebuild/rebuild-saved';
import { linkedBackend, memoryBackend } from '../settings/backend';
import { SettingsService } from '../settings/settings-service';
import { TokenVault } from '../settings/token-vault';
import {
  damagedWhileOpen,
  describeStartupProblem,
  problemState,
  startupProblemHandlers,
} from '../setup/startup-problem';
import { notificationFor } from '../sync/notify-policy';
import { CoreHost } from './core-host';
import type { ParentLink } from './parent-link';
import { ControlSchema, StartConfigSchema, type CoreNotice } from './start-config';

const quietLog: Log = { dir: '', file: '', info() {}, warn() {}, error() {} };

/** Every file of the local database, for a reset (leaving the demo): the mirror and the demo server's. */
export function databaseFiles(dbPath: string): string[] {
  return [dbPath, demoDataFile(dirname(dbPath))].flatMap((f) =>
    ['', '-wal', '-shm'].map((suffix) => `${f}${suffix}`),
  );
}

/**
 * The core as a process of its own: started by a `start` message, it serves
 * each window port its parent hands over and asks the desktop link for what
 * only Electron can do. Long SQLite work never holds a window: the windows
 * live in another process, and reads use a connection of their own.
 */
export function runCoreProcess(link: ParentLink): void {
  const host = new CoreHost((message) => log.warn(message));
  let log = quietLog;
  let core: Core | null = null;
  let desktopLink: DesktopLink | null = null;
  let dbPath: string | null = null;
  let resetOnStop = false;
  /** Set once the core runs: stops using a database a sync found damaged (the problem screen). */
  let damaged: (() => void) | null = null;
  const notify = (notice: CoreNotice) => link.notify(notice);

  process.on('uncaughtException', (err) => {
    // Nothing is half done on disk (every change is a transaction): main starts a new core.
    log.error('uncaught exception; the core process stops and main starts it again', err);
    process.exit(70);
  });
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', err));

  /** The run's end, as the engine announces it: a line in the log and, for background runs, the OS. */
  const withRunNotices = (desktop: DesktopPort): EventSink => ({
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      host.emit(event, payload);
      if (event !== 'sync:runEnded') return;
      const run = payload as SyncRun;
      log.info(
        `sync run ${run.id} (${run.trigger}) ended: ${run.outcome}; pulled ${run.pulled}, conflicts ${run.conflicts}, errors ${run.errors}, retried ${run.retried}${run.lastError ? `; ${run.lastError.message}` : ''}`,
      );
      const note = notificationFor(run);
      if (note) desktop.notify(note);
      // After the run has ended: the engine is done with the file when this turn is over.
      if (run.lastError?.code === 'database_damaged') setImmediate(() => damaged?.());
    },
  });

  const start = (raw: unknown, port: MessageEndpoint | null) => {
    const parsed = StartConfigSchema.safeParse(raw);
    if (!parsed.success) {
      notify({ t: 'started', ok: false, problem: `bad start: ${describeIssues(parsed.error)}` });
      process.exit(2);
    }
    const config = parsed.data;
    dbPath = config.dbPath;
    if (config.logDir) log = openLog(config.logDir);
    log.info(`core process ${process.pid} starting on ${config.dbPath}`);
    desktopLink =
      config.desktop && port
        ? desktopOverLink(port, config.cipher ?? { available: false, reason: 'No keychain.' }, {
            updates: config.updates,
          })
        : null;
    const baseDesktop = desktopLink?.desktop ?? noDesktop;
    // Leaving the demo restarts the console with a fresh database: this process removes it.
    const desktop: DesktopPort = {
      ...baseDesktop,
      relaunch(opts) {
        const relaunching = baseDesktop.relaunch(opts);
        if (relaunching) resetOnStop ||= opts.resetDatabase;
        return relaunching;
      },
    };
    const settings = config.settings;
    const backend = settings
      ? desktopLink
        ? linkedBackend(settings, (m) => desktopLink!.tell(m))
        : memoryBackend(settings.value)
      : memoryBackend();
    const cipher = desktopLink && config.cipher ? desktopLink.cipher : null;
    /** The core on the database file, or why it could not open. */
    const open = (): Core | AppError => {
      try {
        return startCore({
          dbPath: config.dbPath,
          events: withRunNotices(desktop),
          appVersion: config.appVersion,
          ...(config.syncSettings ? { settings: () => config.syncSettings! } : {}),
          ...(config.actor ? { actor: config.actor } : {}),
          ports: {
            settingsBackend: backend,
            settingsProblem: settings?.problem ?? null,
            cipher,
            tokenFile: config.tokenFile,
            desktop,
            ...(config.demoVisitors ? { demoVisitors: config.demoVisitors } : {}),
            warn: (message, err) => log.error(message, err),
          },
        });
      } catch (err) {
        return err instanceof AppErrorException
          ? err.error
          : appError('db_open_failed', String(err));
      }
    };
    const live = (c: Core) => {
      core = c;
      c.settings.notes.forEach((n) => log.info(n));
      const problem = c.settings.problem();
      if (problem) log.warn([problem.message, ...problem.details].join('\n'));
      c.sync.setOnline(config.online);
      if (config.background) {
        c.sync.startBackground();
        // A new auto-sync interval takes effect at once.
        c.settings.onChange(() => c.sync.startBackground());
      }
      host.setHandlers(c.handlers);
      damaged = () => toProblem(c);
      c.setup.resume().catch((err: unknown) => log.error('could not resume the connection', err));
      notify({ t: 'started', ok: true });
      c.updates.send({ type: 'coreReady' });
    };
    /**
     * The damaged-database screen's rebuild: the file kept aside, its local work
     * salvaged onto a fresh mirror of the saved server; then the console opens on it.
     */
    const rebuild = async (token: string | undefined): Promise<RebuildResult> => {
      const { summary, connection } = await rebuildWithSavedConnection({
        dbPath: config.dbPath,
        settings: () => new SettingsService(backend).get(),
        vault: new TokenVault({ cipher, file: config.tokenFile }),
        token,
        ...(config.syncSettings ? { syncSettings: config.syncSettings } : {}),
      });
      log.info(
        `database rebuilt from ${summary.serverUrl}: damaged file kept as ${summary.keptAs}; ${summary.operations.total} operations and ${summary.conflicts} conflicts kept; could not be read: ${describeUnreadable(summary.unreadable)}`,
      );
      const reopened = open();
      if ('code' in reopened) {
        log.error(
          `the rebuilt database could not be opened: ${reopened.code}: ${reopened.message}`,
        );
        return { summary, reopened: false };
      }
      live(reopened);
      // The token that rebuilt it syncs it too (one typed on the screen may be kept for the session only).
      reopened.sync.configure(connection);
      reopened.setup.emitState();
      return { summary, reopened: true };
    };
    /**
     * A sync met a page SQLite cannot read: the console stops using the file
     * (nothing more is written to it) and the window shows the damaged-database
     * screen, with its rebuild, as for a file that would not open.
     */
    const toProblem = (c: Core) => {
      if (core !== c) return;
      log.error(`the database ${config.dbPath} is damaged; the console stops using it`);
      core = null;
      damaged = null;
      c.close();
      const problem = damagedWhileOpen(config.dbPath);
      host.setHandlers(startupProblemHandlers(problem, desktop, rebuild));
      host.emit('setup:state', problemState(problem));
    };
    const opened = open();
    if ('code' in opened) {
      log.error(`the database could not be opened: ${opened.code}: ${opened.message}`);
      host.setHandlers(
        startupProblemHandlers(describeStartupProblem(opened, config.dbPath), desktop, rebuild),
      );
      notify({ t: 'started', ok: false, problem: opened.message });
      return;
    }
    live(opened);
  };

  const stop = () => {
    log.info('core process stopping');
    core?.close();
    core = null;
    desktopLink?.close();
    host.close();
    if (resetOnStop && dbPath) {
      // Leaving the demo: its visitors must never reach a real server.
      for (const f of databaseFiles(dbPath)) rmSync(f, { force: true });
      log.info('local database removed (left the demo)');
    }
    notify({ t: 'stopped' });
    process.exit(0);
  };

  link.onControl((raw, port) => {
    const parsed = ControlSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn(`refused a control message: ${describeIssues(parsed.error)}`);
      notify({ t: 'refused', message: describeIssues(parsed.error) });
      return;
    }
    const m = parsed.data;
    switch (m.t) {
      case 'start':
        if (!core && !dbPath) start(m.config, port);
        return;
      case 'window':
        // Only ports the parent hands over are ever served.
        if (port) host.serve(port);
        return;
      case 'online':
        core?.sync.setOnline(m.online);
        return;
      case 'command':
        // The menu's "Sync now" goes straight to the engine, no round trip through a window.
        if (m.command === 'open-settings') host.emit('app:command', { command: m.command });
        else if (m.command === 'check-updates') core?.updates.send({ type: 'menuCheck' });
        else
          core?.sync.sync('manual').catch((err: unknown) => log.warn(`sync now: ${describe(err)}`));
        return;
      case 'stop':
        stop();
    }
  });
}

function describe(err: unknown): string {
  return err instanceof AppErrorException ? err.error.message : String(err);
}
