import { z } from 'zod';
import { AppErrorSchema } from './errors';
import {
  TombstoneSchema,
  VisitorFieldNameSchema,
  VisitorSchema,
  isoTimestamp,
  wellFormed,
} from './visitor';

/**
 * Wire schemas of docs/protocol.md (v1). The client parses
 * responses with them; the reference server parses requests with them.
 * `data` stays unknown here: it is validated per operation, so one bad
 * operation fails alone instead of failing the whole request.
 */

export const ACTIONS = ['create', 'update', 'delete'] as const;
export const ActionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

export const OperationSchema = z.object({
  action: ActionSchema,
  localId: wellFormed(128, 1),
  serverId: wellFormed(128, 1).optional(),
  timestamp: isoTimestamp,
  data: z.record(z.string(), z.unknown()).optional(),
  opId: wellFormed(128, 1).optional(),
  baseVersion: z.number().int().nonnegative().optional(),
});
export type Operation = z.infer<typeof OperationSchema>;

export const ChunkInfoSchema = z.object({
  number: z.number().int().positive(),
  total: z.number().int().positive(),
});

export const BulkSyncRequestSchema = z.object({
  operations: z.array(z.unknown()).min(1, 'must contain at least one operation'),
  lastSyncTimestamp: isoTimestamp.nullable().optional(),
  chunkInfo: ChunkInfoSchema.optional(),
});
export type BulkSyncRequest = Omit<z.infer<typeof BulkSyncRequestSchema>, 'operations'> & {
  operations: Operation[];
};

export const WireErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

export const ConflictKindSchema = z.enum(['field', 'update_deleted', 'delete_modified']);
export type ConflictKind = z.infer<typeof ConflictKindSchema>;

export const ConflictDataSchema = z.object({
  clientData: z.record(z.string(), z.unknown()),
  serverData: z.record(z.string(), z.unknown()).nullable(),
  conflictFields: z.array(z.string()),
  baseData: z.record(z.string(), z.unknown()).optional(),
  serverVersion: z.number().int().optional(),
  kind: ConflictKindSchema.optional(),
});
export type ConflictData = z.infer<typeof ConflictDataSchema>;

export const OperationResultSchema = z.object({
  localId: z.string(),
  serverId: z.string().optional(),
  action: ActionSchema,
  status: z.enum(['success', 'conflict', 'error']),
  version: z.number().int().optional(),
  conflictData: ConflictDataSchema.optional(),
  error: WireErrorSchema.optional(),
});
export type OperationResult = z.infer<typeof OperationResultSchema>;

export const ChangePageSchema = z.object({
  visitors: z.array(z.union([TombstoneSchema, VisitorSchema])),
  cursor: z.string(),
  hasMore: z.boolean(),
  syncTimestamp: z.string(),
});
export type ChangePage = z.infer<typeof ChangePageSchema>;

export const BulkSyncResponseSchema = z.object({
  success: z.literal(true),
  results: z.array(OperationResultSchema),
  conflicts: z.array(
    z.object({ localId: z.string(), serverId: z.string(), conflictData: ConflictDataSchema }),
  ),
  errors: z.array(
    z.object({
      localId: z.string(),
      serverId: z.string().optional(),
      action: ActionSchema,
      error: WireErrorSchema,
    }),
  ),
  syncTimestamp: z.string(),
  changes: ChangePageSchema.optional(),
});
export type BulkSyncResponse = z.infer<typeof BulkSyncResponseSchema>;

export const ErrorBodySchema = z.object({
  success: z.literal(false),
  error: AppErrorSchema.omit({ retryable: true }).extend({ retryable: z.boolean().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const RoleSchema = z.enum(['staff', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export const MeResponseSchema = z.object({ role: RoleSchema, name: z.string().optional() });
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const CHANGES_LIMIT_DEFAULT = 1000;
export const CHANGES_LIMIT_MAX = 10_000;

// ---------------------------------------------------------------------------
// ext: admin endpoints of the reference server (server/README.md, "Admin API").

const SimulateCount = z.number().int().min(0).max(10_000);

/** POST /api/admin/simulate: edits, deletes and creates made "by other devices". */
export const SimulateRequestSchema = z.strictObject({
  edits: SimulateCount.optional(),
  deletes: SimulateCount.optional(),
  creates: SimulateCount.optional(),
  /** Makes the choice of records and values repeatable. */
  seedValue: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  /** Fields an edit may change (default: company, email, title, phone, interests, notes). */
  fields: z.array(VisitorFieldNameSchema).min(1).optional(),
});
export type SimulateRequest = z.infer<typeof SimulateRequestSchema>;

export const SimulatedChangeSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  fields: z.array(z.string()).optional(),
});

export const SimulateResponseSchema = z.object({
  success: z.literal(true),
  edited: z.array(SimulatedChangeSchema),
  deleted: z.array(SimulatedChangeSchema),
  created: z.array(SimulatedChangeSchema),
  counts: z.object({
    edits: z.number().int(),
    deletes: z.number().int(),
    creates: z.number().int(),
  }),
});
export type SimulateResponse = z.infer<typeof SimulateResponseSchema>;
