import { AppErrorException, appError, type AppError } from '../../../shared/errors';
import { CHANNELS, type Channel } from '../../../shared/ipc/contract';
import type { RebuildResult, SetupState, StartupProblem } from '../../../shared/ipc/setup-contract';
import type { Handlers } from '../ipc/dispatch';
import type { DesktopPort } from '../desktop/desktop-port';

/**
 * The database could not be opened: what it means and what to do, per
 * error code of db/open.ts and db/migrations.ts. Pure.
 */
export function describeStartupProblem(error: AppError, dbPath: string): StartupProblem {
  const base = { code: error.code, message: error.message, dbPath, canRebuild: false };
  switch (error.code) {
    case 'db_locked':
      return {
        ...base,
        title: 'The database is in use by another program',
        steps: [
          'Close any other Visitor Reconciliation Console window, and the command-line tool if a sync is running.',
          'Then choose Try again.',
        ],
      };
    case 'db_corrupt':
      return {
        ...base,
        canRebuild: true,
        title: 'The database file is damaged',
        steps: [
          'Choose Rebuild from the server: the damaged file is kept beside it (never deleted), the console mirrors your server again and puts back every edit not synced yet that it can still read from the damaged file, to be sent by the next sync. What could not be read is listed.',
          'With no server to rebuild from: open the data folder, move visitors.sqlite somewhere safe, and choose Try again to start with an empty database.',
        ],
      };
    case 'db_newer_schema':
      return {
        ...base,
        title: 'The database was written by a newer version of the console',
        steps: [
          'Install the newer version of the console again (recommended): it reads this database as it is.',
          'Or open the data folder and move visitors.sqlite aside to start this version with an empty database.',
        ],
      };
    case 'db_disk_full':
      return {
        ...base,
        title: 'The disk is full',
        steps: [
          'Free some space on the disk that holds the data folder.',
          'Then choose Try again.',
        ],
      };
    case 'db_cannot_open':
      return {
        ...base,
        title: 'The database cannot be opened for writing',
        steps: [
          'Check that the data folder exists and that your user may write to it.',
          'Then choose Try again.',
        ],
      };
    default:
      return {
        ...base,
        title: 'The database could not be opened',
        steps: [
          'Choose Try again.',
          'If it happens again, open the logs folder and send the latest log to your administrator.',
        ],
      };
  }
}

/** What the window is told while the console runs without its database. */
export function problemState(problem: StartupProblem): SetupState {
  return {
    welcome: false,
    connection: { kind: 'none' },
    tokenStorage: { kind: 'session', reason: 'The console did not start.' },
    tokenMissing: false,
    tokenProblem: null,
    settingsProblem: null,
    demo: {
      state: 'off',
      step: null,
      serverUrl: null,
      visitors: 0,
      conflicts: 0,
      retrying: 0,
      error: null,
    },
    startupProblem: problem,
  };
}

/**
 * The words for a file found damaged while the console was working on it
 * (a sync met a page SQLite could not read): the damaged-database screen's,
 * with its rebuild.
 */
export function damagedWhileOpen(dbPath: string): StartupProblem {
  return describeStartupProblem(
    appError(
      'db_corrupt',
      `The database file ${dbPath} is damaged: SQLite could not read part of it during a sync. The console stopped using it, so nothing more is written to it.`,
    ),
    dbPath,
  );
}

/**
 * The handler table of a console whose database would not open: the window
 * still gets a contract-shaped reply to every call, so it can show the
 * problem screen instead of a white window. Only the shell's own actions work.
 */
export function startupProblemHandlers(
  problem: StartupProblem,
  desktop: DesktopPort,
  /** Rebuilds the damaged file and opens the console on the result (host/core-process.ts). */
  rebuild?: (token: string | undefined) => Promise<RebuildResult>,
): Handlers {
  const refuse = () => {
    throw new AppErrorException(appError(problem.code, problem.message, false));
  };
  let rebuilding = false;
  const state = problemState(problem);
  const table = Object.fromEntries(
    CHANNELS.map((c: Channel) => [c, refuse]),
  ) as unknown as Handlers;
  return {
    ...table,
    'setup:state': () => state,
    'app:openFolder': async ({ folder }) => ({ opened: await desktop.openFolder(folder) }),
    'app:relaunch': () => ({ relaunching: desktop.relaunch({ resetDatabase: false }) }),
    'setup:rebuildDatabase': async ({ token }) => {
      if (!problem.canRebuild || !rebuild) return refuse();
      if (rebuilding)
        throw new AppErrorException(
          appError('rebuild_running', 'A rebuild is already running; wait for it to end.', true),
        );
      rebuilding = true;
      try {
        return await rebuild(token);
      } finally {
        rebuilding = false;
      }
    },
  };
}
