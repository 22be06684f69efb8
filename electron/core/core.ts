import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { type Clock, systemClock } from './clock';
import { type Db, openDatabase } from './db/open';
import { createHandlers, type EventSink } from './ipc/handlers';
import type { Handlers } from './ipc/dispatch';
import { SyncEngine, type SyncSettings } from './sync/engine';
import { DemoController } from './demo/demo';
import { memoryBackend, type SettingsBackend } from './settings/backend';
import { SettingsService, type SettingsProblem } from './settings/settings-service';
import { toSyncSettings } from './settings/sync-settings';
import { TokenVault, type Cipher } from './settings/token-vault';
import { noDesktop, type DesktopPort } from './shell/desktop';
import { ShellService } from './shell/shell-service';

/** What the desktop shell hands the core (issue 7); absent parts fall back to plain in-memory ones. */
export interface ShellPorts {
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
}

export interface Core {
  db: Db;
  sync: SyncEngine;
  handlers: Handlers;
  settings: SettingsService;
  shell: ShellService;
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
  shell?: ShellPorts;
}): Core {
  const db = openDatabase(opts.dbPath);
  const clock = opts.clock ?? systemClock;
  const ports = opts.shell ?? {};
  const settings = new SettingsService(ports.settingsBackend ?? memoryBackend(), {
    initialProblem: ports.settingsProblem ?? null,
  });
  const sync = new SyncEngine({
    db,
    clock,
    events: opts.events,
    // An explicit object (tests, the CLI) wins; otherwise the person's settings, read on every use.
    settings: opts.settings ?? (() => toSyncSettings(settings.get())),
    ...(opts.random ? { random: opts.random } : {}),
  });
  const desktop = ports.desktop ?? noDesktop;
  let shell: ShellService | null = null;
  const demo = new DemoController({
    db,
    sync,
    clock,
    events: opts.events,
    dataDir: dirname(opts.dbPath),
    onChange: () => shell?.emitState(),
    ...(ports.demoVisitors ? { visitors: ports.demoVisitors } : {}),
  });
  shell = new ShellService({
    settings,
    vault: new TokenVault({ cipher: ports.cipher ?? null, file: ports.tokenFile ?? null }),
    sync,
    demo,
    events: opts.events,
    desktop,
  });
  const handlers = createHandlers({
    db,
    sync,
    dbPath: opts.dbPath,
    clock,
    events: opts.events,
    appVersion: opts.appVersion,
    actor: opts.actor ?? osUser(),
    shell,
    desktop,
  });
  return {
    db,
    sync,
    handlers,
    settings,
    shell,
    close: () => {
      sync.stopBackground();
      sync.cancel();
      void shell.dispose();
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
