import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import { readCsvTable } from './csv';

/**
 * What an import file says, row by row, before any validation of values:
 * which record (`id`, or none for a new one) and which fields. Values are
 * validated by the same schemas as the app's edits (import-command.ts).
 */
export type ImportRow =
  | { line: number; id: string | null; fields: Partial<Record<VisitorField, unknown>> }
  | { line: number; error: string };

/** The file cannot be imported at all (nothing was imported). */
export interface FileError {
  line: number;
  error: string;
}

export type ImportFormat = 'csv' | 'jsonl';

export const COLUMNS = [...VISITOR_FIELDS, 'id'] as const;
type Column = (typeof COLUMNS)[number];

const byLowerName = new Map<string, Column>(COLUMNS.map((c) => [c.toLowerCase(), c]));

/** `interests` in CSV: items separated by `;` or `|`, trimmed, empty items dropped. */
export function splitInterests(cell: string): string[] {
  return cell
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * CSV: a header naming the columns (any of COLUMNS, any letter case, each at
 * most once); an empty cell is null (no interests for `interests`, and an
 * empty `name`, which validation then refuses).
 */
export function csvRows(text: string): { rows: ImportRow[] } | FileError {
  const table = readCsvTable(text);
  if (!table.ok) return { line: table.line, error: table.error };
  const columns: Column[] = [];
  for (const [i, raw] of table.header.entries()) {
    const name = raw.trim();
    const column = byLowerName.get(name.toLowerCase());
    if (!name) return { line: 1, error: `column ${i + 1} of the header has no name` };
    if (!column)
      return {
        line: 1,
        error: `unknown column "${name}" (the columns are: ${COLUMNS.join(', ')})`,
      };
    if (columns.includes(column))
      return { line: 1, error: `column "${column}" appears more than once` };
    columns.push(column);
  }
  const rows = table.rows.map((row): ImportRow => {
    if ('error' in row) return row;
    let id: string | null = null;
    const fields: Partial<Record<VisitorField, unknown>> = {};
    row.cells.forEach((cell, i) => {
      const column = columns[i]!;
      if (column === 'id') id = cell.trim() === '' ? null : cell.trim();
      else if (column === 'interests') fields.interests = splitInterests(cell);
      else if (column === 'name') fields.name = cell;
      else fields[column] = cell === '' ? null : cell;
    });
    return { line: row.line, id, fields };
  });
  return { rows };
}

/**
 * JSONL: one JSON object per line with the same keys as the CSV columns and
 * JSON values as the app sends them (`interests` an array of strings); blank
 * lines are skipped.
 */
export function jsonlRows(input: string): { rows: ImportRow[] } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: ImportRow[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      rows.push({ line, error: `malformed JSON: ${(err as Error).message}` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rows.push({ line, error: 'expected a JSON object' });
      return;
    }
    const object = value as Record<string, unknown>;
    const unknown = Object.keys(object).filter((k) => !(COLUMNS as readonly string[]).includes(k));
    if (unknown.length > 0) {
      rows.push({
        line,
        error: `unknown ${unknown.length === 1 ? 'field' : 'fields'} ${unknown.map((k) => `"${k}"`).join(', ')} (the fields are: ${COLUMNS.join(', ')})`,
      });
      return;
    }
    const { id, ...fields } = object;
    if (id !== undefined && id !== null && (typeof id !== 'string' || id.trim() === '')) {
      rows.push({ line, error: 'id: must be a non-empty string (or absent for a new visitor)' });
      return;
    }
    rows.push({
      line,
      id: typeof id === 'string' ? id.trim() : null,
      fields: fields as Partial<Record<VisitorField, unknown>>,
    });
  });
  return { rows };
}
