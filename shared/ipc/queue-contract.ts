/** The retry queue and failed operations: its part of the channel and event maps in contract.ts. */
import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { ActionSchema, RoleSchema } from '../protocol';
import { ErrorClassSchema } from '../queue/classify';
import { FieldEditSchema } from '../queue/group-edit';
import { MAX_PAYLOAD_TEXT } from '../queue/payload-edit';
import { VisitorValuesSchema } from '../visitor';
import { channel, NoArgs } from './channel';
import { boundedText, CursorKeySchema, MAX_RANGE_ROWS, PositionsSchema } from './bounded';

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
  /** The group's key (class, code, normalised message): for filters, never shown. */
  signature: z.string(),
  cls: ErrorClassSchema,
  code: z.string(),
  /** The server's words for one of its operations, as they came (never the normalised form). */
  message: z.string(),
  /** Its operations stopped because their attempts ran out. */
  gaveUp: z.boolean(),
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
  /** Failed operations that were exported (and may be archived at once) and that were not. */
  exportedFailed: z.number().int(),
  unexportedFailed: z.number().int(),
});
export type QueueFacets = z.infer<typeof QueueFacetsSchema>;

/** What a bulk action applies to: picked operations, or everything matching a filter. */
export const QueueTargetSchema = z.strictObject({
  select: z.union([
    z.strictObject({ opIds: z.array(OpIdSchema).min(1).max(MAX_RANGE_ROWS) }),
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

/** A bulk edit of one field over picked operations or a group, previewed before it is written. */
export const GroupEditRequestSchema = QueueTargetSchema.extend({ edit: FieldEditSchema });
export type GroupEditRequestIn = z.input<typeof GroupEditRequestSchema>;

const EditSampleSchema = z.object({
  opId: z.string(),
  visitorName: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

export const GroupEditPreviewSchema = z.object({
  /** Operations matched (what the person confirmed). */
  matched: z.number().int(),
  /** Would be rewritten and retried. */
  changed: z.number().int(),
  /** Left as they are (the field does not contain the text, or already has the value). */
  unchanged: z.number().int(),
  /** Cannot be edited in place (may have reached the server, a delete, a conflict loop…), by reason. */
  notEditable: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  /** Would be refused by the wire's schema: while any is, nothing is written. */
  invalid: z.number().int(),
  invalidSamples: z.array(
    z.object({ opId: z.string(), visitorName: z.string(), reason: z.string() }),
  ),
  /** A few of the changes, the field before and after. */
  samples: z.array(EditSampleSchema),
});
export type GroupEditPreview = z.infer<typeof GroupEditPreviewSchema>;

// The archive: discarded operations, kept whole until exported and purged.

export const ArchiveFilterSchema = z.strictObject({
  text: z.string().max(200).default(''),
  /** true: exported (purgeable); false: not yet; null: both. */
  exported: z.boolean().nullable().default(null),
});
export type ArchiveFilter = z.output<typeof ArchiveFilterSchema>;

export const ArchiveItemSchema = z.object({
  id: z.number().int(),
  opId: z.string(),
  action: ActionSchema,
  localId: z.string(),
  serverId: z.string().nullable(),
  visitorName: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  /** Its status in the queue when discarded. */
  was: z.string(),
  cls: ErrorClassSchema,
  code: z.string(),
  message: z.string(),
  lastError: AppErrorSchema.nullable(),
  attempts: z.number().int(),
  /** Every attempt, with the error each one got. */
  attemptLog: z.array(
    z.object({
      at: z.string(),
      outcome: z.enum(['success', 'conflict', 'retry', 'failed']),
      httpStatus: z.number().int().nullable(),
      error: AppErrorSchema.nullable(),
    }),
  ),
  createdAt: z.string(),
  archivedAt: z.string(),
  /** Who discarded it: the OS user, and the name the server gives the token. */
  archivedBy: z.string(),
  serverName: z.string().nullable(),
  discardId: z.string(),
  /** The discarded operation it came along with (a create's queued changes). */
  dependsOn: z.string().nullable(),
  exportedAt: z.string().nullable(),
});
export type ArchiveItem = z.infer<typeof ArchiveItemSchema>;

export const ArchiveTargetSchema = z.strictObject({
  select: z.union([
    z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(100_000) }),
    z.strictObject({ filter: ArchiveFilterSchema }),
  ]),
  /** The count the person confirmed (archive_changed when it no longer matches). */
  expected: z.number().int().nonnegative(),
});
export type ArchiveTarget = z.output<typeof ArchiveTargetSchema>;
export type ArchiveTargetIn = z.input<typeof ArchiveTargetSchema>;

export const ArchiveFacetsSchema = z.object({
  total: z.number().int(),
  exported: z.number().int(),
  unexported: z.number().int(),
});
export type ArchiveFacets = z.infer<typeof ArchiveFacetsSchema>;

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
  /**
   * The opIds at positions [offset, offset + limit) of the query, in the
   * page's order: a Shift-click range over rows the window does not hold.
   */
  'queue:idsAt': channel(
    z.strictObject({
      filter: QueueFilterSchema.default(QueueFilterSchema.parse({})),
      sort: QueueSortSchema.default({ column: 'created', direction: 'asc' }),
      ...PositionsSchema.shape,
    }),
    z.object({ opIds: z.array(z.string()) }),
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
  /**
   * Moves the failed operations that were exported into the archive (whole,
   * restorable; purged only from there, after an export of the archive is
   * saved); refuses when none were exported.
   */
  'queue:archiveExported': channel(
    z.strictObject({ expected: z.number().int().nonnegative() }),
    QueueActionResultSchema,
  ),
  /** What a field edit over the target would do, written nowhere (each payload checked with the wire's schema). */
  'queue:editPreview': channel(GroupEditRequestSchema, GroupEditPreviewSchema),
  /** The same edit, written and retried in one transaction; refused while any payload is invalid. */
  'queue:editGroup': channel(GroupEditRequestSchema, QueueActionResultSchema),
  /**
   * The operations leave the queue and become conflicts in the workspace,
   * against the server's current record (fetched now), to be decided field by field.
   */
  'queue:toConflict': channel(QueueTargetSchema, QueueActionResultSchema),
  'queue:archiveFacets': channel(NoArgs, ArchiveFacetsSchema),
  'queue:archiveCount': channel(
    z.strictObject({ filter: ArchiveFilterSchema.default(ArchiveFilterSchema.parse({})) }),
    z.object({ total: z.number().int() }),
  ),
  /** Newest first; `beforeId` seeks past the last row of the previous page. */
  'queue:archivePage': channel(
    z.strictObject({
      filter: ArchiveFilterSchema.default(ArchiveFilterSchema.parse({})),
      offset: z.number().int().nonnegative(),
      limit: z.number().int().min(1).max(1000),
      beforeId: z.number().int().positive().optional(),
    }),
    z.object({ rows: z.array(ArchiveItemSchema) }),
  ),
  /** Archived operations back into the queue (as failed), the record's mirror with them. */
  'queue:restore': channel(ArchiveTargetSchema, QueueActionResultSchema),
  /** Like queue:export, over the archive; saved files make their operations purgeable. */
  'queue:archiveExport': channel(
    ArchiveTargetSchema.extend({ format: z.enum(['csv', 'json']) }),
    QueueExportSchema,
  ),
  'queue:archiveExportSaved': channel(ExportSavedRequestSchema, ExportSavedSchema),
  /** Deletes the archived operations that were exported to a saved file; refuses when none were. */
  'queue:archivePurge': channel(
    z.strictObject({ expected: z.number().int().nonnegative() }),
    QueueActionResultSchema,
  ),
} as const;

export const queueEvents = {
  /** After an admin action changed the queue (the engine's outbox:changed covers runs). */
  'queue:changed': z.object({ action: z.string(), count: z.number().int() }),
} as const;
