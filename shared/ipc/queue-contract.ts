/** The retry queue and failed operations: its part of the channel and event maps in contract.ts. */
import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { ActionSchema, RoleSchema } from '../protocol';
import { ErrorClassSchema } from '../queue/classify';
import { MAX_PAYLOAD_TEXT } from '../queue/payload-edit';
import { VisitorValuesSchema } from '../visitor';
import { channel, NoArgs } from './channel';
import { boundedText, CursorKeySchema } from './bounded';

export const QUEUE_STATUSES = ['retrying', 'failed'] as const;
export const QueueStatusSchema = z.enum(QUEUE_STATUSES);

const OpIdSchema = boundedText(128, { min: 1 });

export const QueueFilterSchema = z.strictObject({
  status: QueueStatusSchema.nullable().default(null),
  cls: ErrorClassSchema.nullable().default(null),
  code: boundedText(200).nullable().default(null),
  action: ActionSchema.nullable().default(null),
  text: boundedText(200).default(''),
  /** One error group (errorSignature().key). */
  signature: boundedText(2_000).nullable().default(null),
});
export type QueueFilter = z.output<typeof QueueFilterSchema>;
export type QueueFilterIn = z.input<typeof QueueFilterSchema>;

export const QUEUE_SORT_COLUMNS = [
  'created',
  'visitor',
  'action',
  'code',
  'attempts',
  'nextAttempt',
  'firstAttempt',
  'lastAttempt',
] as const;
export const QueueSortSchema = z.strictObject({
  column: z.enum(QUEUE_SORT_COLUMNS),
  direction: z.enum(['asc', 'desc']),
});
export type QueueSort = z.infer<typeof QueueSortSchema>;

export const QueueCursorSchema = z.strictObject({ key: CursorKeySchema, opId: OpIdSchema });
export type QueueCursor = z.infer<typeof QueueCursorSchema>;

export const QueuePageRequestSchema = z.strictObject({
  filter: QueueFilterSchema.default(QueueFilterSchema.parse({})),
  sort: QueueSortSchema.default({ column: 'created', direction: 'asc' }),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(1000),
  after: QueueCursorSchema.optional(),
});

export const QueueItemSchema = z.object({
  opId: z.string(),
  /** An outbox operation, or a conflict that came back after being resolved (read-only here). */
  source: z.enum(['outbox', 'conflict']),
  status: QueueStatusSchema,
  action: ActionSchema,
  localId: z.string(),
  serverId: z.string().nullable(),
  visitorName: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  cls: ErrorClassSchema,
  code: z.string(),
  message: z.string(),
  /** The operation stopped because its attempts ran out (not refused outright). */
  gaveUp: z.boolean(),
  signature: z.string(),
  lastError: AppErrorSchema.nullable(),
  /** Every time it went out, over its whole life. */
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  firstAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  exportedAt: z.string().nullable(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;

export const QueueAttemptSchema = z.object({
  at: z.string(),
  runId: z.number().int().nullable(),
  chunk: z.string().nullable(),
  outcome: z.enum(['success', 'conflict', 'retry', 'failed']),
  httpStatus: z.number().int().nullable(),
  error: AppErrorSchema.nullable(),
});
export type QueueAttempt = z.infer<typeof QueueAttemptSchema>;

export const QueueDetailSchema = z.object({
  item: QueueItemSchema,
  attempts: z.array(QueueAttemptSchema),
  /** The record in the local mirror now (null: gone), and as the server last had it (null: never synced). */
  mirror: VisitorValuesSchema.nullable(),
  server: VisitorValuesSchema.nullable(),
  serverVersion: z.number().int().nullable(),
  /**
   * Whether an edit may keep the opId: every attempt got a definite refusal,
   * so the server holds no result for it. An operation that may have reached
   * the server (no answer, a cancel or crash mid-send, a 5xx) is never edited.
   */
  editable: z.boolean(),
  /** Why not, when not. */
  notEditableReason: z.string().nullable(),
});
export type QueueDetail = z.infer<typeof QueueDetailSchema>;

export const QueueGroupSchema = z.object({
  signature: z.string(),
  cls: ErrorClassSchema,
  code: z.string(),
  message: z.string(),
  count: z.number().int(),
  retrying: z.number().int(),
  failed: z.number().int(),
});
export type QueueGroup = z.infer<typeof QueueGroupSchema>;

export const QueueFacetsSchema = z.object({
  retrying: z.number().int(),
  failed: z.number().int(),
  conflictLoops: z.number().int(),
  codes: z.array(z.object({ code: z.string(), count: z.number().int() })),
  /** Failed operations that were exported (and may be purged) and that were not. */
  exportedFailed: z.number().int(),
  unexportedFailed: z.number().int(),
});
export type QueueFacets = z.infer<typeof QueueFacetsSchema>;

/** What a bulk action applies to: picked operations, or everything matching a filter. */
export const QueueTargetSchema = z.strictObject({
  select: z.union([
    z.strictObject({ opIds: z.array(OpIdSchema).min(1).max(100_000) }),
    z.strictObject({ filter: QueueFilterSchema }),
  ]),
  /**
   * The count the person confirmed, required for every bulk action: main
   * refuses (queue_changed) when that many operations no longer match.
   * Operations that depend on a matched one (the changes of a create that
   * never reached the server) come along, and the result counts them.
   */
  expected: z.number().int().nonnegative(),
});
export type QueueTargetIn = z.input<typeof QueueTargetSchema>;
export type QueueTarget = z.output<typeof QueueTargetSchema>;

export const QueueActionResultSchema = z.object({
  count: z.number().int(),
  /** Matched but left alone, with why (e.g. conflict loops belong to the Conflicts workspace). */
  skipped: z.number().int(),
  skippedReason: z.string().nullable(),
  /** Whether a sync run was started to send what was retried. */
  syncStarted: z.boolean(),
});
export type QueueActionResult = z.infer<typeof QueueActionResultSchema>;

/**
 * An export, in two steps: nothing is marked exported (and so purgeable) until
 * the file is saved. In the desktop app main writes it through a save dialog
 * (`main`, or `cancelled`); without a desktop the window saves `content` and
 * confirms with queue:exportSaved (`window`).
 */
export const QueueExportSchema = z.object({
  exportId: z.string(),
  filename: z.string(),
  mime: z.string(),
  /** The file, for the window to save (`window`); empty otherwise. */
  content: z.string(),
  /** Operations in the file. */
  count: z.number().int(),
  saved: z.enum(['main', 'cancelled', 'window']),
  /** Where main wrote it (`main`). */
  path: z.string().nullable(),
  /** Operations marked exported now (`main`); the window's come from queue:exportSaved. */
  marked: z.number().int(),
});
export type QueueExport = z.infer<typeof QueueExportSchema>;

export const ExportSavedRequestSchema = z.strictObject({ exportId: z.string().min(1).max(100) });
export const ExportSavedSchema = z.object({
  /** Failed or retrying operations now marked exported. */
  count: z.number().int(),
  /** Operations that changed after the file was made (not marked: export them again). */
  changed: z.number().int(),
});
export type ExportSaved = z.infer<typeof ExportSavedSchema>;

export const QueueRoleSchema = z.object({
  role: RoleSchema.nullable(),
  name: z.string().nullable(),
  /** Why the role is unknown (not connected, server unreachable…), in words. */
  reason: z.string().nullable(),
});
export type QueueRole = z.infer<typeof QueueRoleSchema>;

export const EditRetryRequestSchema = z.strictObject({
  opId: OpIdSchema,
  /** The payload as the admin typed it (JSON text): parsed and checked in main. */
  text: z.string().max(MAX_PAYLOAD_TEXT + 1),
});

export const OpIdRequestSchema = z.strictObject({ opId: OpIdSchema });

export const queueChannels = {
  /** The token's role as the server tells it (GET /api/me): staff read, admins act. */
  'queue:role': channel(NoArgs, QueueRoleSchema),
  'queue:facets': channel(NoArgs, QueueFacetsSchema),
  'queue:count': channel(
    z.strictObject({ filter: QueueFilterSchema.default(QueueFilterSchema.parse({})) }),
    z.object({ total: z.number().int() }),
  ),
  'queue:page': channel(
    QueuePageRequestSchema,
    z.object({ rows: z.array(QueueItemSchema), last: QueueCursorSchema.nullable() }),
  ),
  'queue:groups': channel(
    z.strictObject({
      filter: QueueFilterSchema.default(QueueFilterSchema.parse({})),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    z.object({ groups: z.array(QueueGroupSchema), total: z.number().int() }),
  ),
  'queue:detail': channel(OpIdRequestSchema, QueueDetailSchema),
  // Admin actions: main asks the server for the token's role before each one.
  'queue:retry': channel(QueueTargetSchema, QueueActionResultSchema),
  'queue:editRetry': channel(EditRetryRequestSchema, QueueActionResultSchema),
  'queue:discard': channel(QueueTargetSchema, QueueActionResultSchema),
  /**
   * Builds the file; in the desktop app main saves it (save dialog) and marks
   * the operations exported once written. Without a desktop the window saves it
   * and confirms with queue:exportSaved; until then nothing may be purged.
   */
  'queue:export': channel(
    QueueTargetSchema.extend({ format: z.enum(['csv', 'json']) }),
    QueueExportSchema,
  ),
  /** The window saved the export's file: its operations are marked exported (if unchanged since). */
  'queue:exportSaved': channel(ExportSavedRequestSchema, ExportSavedSchema),
  /** Removes failed operations that were exported; refuses when none were. */
  'queue:purge': channel(
    z.strictObject({ expected: z.number().int().nonnegative() }),
    QueueActionResultSchema,
  ),
} as const;

export const queueEvents = {
  /** After an admin action changed the queue (the engine's outbox:changed covers runs). */
  'queue:changed': z.object({ action: z.string(), count: z.number().int() }),
} as const;
