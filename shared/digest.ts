import { z } from 'zod';
import { VISITOR_FIELDS, VisitorSchema, toValues, type VisitorValues } from './visitor';

/**
 * The mirror check (docs/protocol.md, "GET /api/visitors/digest"): the server
 * and the console hash the same text for each live record, so a range of
 * records that matches needs no transfer. A record's line is its id, its
 * version and its values in VISITOR_FIELDS order, empty text as null; both
 * sides order records by id, bytewise.
 */
export function digestLine(id: string, version: number | null, values: VisitorValues): string {
  const v = toValues(values);
  return `${id}\t${version ?? ''}\t${JSON.stringify(VISITOR_FIELDS.map((f) => v[f] ?? null))}\n`;
}

/** Most ranges one digest request may ask for. */
export const DIGEST_MAX_PARTS = 64;
/** Most records one digest request returns whole (records=1). */
export const DIGEST_MAX_RECORDS = 1_000;

export const DigestRangeSchema = z.object({
  /** Records with after < id ≤ until; null: open on that side. */
  after: z.string().nullable(),
  until: z.string().nullable(),
  count: z.number().int().nonnegative(),
  /** sha256 (hex) over the sha256 of each record's line, in id order. */
  hash: z.string(),
});
export type DigestRange = z.infer<typeof DigestRangeSchema>;

export const DigestResponseSchema = z.object({
  ranges: z.array(DigestRangeSchema),
  /** With records=1: the records of the range themselves, as the change feed sends them. */
  records: z.array(VisitorSchema).optional(),
});
export type DigestResponse = z.infer<typeof DigestResponseSchema>;

export const DIFFERENCE_KINDS = [
  'missing_here',
  'missing_there',
  'different_values',
  'different_version',
] as const;

/** One record where the mirror and the server differ (verify, repair, Settings). */
export const MirrorDifferenceSchema = z.object({
  serverId: z.string(),
  localId: z.string().nullable(),
  kind: z.enum(DIFFERENCE_KINDS),
  localVersion: z.number().int().nullable(),
  serverVersion: z.number().int().nullable(),
  /** A pending operation or an open conflict on the record: kept through a repair. */
  localWork: z.boolean(),
});
export type MirrorDifference = z.infer<typeof MirrorDifferenceSchema>;

export const MirrorReportSchema = z.object({
  equal: z.boolean(),
  /** Records the server holds. */
  serverRecords: z.number().int(),
  differences: z.array(MirrorDifferenceSchema),
  /** SQLite's integrity_check; empty when it says "ok". */
  integrity: z.array(z.string()),
  requests: z.number().int(),
});
export type MirrorReport = z.infer<typeof MirrorReportSchema>;

export const MirrorRepairSchema = z.object({
  before: MirrorReportSchema,
  repaired: z.number().int(),
  after: MirrorReportSchema,
});
export type MirrorRepair = z.infer<typeof MirrorRepairSchema>;
