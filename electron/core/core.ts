import { type Clock, systemClock } from './clock';
import { type Db, openDatabase } from './db/open';
import { createHandlers, type EventSink } from './ipc/handlers';
import type { Handlers } from './ipc/dispatch';

export interface Core {
  db: Db;
  handlers: Handlers;
  close(): void;
}

/** Everything the shell (or a test harness) needs, from a database path. */
export function startCore(opts: {
  dbPath: string;
  events: EventSink;
  appVersion: string;
  clock?: Clock;
}): Core {
  const db = openDatabase(opts.dbPath);
  const handlers = createHandlers({
    db,
    dbPath: opts.dbPath,
    clock: opts.clock ?? systemClock,
    events: opts.events,
    appVersion: opts.appVersion,
  });
  return { db, handlers, close: () => db.close() };
}
