import { randomUUID } from 'node:crypto';
import { basename, extname } from 'node:path';
import { AppErrorException, fail } from '../../../shared/errors';
import type {
  ImportFormat,
  ImportInspection,
  importChannels,
} from '../../../shared/ipc/import-contract';
import { Importer, type ImportFile } from '../import/importer';
import { autoMapping, mappingProblem } from '../import/mapping';
import { fingerprint, peekColumns } from '../import/source';
import type { CoreContext } from './context';
import { toAppError, type HandlersFor } from './dispatch';

/** The window's tables and counts are refreshed at most this often while an import runs. */
const REFRESH_EVERY_MS = 500;

interface Picked extends ImportFile {
  size: number;
  columns: string[];
  /** Rows the last dry run counted (all of them, earlier-imported included): the bar's total. */
  expectedRows: number | null;
}

function formatOf(path: string): ImportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return fail(
    'import_format',
    `${basename(path)} is neither a .csv nor a .jsonl file. Save it as CSV (with a header row) or JSON Lines and pick it again.`,
  );
}

/**
 * The core's side of shared/ipc/import-contract.ts. The window never names a
 * path: the person picks the file in the OS's dialog, the core keeps its
 * path and hands the window a handle (fileId) for the checks and the import.
 */
export function importHandlers(ctx: CoreContext): HandlersFor<typeof importChannels> {
  const importer = new Importer(ctx.repos, ctx.clock, ctx.read);
  const picked = new Map<string, Picked>();

  const fileOf = (fileId: string): Picked =>
    picked.get(fileId) ??
    fail('import_file_gone', 'The console no longer knows this file; pick it again.');

  const inspect = async (path: string): Promise<ImportInspection> => {
    const format = formatOf(path);
    const { size, sha256 } = await fingerprint(path);
    const columns = await peekColumns(path, format);
    const fileId = randomUUID();
    const names = columns.map((c) => c.name);
    picked.set(fileId, {
      path,
      name: basename(path),
      format,
      fingerprint: sha256,
      size,
      columns: names,
      expectedRows: null,
    });
    const earlier = importer.previous(sha256);
    const resuming = earlier && earlier.finishedAt === null ? earlier : null;
    return {
      fileId,
      name: basename(path),
      size,
      format,
      columns,
      mapping: resuming?.mapping ?? autoMapping(names),
      resume: resuming && {
        startedAt: resuming.startedAt,
        nextLine: resuming.nextLine,
        rows: resuming.rows,
        created: resuming.created,
        updated: resuming.updated,
        mapping: resuming.mapping,
      },
      importedAt: earlier?.finishedAt ?? null,
    };
  };

  /** The mapping must fit the file (a resumed import keeps its own, so it is not asked). */
  const checkMapping = (file: Picked, mapping: Parameters<typeof mappingProblem>[0]) => {
    const earlier = importer.previous(file.fingerprint);
    if (earlier && earlier.finishedAt === null) return;
    const problem = mappingProblem(mapping, file.columns);
    if (problem) fail('import_mapping', problem);
  };

  return {
    'import:pick': async () => {
      const outcome = await ctx.desktop.openFile();
      if (outcome.kind === 'unavailable')
        fail(
          'desktop_unavailable',
          'Choosing a file needs the desktop app. Without it, import with "npm run cli -- import <file> --db <database>".',
        );
      if (outcome.kind === 'cancelled') return { kind: 'cancelled' as const };
      return { kind: 'chosen' as const, inspection: await inspect(outcome.path) };
    },

    'import:dryRun': async ({ fileId, mapping }) => {
      const file = fileOf(fileId);
      checkMapping(file, mapping);
      const report = await ctx.jobs.steps(
        {
          kind: 'import',
          label: `Check ${file.name}`,
          unit: 'rows',
          total: file.expectedRows,
          cancelled: 'Stopped; nothing was imported.',
        },
        (job) => importer.dryRun(file, mapping, { tick: job.tick }),
      );
      file.expectedRows = report.rows + report.alreadyImported;
      return report;
    },

    'import:run': async ({ fileId, mapping }) => {
      const file = fileOf(fileId);
      checkMapping(file, mapping);
      let lastRefresh = 0;
      const refresh = (force: boolean) => {
        const now = performance.now();
        if (!force && now - lastRefresh < REFRESH_EVERY_MS) return;
        lastRefresh = now;
        ctx.events.emit('visitors:changed', {});
        ctx.events.emit('outbox:changed', ctx.read.outbox.counts());
      };
      try {
        return await ctx.jobs.steps(
          {
            kind: 'import',
            label: `Import ${file.name}`,
            unit: 'rows',
            total: file.expectedRows,
            cancelled:
              'Stopped. The rows imported so far are kept: import the same file again to go on from where it stopped.',
          },
          (job) =>
            importer
              .run(file, mapping, {
                write: (fn) => ctx.write(fn),
                tick: job.tick,
                committed: () => refresh(false),
              })
              .catch((err: unknown) => {
                const error = toAppError(err);
                if (error.code === 'cancelled' || error.code === 'import_mapping') throw err;
                throw new AppErrorException({
                  ...error,
                  message: `${error.message} The rows imported before this are kept: import the same file again to go on from there.`,
                });
              }),
        );
      } finally {
        refresh(true);
      }
    },
  };
}
