import { z } from 'zod';
import { describeIssues } from './errors';
import { boundedText } from './ipc/bounded';
import { VisitorCreateDataSchema, type VisitorValues } from './visitor';

/**
 * One edit over many visitors (the visitors screen's bulk edit): set, clear
 * or find-and-replace in one field. Pure: the preview and the apply both ask
 * `editVisitor` what each record becomes, so the preview says exactly what
 * the apply will do.
 */

/** The fields a bulk edit may change: the text fields and the interests list (not capturedAt). */
export const BULK_EDIT_FIELDS = [
  'name',
  'company',
  'email',
  'title',
  'phone',
  'interests',
  'notes',
  'captureMethod',
] as const;
export type BulkEditField = (typeof BULK_EDIT_FIELDS)[number];

export const FieldActionSchema = z.discriminatedUnion('kind', [
  /** Interests: a comma-separated list. */
  z.strictObject({ kind: z.literal('set'), value: boundedText(10_000) }),
  z.strictObject({ kind: z.literal('clear') }),
  /** Every occurrence of `find` (interests: in each item). */
  z.strictObject({
    kind: z.literal('replace'),
    find: boundedText(1_000, { min: 1 }),
    replace: boundedText(1_000),
    matchCase: z.boolean().default(false),
  }),
]);
export type FieldAction = z.infer<typeof FieldActionSchema>;

export const BulkEditSchema = z.strictObject({
  field: z.enum(BULK_EDIT_FIELDS),
  action: FieldActionSchema,
});
export type BulkEdit = z.infer<typeof BulkEditSchema>;
export type BulkEditIn = z.input<typeof BulkEditSchema>;

/** What one record becomes. */
export type EditOutcome =
  | { kind: 'unchanged' }
  | { kind: 'changed'; values: VisitorValues }
  /** The record the edit would produce is not a valid visitor (e.g. a cleared name). */
  | { kind: 'invalid'; message: string };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function replaceIn(text: string, action: Extract<FieldAction, { kind: 'replace' }>): string {
  const pattern = new RegExp(escapeRegExp(action.find), action.matchCase ? 'g' : 'gi');
  // A function, so `$&` or `$1` in the replacement is plain text.
  return text.replace(pattern, () => action.replace);
}

/** The interests list a comma-separated text names: trimmed items, empty ones left out. */
export function interestsOf(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function newFieldValue(current: VisitorValues, edit: BulkEdit): VisitorValues[BulkEditField] {
  const a = edit.action;
  if (edit.field === 'interests') {
    if (a.kind === 'clear') return [];
    if (a.kind === 'set') return interestsOf(a.value);
    return current.interests.map((item) => replaceIn(item, a).trim()).filter((s) => s.length > 0);
  }
  const old = current[edit.field];
  if (a.kind === 'clear') return edit.field === 'name' ? '' : null;
  const next = a.kind === 'set' ? a.value : replaceIn(old ?? '', a);
  // An empty optional field is null, as the record panel stores it.
  return next === '' && edit.field !== 'name' ? null : next;
}

function same(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length && a.every((x, i) => x === b[i])
    : a === b;
}

/** What `edit` makes of a visitor: unchanged, its new values, or why it cannot be. */
export function editVisitor(current: VisitorValues, edit: BulkEdit): EditOutcome {
  const value = newFieldValue(current, edit);
  if (same(value, current[edit.field])) return { kind: 'unchanged' };
  const values = { ...current, [edit.field]: value } as VisitorValues;
  // The same check as a single edit in the record panel: the whole record must stay valid.
  const parsed = VisitorCreateDataSchema.safeParse(values);
  if (!parsed.success) return { kind: 'invalid', message: describeIssues(parsed.error) };
  return { kind: 'changed', values };
}

/** A field's value as one line of text (samples, undo records). */
export function fieldText(values: VisitorValues, field: BulkEditField): string {
  const v = values[field];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

/** The edit in words, for the job's label, the undo button and the log. */
export function describeEdit(edit: BulkEdit, fieldLabel: string): string {
  const a = edit.action;
  if (a.kind === 'clear') return `Clear ${fieldLabel}`;
  if (a.kind === 'set') return `Set ${fieldLabel} to "${a.value}"`;
  return `Replace "${a.find}" with "${a.replace}" in ${fieldLabel}`;
}
