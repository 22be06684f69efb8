import { z } from 'zod';
import { ActionSchema } from '../../../shared/protocol';
import type { SalvagedTable } from '../../../shared/rebuild';
import { VisitorValuesSchema, type VisitorValues } from '../../../shared/visitor';

/**
 * What a rebuild takes from a damaged database, and how each row goes back
 * into the fresh one. Pure: rows come in as SQLite returned them (a column
 * name to a value); a row that does not parse as a row of its table (a bad
 * page can read back as garbage instead of failing) counts as unreadable,
 * never as work to put back.
 *
 * Each schema lists every column of the table as the newest migration has
 * it: the parsed object is what gets inserted, so a column left out here
 * would be dropped (tests/integration/cli/rebuild.test.ts compares them with
 * the migrated tables). Columns that later migrations added are optional: a
 * file written by an older console has none.
 */

const json = (s: string): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
};
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text holding JSON (what the table's CHECK (json_valid(…)) demands). */
const jsonText = z.string().refine((s) => json(s) !== undefined, 'is not JSON');
const jsonObjectText = z.string().refine((s) => isObject(json(s)), 'is not a JSON object');
const jsonArrayText = z.string().refine((s) => Array.isArray(json(s)), 'is not a JSON array');
const id = z.number().int().positive();
const text = z.string().min(1);
const count = z.number().int().nonnegative();
const later = <T extends z.ZodType>(t: T) => t.nullable().optional().default(null);

export const OutboxRowSchema = z.object({
  seq: id,
  op_id: text,
  action: ActionSchema,
  local_id: text,
  server_id: text.nullable(),
  data: jsonObjectText.nullable(),
  base_version: count.nullable(),
  op_timestamp: text,
  status: z.enum(['pending', 'in_flight', 'retrying', 'failed']),
  attempts: count,
  next_attempt_at: z.string().nullable(),
  last_error: jsonText.nullable(),
  created_at: text,
  updated_at: text,
  exported_at: later(z.string()),
});
export type OutboxSalvage = z.infer<typeof OutboxRowSchema>;

export const ArchiveRowSchema = z.object({
  id,
  seq: id,
  op_id: text,
  action: ActionSchema,
  local_id: text,
  server_id: text.nullable(),
  data: jsonObjectText.nullable(),
  base_version: count.nullable(),
  op_timestamp: text,
  status: text,
  attempts: count,
  last_error: jsonText.nullable(),
  created_at: text,
  updated_at: text,
  visitor_name: z.string(),
  attempt_log: jsonText,
  archived_at: text,
  archived_by: text,
  server_name: z.string().nullable(),
  discard_id: text,
  depends_on: z.string().nullable(),
  exported_at: z.string().nullable(),
});
export type ArchiveSalvage = z.infer<typeof ArchiveRowSchema>;

export const ConflictRowSchema = z.object({
  id,
  local_id: text,
  server_id: text.nullable(),
  op_id: text,
  action: ActionSchema,
  kind: z.enum(['field', 'update_deleted', 'delete_modified']),
  conflict_fields: jsonArrayText,
  client_data: jsonObjectText,
  server_data: jsonObjectText.nullable(),
  base_data: jsonObjectText.nullable(),
  base_version: z.number().int().nullable(),
  server_version: z.number().int().nullable(),
  status: z.enum(['open', 'resolved']),
  created_at: text,
  resolved_at: z.string().nullable(),
  visitor_name: later(z.string()).transform((v) => v ?? ''),
  company: later(z.string()).transform((v) => v ?? ''),
  field_mask: later(z.number().int()).transform((v) => v ?? 0),
  draft: later(jsonText),
  resolution: later(jsonText),
  batch_id: later(z.number().int()),
  capture_gap_ms: later(z.number()),
  draft_rule: later(z.string()),
});
export type ConflictSalvage = z.infer<typeof ConflictRowSchema>;

export const RuleRowSchema = z.object({
  id,
  name: text,
  match: jsonText,
  decision: jsonText,
  mode: z.enum(['proposed', 'automatic']),
  enabled: z.union([z.literal(0), z.literal(1)]),
  matched: count,
  created_at: text,
  updated_at: text,
});

export const RememberedRowSchema = z.object({
  id,
  pair_key: text,
  field: text,
  ours: jsonText,
  theirs: jsonText,
  result: jsonText,
  uses: count,
  batch_id: z.number().int().nullable(),
  at: text,
});

export const SALVAGE_SCHEMAS = {
  outbox: OutboxRowSchema,
  outbox_archive: ArchiveRowSchema,
  conflicts: ConflictRowSchema,
  resolve_rules: RuleRowSchema,
  remembered_values: RememberedRowSchema,
} as const satisfies Record<SalvagedTable, z.ZodType>;

/** The column of each table whose value an index still holds for an unreadable row: its opId. */
export const OP_ID_COLUMN: Partial<Record<SalvagedTable, string>> = {
  outbox: 'op_id',
  outbox_archive: 'op_id',
};

/**
 * Whether a readable row is work to put back. Resolved conflicts are
 * history (their decision went out as an operation, or was applied): only
 * open ones are local work. Everything else in these tables is.
 */
export function isWork(table: SalvagedTable, row: Record<string, unknown>): boolean {
  return table !== 'conflicts' || row.status === 'open';
}

/**
 * An operation as it goes back into the outbox. One that was on the wire when
 * the file was damaged may or may not have reached the server: it is due again
 * now, with the same opId and its attempts counted, exactly as a crash leaves
 * it (the server answers a replay with its first result).
 */
export function restoredOp(row: OutboxSalvage, now: string): OutboxSalvage {
  if (row.status !== 'in_flight') return row;
  return { ...row, status: 'retrying', next_attempt_at: now, updated_at: now };
}

/**
 * Conflicts and remembered values point at the bulk applies that made them
 * (for undo); that history stays in the kept file, so the link is dropped.
 */
export function restoredConflict(row: ConflictSalvage): ConflictSalvage {
  return { ...row, batch_id: null };
}
export function restoredRemembered(
  row: z.infer<typeof RememberedRowSchema>,
): z.infer<typeof RememberedRowSchema> {
  return { ...row, batch_id: null };
}

/** A visitors row of the damaged file, read only where the server no longer has the record. */
export interface OldVisitor {
  localId: string;
  serverId: string | null;
  serverVersion: number | null;
  values: VisitorValues;
  base: VisitorValues | null;
  lastModified: string | null;
}

/** A visitors row as read from the damaged file, or null when it does not parse as one. */
export function oldVisitorOf(row: Record<string, unknown>): OldVisitor | null {
  const interests = typeof row.interests === 'string' ? json(row.interests) : undefined;
  const values = VisitorValuesSchema.safeParse({
    name: row.name,
    company: row.company,
    email: row.email,
    title: row.title,
    phone: row.phone,
    interests,
    notes: row.notes,
    captureMethod: row.capture_method,
    capturedAt: row.captured_at,
  });
  if (!values.success || typeof row.local_id !== 'string') return null;
  const base = typeof row.base === 'string' ? VisitorValuesSchema.safeParse(json(row.base)) : null;
  return {
    localId: row.local_id,
    serverId: typeof row.server_id === 'string' ? row.server_id : null,
    serverVersion: typeof row.server_version === 'number' ? row.server_version : null,
    values: values.data,
    base: base?.success ? base.data : null,
    lastModified: typeof row.last_modified === 'string' ? row.last_modified : null,
  };
}
