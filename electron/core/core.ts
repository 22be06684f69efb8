import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { type Clock, systemClock } from './clock';
import { type Db, openDatabase, openReader } from './db/open';
import { guardTransactions, WriteGate } from './db/write-gate';
import { Jobs } from './jobs/jobs';
import type { EventSink } from './events';
import { COUNTS_EVERY_MS, CountsNotifier } from './outbox/counts-notifier';
import { createHandlers } from './ipc/handlers';
import type { Handlers } from './ipc/dispatch';
import { SyncEngine, type SyncSettings } from './sync/engine';
import type { SyncStatus } from '../../shared/ipc/contract';
import { DemoController } from './demo/demo';
import { memoryBackend, type SettingsBackend } from './settings/backend';
import { SettingsService, type SettingsProblem } from './settings/settings-service';
import { toSyncSettings } from './settings/sync-settings';
import { TokenVault, type Cipher } from './settings/token-vault';
import { noDesktop, type DesktopPort } from './desktop/desktop-port';
import { createRepos, type Repos } from './repos';
import { conflictServices } from './conflicts/services';
import { DAY_MS } from '../../shared/resolve/stale';
import { SetupService } from './setup/setup-service';
import { UpdateService } from './desktop/update-service';

/** What the desktop hands the core; absent parts fall back to plain in-memory ones. */
export interface CorePorts {
  /** Where settings live (electron-store in the app); default: in memory. */
  settingsBackend?: SettingsBackend;
  /** A problem the shell met opening the settings (e.g. an unreadable file it moved aside). */
  settingsProblem?: SettingsProblem | null;
  /** The OS's encryption for the token (safeStorage); default: none, the token lasts the session. */
  cipher?: Cipher | null;
  /** Where the encrypted token is kept. */
  tokenFile?: string | null;
  desktop?: DesktopPort;
  /** How many visitors the demo server generates (smaller in tests). */
  demoVisitors?: number;
  /** Where the core says a failure it carried on after (the log file); default: nowhere. */
  warn?: (message: string, err: unknown) => void;
}

export interface Core {
  db: Db;
  repos: Repos;
  /** The same tables over the read-only connection. */
  read: Repos;
  gate: WriteGate;
  jobs: Jobs;
  sync: SyncEngine;
  handlers: Handlers;
  settings: SettingsService;
  setup: SetupService;
  /** Update checks, downloads and installs, held while a sync runs. */
  updates: UpdateService;
  close(): void;
}

/** Everything the shell (or a test harness) needs, from a database path. */
export function startCore(opts: {
  dbPath: string;
  events: EventSink;
  appVersion: string;
  clock?: Clock;
  settings?: () => SyncSettings;
  random?: () => number;
  /** Who the audit trail names for decisions taken in this process (default: the OS user). */
  actor?: string;
  ports?: CorePorts;
}): Core {
  const desktop = opts.ports?.desktop ?? noDesktop;
  const updates = new UpdateService({ updater: desktop.updater, events: opts.events });
  // The engine's status pushes tell the updates when a sync run starts and ends.
  const events: EventSink = {
    emit(event, payload) {
      opts.events.emit(event, payload);
      if (event === 'sync:status') updates.syncRunning((payload as SyncStatus).running);
    },
  };
  const db = openDatabase(opts.dbPath);
  const clock = opts.clock ?? systemClock;
  const ports = opts.ports ?? {};
  const settings = new SettingsService(ports.settingsBackend ?? memoryBackend(), {
    initialProblem: ports.settingsProblem ?? null,
  });
  // The stale-capture threshold is the person's setting, read on every query.
  const staleThresholdMs = () => settings.get().conflicts.staleCaptureDays * DAY_MS;
  const repos = createRepos(db, { staleThresholdMs });
  const readDb = openReader(opts.dbPath);
  const read = createRepos(readDb, { staleThresholdMs });
  const gate = new WriteGate();
  guardTransactions(db, gate);
  const jobs = new Jobs({ db, gate, events, clock });
  const actor = opts.actor ?? osUser();
  const conflicts = conflictServices({
    repos,
    read,
    write: (fn) => gate.run(fn),
    jobs,
    clock,
    actor,
  });
  const sync = new SyncEngine({
    db,
    repos,
    gate,
    clock,
    events,
    // An explicit object (tests, the CLI) wins; otherwise the person's settings, read on every use.
    settings: opts.settings ?? (() => toSyncSettings(settings.get())),
    ...(opts.random ? { random: opts.random } : {}),
    afterConflicts: async (sinceId) => (await conflicts.rules.replay(sinceId)).autoResolved,
    ...(ports.warn ? { warn: ports.warn } : {}),
  });
  let setup: SetupService | null = null;
  const demo = new DemoController({
    repos,
    sync,
    clock,
    events,
    dataDir: dirname(opts.dbPath),
    onChange: () => setup?.emitState(),
    ...(ports.demoVisitors ? { visitors: ports.demoVisitors } : {}),
  });
  setup = new SetupService({
    settings,
    vault: new TokenVault({ cipher: ports.cipher ?? null, file: ports.tokenFile ?? null }),
    sync,
    demo,
    events,
    desktop,
  });
  const outboxCounts = new CountsNotifier(
    () => read.outbox.counts(),
    (counts) => events.emit('outbox:changed', counts),
    COUNTS_EVERY_MS,
    (err) => process.emitWarning(`the outbox could not be counted for the windows: ${String(err)}`),
  );
  const handlers = createHandlers({
    repos,
    read,
    write: (fn) => gate.run(fn),
    jobs,
    sync,
    dbPath: opts.dbPath,
    clock,
    events,
    outboxChanged: () => outboxCounts.changed(),
    appVersion: opts.appVersion,
    actor,
    setup,
    desktop,
    updates,
  });
  return {
    db,
    sync,
    repos,
    read,
    gate,
    jobs,
    handlers,
    settings,
    setup,
    updates,
    close: () => {
      outboxCounts.dispose();
      sync.stopBackground();
      sync.cancel();
      void setup.dispose();
      readDb.close();
      db.close();
    },
  };
}

function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown'; // no passwd entry (some containers)
  }
}
