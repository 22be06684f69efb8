import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';

/**
 * What an import file says, row by row, before any validation of values:
 * which record (`id`, or none for a new one) and which fields. Values are
 * validated by the same schemas as the app's edits (import/importer.ts).
 */
export type ImportRow =
  | { line: number; id: string | null; fields: Partial<Record<VisitorField, unknown>> }
  | { line: number; error: string };

export const COLUMNS = [...VISITOR_FIELDS, 'id'] as const;

/** `interests` in CSV: items separated by `;` or `|`, trimmed, empty items dropped. */
export function splitInterests(cell: string): string[] {
  return cell
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
