import { z } from 'zod';
import { VisitorFieldNameSchema, type VisitorField } from '../visitor';

/**
 * One change to one field across a whole failure group: a find-and-replace
 * inside the field's text, or a value set outright. Pure, so the preview and
 * the write compute exactly the same payloads; the caller checks each result
 * with the wire's schemas (validatePayloadEdit) before anything is written.
 */

export const FieldEditSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('replace'),
    field: VisitorFieldNameSchema,
    find: z.string().min(1).max(1_000),
    replace: z.string().max(1_000),
  }),
  z.strictObject({
    type: z.literal('set'),
    field: VisitorFieldNameSchema,
    /** The new value; null (or empty) clears it. For interests: a comma-separated list. */
    value: z.string().max(10_000).nullable(),
  }),
]);
export type FieldEdit = z.infer<typeof FieldEditSchema>;

export type FieldEditResult =
  { changed: true; data: Record<string, unknown> } | { changed: false; why: string };

const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** The value `set` writes into the field. */
function setValue(field: VisitorField, value: string | null): unknown {
  if (field === 'interests') return value === null ? [] : splitList(value);
  return value === null || value === '' ? null : value;
}

function replaced(value: unknown, find: string, by: string): unknown {
  if (typeof value === 'string') return value.split(find).join(by);
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v.split(find).join(by) : v));
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The payload after the edit, or why it stays as it is. A delete has no
 * payload; an update that does not send the field is left alone by a
 * find-and-replace (there is nothing to find) but gains it with `set`.
 */
export function applyFieldEdit(
  op: { action: 'create' | 'update' | 'delete'; data: Record<string, unknown> | null },
  edit: FieldEdit,
): FieldEditResult {
  if (op.action === 'delete' || op.data === null)
    return { changed: false, why: 'A delete carries no payload to edit.' };
  const before = op.data;
  const has = Object.hasOwn(before, edit.field);
  let next: unknown;
  if (edit.type === 'set') next = setValue(edit.field, edit.value);
  else {
    if (!has) return { changed: false, why: `It does not send ${edit.field}.` };
    next = replaced(before[edit.field], edit.find, edit.replace);
  }
  if (has && same(before[edit.field], next))
    return {
      changed: false,
      why:
        edit.type === 'replace'
          ? `Its ${edit.field} does not contain “${edit.find}”.`
          : `Its ${edit.field} already has this value.`,
    };
  return { changed: true, data: { ...before, [edit.field]: next } };
}

/** The edit in words, for confirmations and the audit trail. */
export function describeFieldEdit(edit: FieldEdit): string {
  if (edit.type === 'replace')
    return `replace “${edit.find}” with “${edit.replace}” in ${edit.field}`;
  return edit.value === null || edit.value === ''
    ? `clear ${edit.field}`
    : `set ${edit.field} to “${edit.value}”`;
}
