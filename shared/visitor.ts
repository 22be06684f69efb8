import { z } from 'zod';

/**
 * The visitor record of docs/protocol.md. One schema per shape; the server, the
 * core and the renderer's forms all parse with these.
 */

/**
 * A bounded string. SQLite silently corrupts lone surrogates and PostgreSQL
 * cannot store a NUL character, so both are refused at every edge. The
 * length is checked first and, when it fails, no later check runs: a pattern
 * or refinement only ever sees a string of allowed length (a 10 MB string
 * must not reach a regular expression).
 */
export function wellFormed(max: number, min = 0) {
  return z
    .string()
    .max(max, { message: `must be at most ${max} characters`, abort: true })
    .min(min, min === 1 ? 'is required' : `must be at least ${min} characters`)
    .refine((s) => s.isWellFormed(), 'contains malformed Unicode (a lone surrogate)')
    .refine((s) => !s.includes('\u0000'), 'contains a NUL character');
}

const optionalText = (max: number) => wellFormed(max).nullable().optional();

/**
 * local@domain.tld as `^[^\s@]+@[^\s@]+\.[^\s@]+$` says, checked in linear
 * time: that pattern backtracks quadratically on "a@" followed by many dots
 * and a space (seconds of CPU for one field).
 */
export function isEmailAddress(s: string): boolean {
  if (/\s/.test(s)) return false;
  const at = s.indexOf('@');
  if (at < 1 || s.indexOf('@', at + 1) !== -1) return false;
  const domain = s.slice(at + 1);
  // A dot with at least one character on each side.
  const dot = domain.indexOf('.', 1);
  return dot !== -1 && dot < domain.length - 1;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;
/** The instants a timestamp may name: years 0000-9999 in UTC, so it prints back as it parsed. */
export const MIN_TIMESTAMP_MS = Date.parse('0000-01-01T00:00:00.000Z');
export const MAX_TIMESTAMP_MS = Date.parse('9999-12-31T23:59:59.999Z');

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/**
 * A real calendar instant in ISO 8601: Date.parse alone accepts 30 February,
 * 31 April and 24:00 by rolling over into the next day or month.
 */
export function isIsoTimestamp(s: string): boolean {
  if (s.length > 40) return false;
  const m = ISO_RE.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = m
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth(year!, month!)) return false;
  if (hour! > 23 || minute! > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59)
    return false;
  const ms = Date.parse(s);
  return ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
}

export const isoTimestamp = z.string().refine(isIsoTimestamp, 'must be an ISO 8601 timestamp');

export const VisitorFieldSchemas = {
  name: wellFormed(200)
    .refine((s) => s.trim().length > 0, 'is required')
    .refine((s) => s.trim().length <= 200, 'must be at most 200 characters'),
  company: optionalText(200),
  email: wellFormed(320)
    .refine((s) => s === '' || isEmailAddress(s), 'must be a valid email address')
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
