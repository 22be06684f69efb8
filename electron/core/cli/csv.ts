/**
 * A small RFC 4180 CSV reader for `cli import`: comma-separated, fields in
 * double quotes may hold commas, doubled quotes ("") and line breaks; records
 * end with CRLF, LF or a lone CR; a leading UTF-8 BOM is dropped; blank lines
 * are skipped; a trailing line break adds no record.
 *
 * It never throws on bad input: a record that breaks the rules comes back
 * with `error` (and its fields as best read), and the records after it are
 * read normally, so one bad row costs only that row.
 */

export interface CsvRecord {
  /** 1-based line of the file on which the record starts. */
  line: number;
  fields: string[];
  /** Why the record is not valid CSV; its fields are then only a best effort. */
  error?: string;
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Line breaks in `s`: CRLF, LF and lone CR each count once. */
function countBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
}

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = text.length;
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;

  const endOfField = (at: number) => {
    const c = text.charCodeAt(at);
    return at >= n || c === COMMA || c === CR || c === LF;
  };

  while (i < n) {
    const c0 = text.charCodeAt(i);
    // A blank line: no record.
    if (c0 === LF || c0 === CR) {
      i += c0 === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    const fault = (message: string) => {
      error ??= `field ${fields.length + 1}: ${message}`;
    };

    for (;;) {
      let field = '';
      if (text.charCodeAt(i) === QUOTE) {
        const openedOn = line;
        i++;
        let closed = false;
        while (i < n) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            const rest = text.slice(i);
            field += rest;
            line += countBreaks(rest);
            i = n;
            break;
          }
          const part = text.slice(i, q);
          field += part;
          line += countBreaks(part);
          if (text.charCodeAt(q + 1) === QUOTE) {
            field += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          fault(`the quoted field opened on line ${openedOn} is never closed`);
        } else if (!endOfField(i)) {
          fault('text after the closing quote; a quote inside a quoted field must be doubled ("")');
          while (!endOfField(i)) field += text[i++];
        }
      } else {
        const from = i;
        while (!endOfField(i)) {
          if (text.charCodeAt(i) === QUOTE)
            fault('a quote in a field that does not start with one; quote the whole field');
          i++;
        }
        field = text.slice(from, i);
      }
      fields.push(field);
      if (i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }
    // The record's line break.
    if (i < n) {
      i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
    }
    records.push(error === undefined ? { line: start, fields } : { line: start, fields, error });
  }
  return records;
}

export type CsvRow = { line: number; cells: string[] } | { line: number; error: string };

export type CsvTable =
  { ok: true; header: string[]; rows: CsvRow[] } | { ok: false; line: number; error: string };

/**
 * The first record is the header; every other record must have exactly one
 * field per column (a ragged record is an error on its line).
 */
export function readCsvTable(input: string): CsvTable {
  const [head, ...rest] = parseCsv(input);
  if (!head) return { ok: false, line: 1, error: 'the file is empty: expected a header row' };
  if (head.error) return { ok: false, line: head.line, error: `header: ${head.error}` };
  const width = head.fields.length;
  const rows = rest.map((r): CsvRow => {
    if (r.error) return { line: r.line, error: r.error };
    if (r.fields.length !== width)
      return {
        line: r.line,
        error: `expected ${width} ${width === 1 ? 'field' : 'fields'} (one per column), found ${r.fields.length}`,
      };
    return { line: r.line, cells: r.fields };
  });
  return { ok: true, header: head.fields, rows };
}
