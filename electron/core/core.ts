import { userInfo } from 'node:os';
import { type Clock, systemClock } from './clock';
import { type Db, openDatabase } from './db/open';
import { createHandlers, type EventSink } from './ipc/handlers';
import type { Handlers } from './ipc/dispatch';
import { SyncEngine, type SyncSettings } from './sync/engine';

export interface Core {
  db: Db;
  sync: SyncEngine;
  handlers: Handlers;
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
}): Core {
  const db = openDatabase(opts.dbPath);
  const clock = opts.clock ?? systemClock;
  const sync = new SyncEngine({
    db,
    clock,
    events: opts.events,
    ...(opts.settings ? { settings: opts.settings } : {}),
    ...(opts.random ? { random: opts.random } : {}),
  });
  const handlers = createHandlers({
    db,
    sync,
    dbPath: opts.dbPath,
    clock,
    events: opts.events,
    appVersion: opts.appVersion,
    actor: opts.actor ?? osUser(),
  });
  return {
    db,
    sync,
    handlers,
    close: () => {
      sync.stopBackground();
      sync.cancel();
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
