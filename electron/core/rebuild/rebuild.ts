import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppErrorException, appError } from '../../../shared/errors';
import type { RebuildSummary } from '../../../shared/rebuild';
import { systemClock, type Clock } from '../clock';
import { quickCheck } from '../db/damage-check';
import { openDatabase } from '../db/open';
import type { EventSink } from '../events';
import { createRepos } from '../repos';
import {
  DEFAULT_SYNC_SETTINGS,
  SyncEngine,
  type SyncConnection,
  type SyncSettings,
} from '../sync/engine';
import { heldElsewhere } from '../sync/lease';
import { restoreWork } from './restore';
import { salvage } from './salvage';

/**
 * Rebuilds a console database that SQLite can no longer read whole, keeping
 * the local work: the damaged file is never deleted (it is renamed aside,
 * with its -wal and -shm), every readable row of local work is salvaged from
 * a copy of it (salvage.ts), a fresh database mirrors the server in full
 * (the engine's own first pull), and the work goes back on top (restore.ts):
 * operations with the same opIds, so one the server already applied is
 * answered with its first result and never applied twice.
 *
 * The fresh database is built beside the file and only takes its name at
 * the end: until then the damaged file stays where it was, so a rebuild that
 * fails (server unreachable, token refused) changes nothing.
 */

export interface RebuildOptions {
  dbPath: string;
  connection: SyncConnection;
  settings?: SyncSettings;
  clock?: Clock;
  /** The pull's progress events (sync:progress), for the CLI's progress line or a window. */
  events?: EventSink;
  /**
   * Refuse a file SQLite's quick_check finds whole (the command line, unless
   * --force). The damaged-database screen knows the file is damaged: SQLite
   * said so opening it, or a sync met a bad page (an index out of step with
   * its table is damage quick_check does not look for).
   */
  onlyIfDamaged?: boolean;
}

/** `20260105T101500Z`: sortable, and a valid file name everywhere (no colons). */
export function fileStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Where the damaged file goes: `<file>.damaged-<stamp>`, never over an earlier one. */
export function keptName(dbPath: string, stamp: string): string {
  const base = `${dbPath}.damaged-${stamp}`;
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!['', '-wal', '-shm'].some((s) => existsSync(`${name}${s}`))) return name;
  }
}

const SUFFIXES = ['', '-wal', '-shm'] as const;

function removeFiles(path: string): void {
  for (const s of SUFFIXES) rmSync(`${path}${s}`, { force: true });
}

export async function rebuildDatabase(opts: RebuildOptions): Promise<RebuildSummary> {
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  const { dbPath } = opts;
  if (!existsSync(dbPath))
    throw new AppErrorException(
      appError('db_missing', `There is no database at ${dbPath}: nothing to rebuild.`),
    );
  if (opts.onlyIfDamaged && quickCheck(dbPath).length === 0)
    throw new AppErrorException(
      appError(
        'not_damaged',
        `SQLite reads ${dbPath} whole (its quick_check found nothing): there is nothing to rebuild. To compare the mirror with the server, use verify (and repair); to rebuild anyway, add --force.`,
      ),
    );
  // Beside the file, not in the system's temporary folder: the copy is as large as the
  // database, and the folder the database lives in is the one known to hold it.
  const work = mkdtempSync(join(dirname(dbPath), `${basename(dbPath)}.salvage-`));
  const stamp = fileStamp(started);
  const fresh = `${dbPath}.rebuilding-${stamp}`;
  let done = false;
  try {
    const salvaged = salvage(dbPath, work);
    if (heldElsewhere(salvaged.lease, clock.now().getTime()))
      throw new AppErrorException(
        appError(
          'sync_in_progress',
          'Another console window or the command-line tool is syncing this database; close it, then rebuild.',
          true,
        ),
      );

    removeFiles(fresh);
    const db = openDatabase(fresh);
    let pulled: number;
    let counts: ReturnType<typeof restoreWork>;
    let visitors: number;
    try {
      const repos = createRepos(db);
      // The same device id as before: the server knows this console by it.
      if (salvaged.clientId) repos.state.set('clientId', salvaged.clientId);
      const engine = new SyncEngine({
        db,
        repos,
        clock,
        events: opts.events ?? { emit: () => undefined },
        settings: () => opts.settings ?? DEFAULT_SYNC_SETTINGS,
      });
      engine.configure(opts.connection);
      // The outbox is empty: this run is the full pull, nothing is pushed yet.
      const run = await engine.sync('rebuild');
      if (run.outcome !== 'success' || run.lastError)
        throw new AppErrorException(
          appError(
            run.lastError?.code ?? 'rebuild_failed',
            `The server could not be mirrored (${run.lastError?.message ?? run.outcome}). Nothing was changed: the damaged file is still at ${dbPath}.`,
            run.lastError?.retryable ?? true,
          ),
        );
      pulled = run.pulled;
      counts = restoreWork(repos, salvaged, clock.now().toISOString());
      visitors = repos.visitors.liveCount();
    } finally {
      db.close();
    }

    // The damaged file's -wal first: a -wal left under the old name would be
    // replayed into the fresh database that takes it.
    const keptAs = keptName(dbPath, stamp);
    const keptFiles: string[] = [];
    for (const s of ['-wal', '-shm', ''] as const)
      if (existsSync(`${dbPath}${s}`)) {
        renameSync(`${dbPath}${s}`, `${keptAs}${s}`);
        keptFiles.push(`${keptAs}${s}`);
      }
    // Closing checkpointed the fresh database into its file; a -wal left over is part of it.
    if (existsSync(`${fresh}-wal`)) renameSync(`${fresh}-wal`, `${dbPath}-wal`);
    rmSync(`${fresh}-shm`, { force: true });
    renameSync(fresh, dbPath);
    done = true;
    return {
      dbPath,
      keptAs,
      keptFiles: keptFiles.sort(),
      serverUrl: opts.connection.serverUrl,
      ...counts,
      unreadable: salvaged.unreadable,
      headerRepaired: salvaged.headerRepaired,
      visitors,
      pulled,
      durationMs: clock.now().getTime() - started.getTime(),
    };
  } finally {
    if (!done) removeFiles(fresh);
    rmSync(work, { recursive: true, force: true });
  }
}
