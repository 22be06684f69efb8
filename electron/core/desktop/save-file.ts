import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppErrorException, appError } from '../../../shared/errors';

/**
 * Writes a file whole or not at all: into a temporary file next to it,
 * flushed to disk, then renamed over the target. Only when this resolves is
 * the file there (the queue marks operations exported only then). A failure
 * leaves no partial file and throws an error value in words. Plain Node.
 */
export async function writeFileWhole(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.part`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new AppErrorException(
      appError(
        'file_not_saved',
        `The file could not be saved to ${path} (${reason}). Nothing was marked exported; export again and choose another folder.`,
      ),
    );
  }
}

/** The OS save dialog's options for an export: in the documents folder, filtered by its kind. */
export function saveDialogOptions(documents: string, file: { filename: string; ext: string }) {
  return {
    title: 'Save the exported operations',
    defaultPath: join(documents, file.filename),
    filters: [{ name: file.ext.toUpperCase(), extensions: [file.ext] }],
  };
}

/** The open dialog of an import: one CSV or JSONL file. */
export const openImportOptions = {
  title: 'Import visitors from a file',
  properties: ['openFile' as const],
  filters: [{ name: 'CSV or JSONL', extensions: ['csv', 'jsonl', 'ndjson'] }],
};
