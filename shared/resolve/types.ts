import { z } from 'zod';
import type { AppError } from '../errors';
import { ConflictKindSchema, type Operation } from '../protocol';
import { VisitorFieldNameSchema, VisitorValuesSchema, type VisitorValues } from '../visitor';

/**
 * Schemas of a conflict decision. Everything that crosses the IPC boundary
 * (the decision the renderer sends, the preview main returns) is a zod
 * schema here, and its type is inferred from it, so the two sides cannot drift.
 */

const FieldNameSchema = VisitorFieldNameSchema;

/** The seed's four strategies. */
export const StrategySchema = z.enum(['server_wins', 'client_wins', 'merge', 'manual']);
export type Strategy = z.infer<typeof StrategySchema>;

/** What one field takes: ours, theirs, the field merge, or a value typed by the user. */
export const PickKindSchema = z.enum(['client', 'server', 'merged']);
export type PickKind = z.infer<typeof PickKindSchema>;

/** `value` stays unknown on the wire: it is validated with the field's own schema on use. */
export const PickSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('client') }),
  z.strictObject({ kind: z.literal('server') }),
  z.strictObject({ kind: z.literal('merged') }),
  z.strictObject({ kind: z.literal('typed'), value: z.unknown() }),
]);
export type Pick = z.infer<typeof PickSchema>;

export const PicksSchema = z.partialRecord(FieldNameSchema, PickSchema);
export type Picks = z.infer<typeof PicksSchema>;

/**
 * A decision for one conflict: a whole-record strategy, or `manual` with a
 * pick per field. Every conflicting field of a manual decision needs a pick,
 * so nothing is decided by accident; other fields may be picked too (e.g. to
 * fix a typo while resolving).
 */
export const ResolutionSchema = z.discriminatedUnion('strategy', [
  z.strictObject({ strategy: z.literal('server_wins') }),
  z.strictObject({ strategy: z.literal('client_wins') }),
  z.strictObject({ strategy: z.literal('merge') }),
  z.strictObject({ strategy: z.literal('manual'), picks: PicksSchema }),
]);
export type Resolution = z.infer<typeof ResolutionSchema>;

/** A bulk rule: "for phone take ours, for interests merge, for title theirs", else `default`. */
export const FieldRulesSchema = z.strictObject({
  fields: z.partialRecord(FieldNameSchema, PickKindSchema),
  default: z.enum(['server_wins', 'client_wins', 'merge']),
});
export type FieldRules = z.infer<typeof FieldRulesSchema>;

const PartialValuesSchema = VisitorValuesSchema.partial();

/**
 * One conflict as the resolver needs it: the wire ConflictData normalised to
 * visitor fields (see `fromConflictData`), plus the client's current local
 * values. `local` is the mirror row, which keeps its values even when the
 * client deleted it (soft delete), so it is always a full record.
 */
export const ResolvableConflictSchema = z.object({
  localId: z.string(),
  serverId: z.string().nullable(),
  kind: ConflictKindSchema,
  conflictFields: z.array(FieldNameSchema),
  clientData: PartialValuesSchema,
  serverData: PartialValuesSchema.nullable(),
  baseData: PartialValuesSchema.nullable(),
  serverVersion: z.number().int().nullable(),
  local: VisitorValuesSchema,
});
export type ResolvableConflict = z.infer<typeof ResolvableConflictSchema>;

/** The operation a decision queues: an `Operation` without what the outbox adds (ids, time). */
export type PreviewOperation = Omit<Operation, 'opId' | 'timestamp' | 'localId'>;
export const PreviewOperationSchema = z.object({
  action: z.enum(['create', 'update', 'delete']),
  serverId: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  baseVersion: z.number().int().nonnegative().optional(),
});

export const FieldChangeSchema = z.object({
  field: FieldNameSchema,
  before: z.unknown(),
  after: z.unknown(),
});
export type FieldChange = z.infer<typeof FieldChangeSchema>;

/**
 * What the local mirror row undergoes: `update` changes values, `remove`
 * drops it (the server's deletion accepted), `restore` un-deletes it (the
 * client's deletion given up), `none` leaves it as it is.
 */
export const LocalEffectSchema = z.enum(['none', 'update', 'remove', 'restore']);
export type LocalEffect = z.infer<typeof LocalEffectSchema>;

export const MergePreviewSchema = z.object({
  record: z.union([VisitorValuesSchema, z.literal('deleted')]),
  localEffect: LocalEffectSchema,
  /** Fields whose local value changes, with before (local) and after (result). */
  localChanges: z.array(FieldChangeSchema),
  /** What will be pushed; null when nothing is (server_wins, or the result is the server's record). */
  operation: PreviewOperationSchema.nullable(),
});
export type MergePreview = z.infer<typeof MergePreviewSchema>;

/** The resulting record of a decision: full values, or the record deleted. */
export type ResolvedRecord = VisitorValues | 'deleted';

/** Errors are values here, as at every boundary of the app. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T>(error: AppError): Result<T> => ({ ok: false, error });
