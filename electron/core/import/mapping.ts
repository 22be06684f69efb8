import type {
  ImportMapping,
  ImportTarget,
  RejectedLine,
} from '../../../shared/ipc/import-contract';
import { IMPORT_TARGETS } from '../../../shared/ipc/import-contract';
import type { VisitorField } from '../../../shared/visitor';
import { splitInterests, type ImportRow } from '../cli/import-rows';

/** "E-mail", "e_mail", "EMAIL" → "email": what a header is compared by. */
const normalise = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Other names files use for the fields, normalised. The field's own name always matches. */
const ALIASES: Record<ImportTarget, string[]> = {
  name: ['fullname', 'visitor', 'visitorname', 'contact', 'contactname'],
  company: ['organisation', 'organization', 'org', 'employer', 'companyname'],
  email: ['mail', 'emailaddress'],
  title: ['jobtitle', 'position', 'role'],
  phone: ['telephone', 'tel', 'mobile', 'phonenumber', 'cell'],
  interests: ['interest', 'topics', 'tags'],
  notes: ['note', 'comments', 'comment', 'remarks'],
  captureMethod: ['method', 'source', 'capturedby'],
  capturedAt: ['captured', 'capturedate', 'capturetime', 'date'],
  id: ['visitorid', 'serverid', 'localid'],
};

const byAlias = new Map<string, ImportTarget>();
for (const target of IMPORT_TARGETS) {
  byAlias.set(normalise(target), target);
  for (const alias of ALIASES[target]) byAlias.set(alias, target);
}

/** A strict name match (any letter case): what the CLI accepts without a mapping. */
export function exactTarget(column: string): ImportTarget | undefined {
  const lower = column.trim().toLowerCase();
  return IMPORT_TARGETS.find((t) => t.toLowerCase() === lower);
}

/**
 * The CLI's mapping of a CSV header, by name only: every column must be a
 * field or id (any letter case, surrounding spaces ignored), each at most once.
 */
export function strictMapping(header: readonly string[]): ImportMapping | { error: string } {
  const mapping: ImportMapping = [];
  for (const [i, raw] of header.entries()) {
    const name = raw.trim();
    const target = exactTarget(name);
    if (!name) return { error: `column ${i + 1} of the header has no name` };
    if (!target)
      return { error: `unknown column "${name}" (the columns are: ${IMPORT_TARGETS.join(', ')})` };
    if (mapping.some((m) => m.target === target))
      return { error: `column "${target}" appears more than once` };
    mapping.push({ column: raw, target });
  }
  return mapping;
}

/**
 * The guess shown on the Import screen: each column to the field its name
 * says (or an alias), the first column claiming a field wins, the rest are
 * ignored until the person maps them.
 */
export function autoMapping(columns: readonly string[]): ImportMapping {
  const taken = new Set<ImportTarget>();
  return columns.map((column) => {
    const target = exactTarget(column) ?? byAlias.get(normalise(column)) ?? null;
    if (target === null || taken.has(target)) return { column, target: null };
    taken.add(target);
    return { column, target };
  });
}

/** Why a mapping cannot be used with these columns, or null when it can. */
export function mappingProblem(mapping: ImportMapping, columns: readonly string[]): string | null {
  if (mapping.length !== columns.length || mapping.some((m, i) => m.column !== columns[i]))
    return 'The mapping does not match the file’s columns; pick the file again.';
  const seen = new Set<ImportTarget>();
  for (const { column, target } of mapping) {
    if (target === null) continue;
    if (seen.has(target)) return `Two columns go to ${target}; map "${column}" elsewhere.`;
    seen.add(target);
  }
  if (!seen.has('name') && !seen.has('id'))
    return 'No column goes to name (or id): a new visitor needs a name.';
  return null;
}

/** A CSV record (cells in column order) as an import row, through the mapping. */
export function csvRecordRow(line: number, cells: string[], mapping: ImportMapping): ImportRow {
  if (cells.length !== mapping.length) {
    const width = mapping.length;
    return {
      line,
      error: `expected ${width} ${width === 1 ? 'field' : 'fields'} (one per column), found ${cells.length}`,
    };
  }
  let id: string | null = null;
  const fields: Partial<Record<VisitorField, unknown>> = {};
  cells.forEach((cell, i) => {
    const target = mapping[i]!.target;
    if (target === null) return;
    if (target === 'id') id = cell.trim() === '' ? null : cell.trim();
    else if (target === 'interests') fields.interests = splitInterests(cell);
    else if (target === 'name') fields.name = cell;
    else fields[target] = cell === '' ? null : cell;
  });
  return { line, id, fields };
}

/**
 * A JSONL object as an import row: keys through the mapping (a key mapped to
 * nothing is ignored; a key the mapping does not know is refused), values as
 * JSON gives them (`interests` an array of strings).
 */
export function jsonRecordRow(line: number, text: string, mapping: ImportMapping): ImportRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { line, error: `malformed JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { line, error: 'expected a JSON object' };
  const targets = new Map(mapping.map((m) => [m.column, m.target]));
  const object = value as Record<string, unknown>;
  const unknown = Object.keys(object).filter((k) => !targets.has(k));
  if (unknown.length > 0)
    return {
      line,
      error: `unknown ${unknown.length === 1 ? 'field' : 'fields'} ${unknown.map((k) => `"${k}"`).join(', ')} (the fields are: ${mapping.map((m) => m.column).join(', ')})`,
    };
  let id: string | null = null;
  const fields: Partial<Record<VisitorField, unknown>> = {};
  for (const [key, v] of Object.entries(object)) {
    const target = targets.get(key);
    if (target === null || target === undefined) continue;
    if (target === 'id') {
      if (v !== undefined && v !== null && (typeof v !== 'string' || v.trim() === ''))
        return { line, error: 'id: must be a non-empty string (or absent for a new visitor)' };
      id = typeof v === 'string' ? v.trim() : null;
    } else fields[target] = v;
  }
  return { line, id, fields };
}

/** Keeps the first `cap` rejected lines and counts the rest (memory stays flat at any size). */
export class RejectedLines {
  readonly lines: RejectedLine[];
  count: number;
  constructor(
    private readonly cap: number,
    from: { lines: RejectedLine[]; count: number } = { lines: [], count: 0 },
  ) {
    this.lines = [...from.lines];
    this.count = from.count;
  }
  add(line: number, reason: string): void {
    this.count++;
    if (this.lines.length < this.cap) this.lines.push({ line, reason });
  }
}
