import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppErrorException, appError } from '../../../shared/errors';
import type { ImportFormat } from '../../../shared/ipc/import-contract';
import type { CsvRecord } from '../cli/csv';
import { CsvStream } from './csv-stream';

/** Bytes read at a time: big enough for speed, small enough that memory never grows with the file. */
const CHUNK = 256 * 1024;

/** One record of the file: a CSV record's cells, a JSONL line's text, or why it cannot be read. */
export type SourceRecord =
  | { line: number; cells: string[] }
  | { line: number; text: string }
  | { line: number; error: string };

export function fileError(message: string): AppErrorException {
  return new AppErrorException(appError('import_file', message));
}

function readError(file: string, err: unknown): AppErrorException {
  if (err instanceof AppErrorException) return err;
  if (err instanceof TypeError)
    return fileError(`${file} is not UTF-8 text; save it as UTF-8 and try again.`);
  const code = (err as { code?: string }).code;
  const why =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(err);
  return fileError(`Cannot read ${file}: ${why}.`);
}

/** The file's text, decoded as UTF-8 a chunk at a time (a bad byte is an error, not a U+FFFD). */
async function* textChunks(path: string, onBytes?: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
      const bytes = chunk as Buffer;
      onBytes?.(bytes.length);
      const text = decoder.decode(bytes, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (err) {
    throw readError(path, err);
  }
}

/** CSV records as the file holds them, the header first. */
async function* csvRecords(path: string, onBytes?: (n: number) => void) {
  const reader = new CsvStream();
  for await (const text of textChunks(path, onBytes)) yield* reader.push(text);
  yield* reader.end();
}

/** JSONL: each non-blank line with its number; CRLF, LF and lone CR end a line. */
async function* jsonLines(path: string, onBytes?: (n: number) => void) {
  let line = 1;
  let carry = '';
  let first = true;
  let afterCr = false;
  for await (let text of textChunks(path, onBytes)) {
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) {
        afterCr = false;
        continue;
      }
      const wasCr = afterCr;
      afterCr = c === 13;
      if (c === 10 && wasCr) {
        from = i + 1; // the LF of a CRLF
        continue;
      }
      const body = carry + text.slice(from, i);
      carry = '';
      if (body.trim() !== '') yield { line, text: body };
      line++;
      from = i + 1;
    }
    carry += text.slice(from);
  }
  if (carry.trim() !== '') yield { line, text: carry };
}

/**
 * Reads an import file once, front to back, in constant memory. CSV: the
 * header comes back first (an error on it ends the import before any row);
 * every record after it is `cells` or `error`. JSONL: `text` per line.
 */
export async function* readSource(
  path: string,
  format: ImportFormat,
  onBytes?: (n: number) => void,
): AsyncGenerator<SourceRecord> {
  if (format === 'jsonl') {
    yield* jsonLines(path, onBytes);
    return;
  }
  for await (const r of csvRecords(path, onBytes) as AsyncGenerator<CsvRecord>)
    yield r.error ? { line: r.line, error: r.error } : { line: r.line, cells: r.fields };
}

/** The file's size and a SHA-256 of its bytes: the same file imported again is recognised. */
export async function fingerprint(path: string): Promise<{ size: number; sha256: string }> {
  try {
    const { size, isDirectory } = await stat(path).then((s) => ({
      size: s.size,
      isDirectory: s.isDirectory(),
    }));
    if (isDirectory) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }))
      hash.update(chunk as Buffer);
    return { size, sha256: hash.digest('hex') };
  } catch (err) {
    throw readError(path, err);
  }
}

/**
 * The columns of a file and a few values of each, for the mapping: the CSV
 * header (must be readable) or the keys of the first JSONL objects.
 */
export async function peekColumns(
  path: string,
  format: ImportFormat,
  sampleRows = 5,
): Promise<{ name: string; samples: string[] }[]> {
  if (format === 'csv') {
    let header: string[] | null = null;
    const samples: string[][] = [];
    for await (const r of readSource(path, 'csv')) {
      if (header === null) {
        if ('error' in r) throw fileError(`Line ${r.line} (the header): ${r.error}`);
        header = (r as { cells: string[] }).cells;
        continue;
      }
      if ('cells' in r) samples.push(r.cells);
      if (samples.length >= sampleRows) break;
    }
    if (header === null) throw fileError('The file is empty: expected a header row.');
    return header.map((name, i) => ({
      name,
      samples: samples.map((row) => row[i] ?? '').filter((s) => s !== ''),
    }));
  }
  const keys = new Map<string, string[]>();
  let seen = 0;
  for await (const r of readSource(path, 'jsonl')) {
    if (!('text' in r)) continue;
    let value: unknown;
    try {
      value = JSON.parse(r.text);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const [k, v] of Object.entries(value)) {
      const list = keys.get(k) ?? [];
      keys.set(k, list);
      if (list.length < sampleRows && v !== null && v !== undefined && v !== '')
        list.push(typeof v === 'string' ? v : JSON.stringify(v));
    }
    if (++seen >= 200) break;
  }
  if (keys.size === 0) throw fileError('No JSON object found in the first lines of the file.');
  return [...keys].map(([name, samples]) => ({ name, samples }));
}
