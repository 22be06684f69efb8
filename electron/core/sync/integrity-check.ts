import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from '../db/open';

/** SQLite's integrity_check under way. */
export interface IntegrityRun {
  /** What it found wrong, in SQLite's words; empty when the file is sound. */
  readonly result: Promise<string[]>;
  /** Gives it up (a cancelled check): its result is no longer waited for. */
  stop(): void;
}

/** Starts SQLite's integrity_check of the file `db` reads. */
export type IntegrityCheck = (db: Db) => IntegrityRun;

/**
 * The lines of integrity_check that say something is wrong. SQLite's check
 * of an external-content FTS5 table compares its index with every row of the
 * content table, but the search index (visitors_fts) deliberately leaves out
 * deleted rows, so that part of the check reports them as "corruption". The
 * index is derived data; the records are checked by the mirror check itself.
 */
export function integrityProblems(lines: readonly string[]): string[] {
  return lines.filter((s) => s !== 'ok' && !/^fts5: .*visitors_fts/.test(s));
}

/** integrity_check on `db` itself, on this thread: one statement, however long. */
export function integrityHere(db: Db): string[] {
  return integrityProblems(
    (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check),
  );
}

/**
 * The worker's whole program (CommonJS, given as text: no file to find next to
 * a bundle, in the app, the CLI or the tests). It opens the database file
 * read-only with its own connection (in WAL mode it reads the last committed
 * state, whoever writes meanwhile) and sends back integrity_check's lines, or
 * why it could not.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  parentPort.postMessage({ lines: db.pragma('integrity_check').map((r) => r.integrity_check) });
} catch (err) {
  parentPort.postMessage({ failed: String((err && err.message) || err) });
} finally {
  if (db) db.close();
}
`;

type WorkerAnswer = { lines: string[] } | { failed: string };

/**
 * integrity_check on a thread of its own: one statement that cannot be cut
 * into steps (about 3 s at 200 000 visitors, far longer on a loaded machine),
 * so run there the core's thread keeps answering windows and sending the
 * job's progress, and a cancel is answered at once. The whole-file check,
 * not the table-by-table form (`integrity_check(<table>)`): that one leaves
 * out the file's own structure (free pages, pages used twice), and the
 * visitors table alone is most of the time anyway. A stopped check cannot be
 * interrupted inside SQLite: its thread ends when the statement does. When no
 * worker can do it (an in-memory database, a driver that will not load
 * there), it runs on this thread as before.
 */
export function integrityInWorker(db: Db): IntegrityRun {
  if (db.memory) return { result: Promise.resolve().then(() => integrityHere(db)), stop() {} };
  let stopped = false;
  let worker: Worker | undefined;
  const result = new Promise<string[]>((resolve, reject) => {
    let answered = false;
    const here = () => {
      if (answered || stopped) return;
      answered = true;
      try {
        resolve(integrityHere(db));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    try {
      worker = new Worker(WORKER, {
        eval: true,
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3'),
          file: db.name,
        },
      });
    } catch {
      here();
      return;
    }
    worker.once('message', (m: WorkerAnswer) => {
      if (!('lines' in m)) return here();
      answered = true;
      resolve(integrityProblems(m.lines));
    });
    worker.once('error', here);
    worker.once('exit', here);
  });
  // Given up or not awaited (the check failed first): a late failure is nobody's to report.
  result.catch(() => undefined);
  return {
    result,
    stop() {
      stopped = true;
      // Its thread may go on to the end of the statement: it keeps no process alive meanwhile.
      worker?.unref();
      void worker?.terminate();
    },
  };
}
