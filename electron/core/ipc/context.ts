import type { Clock } from '../clock';
import type { DesktopPort } from '../desktop/desktop-port';
import type { EventSink } from '../events';
import type { Jobs } from '../jobs/jobs';
import type { Repos } from '../repos';
import type { SetupService } from '../setup/setup-service';
import type { SyncEngine } from '../sync/engine';
import type { UpdateService } from '../desktop/update-service';

/** What every area's handlers may use: one core's parts, built once in core.ts. */
export interface CoreContext {
  /** The tables over the core's one writing connection: write through `write` or a job. */
  repos: Repos;
  /**
   * The same tables over a read-only connection: what the window reads never
   * waits behind a long job, nor sees its uncommitted work.
   */
  read: Repos;
  /** Runs a short write when no long job holds the database (at once, almost always). */
  write<T>(fn: () => T): Promise<T>;
  /** Long work in one transaction, with progress and cancel. */
  jobs: Jobs;
  sync: SyncEngine;
  dbPath: string;
  clock: Clock;
  events: EventSink;
  /** The outbox changed: the windows get its counts (at once, or with a burst's last change). */
  outboxChanged(): void;
  appVersion: string;
  /** Who the audit trail names for decisions taken through these handlers. */
  actor: string;
  /** First run, connection, demo and settings. */
  setup: SetupService;
  /** What only the desktop can do (folders, restart, save dialog, notifications). */
  desktop: DesktopPort;
  /** App updates (update-policy.ts decides, main's electron-updater carries out). */
  updates: UpdateService;
}
