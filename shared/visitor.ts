import { z } from 'zod';

/**
 * The visitor record of PROTOCOL.md. One schema per shape; the server, the
 * core and the renderer's forms all parse with these.
 */

/** SQLite silently corrupts lone surrogates (FACTS.md), so refuse them at every edge. */
export function wellFormed(max: number, min = 0) {
  return z
    .string()
    .min(min, min === 1 ? 'is required' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.isWellFormed(), 'contains malformed Unicode (a lone surrogate)');
}

const optionalText = (max: number) => wellFormed(max).nullable().optional();

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export const isoTimestamp = z
  .string()
  .refine((s) => ISO_RE.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 timestamp');

export const VisitorFieldSchemas = {
  name: wellFormed(200)
    .refine((s) => s.trim().length > 0, 'is required')
    .refine((s) => s.trim().length <= 200, 'must be at most 200 characters'),
  company: optionalText(200),
  email: wellFormed(320)
    .refine((s) => s === '' || EMAIL_RE.test(s), 'must be a valid email address')
    .nullable()
    .optional(),
  title: optionalText(200),
  phone: optionalText(50),
  interests: z.array(wellFormed(100, 1)).max(50, 'must have at most 50 items'),
  notes: optionalText(10_000),
  captureMethod: optionalText(50),
  capturedAt: isoTimestamp.nullable().optional(),
} as const;

export type VisitorField = keyof typeof VisitorFieldSchemas;

/** The fields a client may send, in display order. */
export const VISITOR_FIELDS = Object.keys(VisitorFieldSchemas) as VisitorField[];

/** A visitor field's name, wherever one is named (picks, rules, filters, settings). */
export const VisitorFieldNameSchema = z.enum(VISITOR_FIELDS as [VisitorField, ...VisitorField[]]);

/** `data` of a create: every field, name required, unknown keys rejected. */
export const VisitorCreateDataSchema = z.strictObject({
  ...VisitorFieldSchemas,
  interests: VisitorFieldSchemas.interests.default([]),
});
export type VisitorCreateData = z.infer<typeof VisitorCreateDataSchema>;

/** `data` of an update: only the changed fields, at least one. */
export const VisitorPatchSchema = z
  .strictObject(VisitorFieldSchemas)
  .partial()
  .refine((d) => Object.keys(d).length > 0, 'must change at least one field');
export type VisitorPatch = z.infer<typeof VisitorPatchSchema>;

/** A visitor's user-editable values, every field present (null when empty). */
export const VisitorValuesSchema = z.strictObject({
  name: z.string(),
  company: z.string().nullable(),
  email: z.string().nullable(),
  title: z.string().nullable(),
  phone: z.string().nullable(),
  interests: z.array(z.string()),
  notes: z.string().nullable(),
  captureMethod: z.string().nullable(),
  capturedAt: z.string().nullable(),
});
export type VisitorValues = z.infer<typeof VisitorValuesSchema>;

/** A record as the server sends it. */
export const VisitorSchema = VisitorValuesSchema.extend({
  id: z.string().min(1),
  lastModified: z.string(),
  version: z.number().int().nonnegative().optional(),
});
export type Visitor = z.infer<typeof VisitorSchema>;

export const TombstoneSchema = z.object({
  id: z.string().min(1),
  deleted: z.literal(true),
  version: z.number().int().nonnegative().optional(),
  lastModified: z.string(),
});
export type Tombstone = z.infer<typeof TombstoneSchema>;

export const EMPTY_VALUES: VisitorValues = {
  name: '',
  company: null,
  email: null,
  title: null,
  phone: null,
  interests: [],
  notes: null,
  captureMethod: null,
  capturedAt: null,
};

/** Fill absent fields with null / [] so records compare field by field. */
export function toValues(data: Partial<Record<VisitorField, unknown>>): VisitorValues {
  const out = { ...EMPTY_VALUES };
  for (const field of VISITOR_FIELDS) {
    const v = data[field];
    if (v === undefined) continue;
    (out as Record<VisitorField, unknown>)[field] = field !== 'interests' && v === '' ? null : v;
  }
  return out;
}

/**
 * One bit per field, in VISITOR_FIELDS order: a conflict keeps the mask of its
 * conflicting fields so "conflicts on phone" is an integer test in SQLite.
 * Names that are not visitor fields (a server's extra keys) set no bit.
 */
export function fieldMask(fields: readonly string[]): number {
  let mask = 0;
  for (const f of fields) {
    const i = (VISITOR_FIELDS as readonly string[]).indexOf(f);
    if (i >= 0) mask |= 1 << i;
  }
  return mask;
}
