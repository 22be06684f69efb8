/** The visitors table, its record panel and the outbox counts: its part of the maps in contract.ts. */
import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { ActionSchema } from '../protocol';
import {
  isoTimestamp,
  VisitorCreateDataSchema,
  VisitorPatchSchema,
  VisitorValuesSchema,
} from '../visitor';
import { BulkEditSchema } from '../visitor-bulk-edit';
import { channel, NoArgs } from './channel';
import { boundedText, CursorKeySchema, MAX_RANGE_ROWS, PositionsSchema } from './bounded';
import { VISITOR_SYNC_STATES } from './visitor-sync-states';

/** The console's own id of a visitor record (the server's id may not exist yet). */
export const LocalIdSchema = boundedText(128, { min: 1 });

export const VISITOR_SORT_COLUMNS = [
  'name',
  'company',
  'email',
  'title',
  'phone',
  'interests',
  'updatedAt',
] as const;
export const VisitorSortSchema = z.strictObject({
  column: z.enum(VISITOR_SORT_COLUMNS),
  direction: z.enum(['asc', 'desc']),
});
export type VisitorSort = z.infer<typeof VisitorSortSchema>;

export { VISITOR_SYNC_STATES } from './visitor-sync-states';

/** Narrowing beyond the text search; every part optional. */
export const VisitorFilterSchema = z.strictObject({
  syncState: z.enum(VISITOR_SYNC_STATES).optional(),
  captureMethod: z.string().max(50).optional(),
  /** Captured at or after this instant. */
  capturedFrom: isoTimestamp.optional(),
  /** Captured before this instant. */
  capturedTo: isoTimestamp.optional(),
});
export type VisitorFilter = z.infer<typeof VisitorFilterSchema>;

export const VisitorQuerySchema = z.strictObject({
  /** Words matched as prefixes in every text field (name, company, email, title, phone, interests, notes). */
  search: boundedText(200).default(''),
  filter: VisitorFilterSchema.default({}),
  sort: VisitorSortSchema.default({ column: 'name', direction: 'asc' }),
});
export type VisitorQuery = z.input<typeof VisitorQuerySchema>;

/** Where the previous page ended, so the next one is a keyset seek, not an OFFSET scan. */
export const PageCursorSchema = z.strictObject({ key: CursorKeySchema, localId: LocalIdSchema });
export type PageCursor = z.infer<typeof PageCursorSchema>;

export const VisitorPageRequestSchema = VisitorQuerySchema.extend({
  offset: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(1000),
  /** The cursor of the row just before `offset`, when the caller has it. */
  after: PageCursorSchema.optional(),
});

export const VisitorRowSchema = VisitorValuesSchema.extend({
  localId: z.string(),
  serverId: z.string().nullable(),
  version: z.number().int().nullable(),
  dirty: z.boolean(),
  /** The action of the record's queued operation, if any. */
  pending: ActionSchema.nullable(),
  updatedAt: z.string(),
});
export type VisitorRow = z.infer<typeof VisitorRowSchema>;

export const OUTBOX_STATUSES = ['pending', 'in_flight', 'retrying', 'failed'] as const;
export const OutboxStatusSchema = z.enum(OUTBOX_STATUSES);
export type OutboxStatus = z.infer<typeof OutboxStatusSchema>;

export const OutboxRowSchema = z.object({
  seq: z.number().int(),
  opId: z.string(),
  action: ActionSchema,
  localId: z.string(),
  serverId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  baseVersion: z.number().int().nullable(),
  timestamp: z.string(),
  status: OutboxStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: AppErrorSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OutboxRow = z.infer<typeof OutboxRowSchema>;

export const OutboxCountsSchema = z.object({
  total: z.number().int(),
  create: z.number().int(),
  update: z.number().int(),
  delete: z.number().int(),
  pending: z.number().int(),
  inFlight: z.number().int(),
  retrying: z.number().int(),
  failed: z.number().int(),
});
export type OutboxCounts = z.infer<typeof OutboxCountsSchema>;

/**
 * Which visitors a bulk edit covers: the ticked ones, or all that match a query but the unticked.
 * The ticked ones may be a whole Shift-click range, so as many as a range may cover.
 */
export const VisitorTargetSchema = z.union([
  z.strictObject({ localIds: z.array(LocalIdSchema).min(1).max(MAX_RANGE_ROWS) }),
  z.strictObject({
    matching: VisitorQuerySchema.pick({ search: true, filter: true }),
    exceptIds: z.array(LocalIdSchema).max(10_000).default([]),
  }),
]);
export type VisitorTargetIn = z.input<typeof VisitorTargetSchema>;
export type VisitorTarget = z.infer<typeof VisitorTargetSchema>;

export const BulkEditRequestSchema = z.strictObject({
  target: VisitorTargetSchema,
  edit: BulkEditSchema,
});

/** A few records the edit changes (or cannot), for the preview. */
const EditSampleSchema = z.object({
  localId: z.string(),
  name: z.string(),
  before: z.string(),
  after: z.string(),
});
const EditProblemSchema = z.object({ localId: z.string(), name: z.string(), message: z.string() });

/** What a bulk edit does (preview) or did (apply): counts, and samples of each kind. */
export const BulkEditSummarySchema = z.object({
  /** The visitors the target covers. */
  matched: z.number().int(),
  /** Those whose field the edit changes: each becomes (or joins) one queued update. */
  changed: z.number().int(),
  /** Those that already hold the result. */
  unchanged: z.number().int(),
  /** Those the edit would leave invalid, or whose record cannot take an edit now: left as they are. */
  skipped: z.number().int(),
  samples: z.array(EditSampleSchema),
  problems: z.array(EditProblemSchema),
});
export type BulkEditSummary = z.infer<typeof BulkEditSummarySchema>;

/** The last bulk edit, while some of it can still be undone. */
export const BulkEditBatchSchema = z.object({
  batchId: z.number().int(),
  description: z.string(),
  at: z.string(),
  count: z.number().int(),
});
export type BulkEditBatch = z.infer<typeof BulkEditBatchSchema>;

export const visitorsChannels = {
  'visitors:count': channel(
    VisitorQuerySchema.pick({ search: true, filter: true }),
    z.object({ total: z.number().int() }),
  ),
  'visitors:page': channel(
    VisitorPageRequestSchema,
    z.object({ rows: z.array(VisitorRowSchema), last: PageCursorSchema.nullable() }),
  ),
  /**
   * The local ids at positions [offset, offset + limit) of the query, in the
   * page's order: a Shift-click range over rows the window does not hold.
   */
  'visitors:idsAt': channel(
    VisitorQuerySchema.extend(PositionsSchema.shape),
    z.object({ localIds: z.array(z.string()) }),
  ),
  'visitors:get': channel(z.strictObject({ localId: LocalIdSchema }), VisitorRowSchema),
  'visitors:create': channel(z.strictObject({ values: VisitorCreateDataSchema }), VisitorRowSchema),
  'visitors:update': channel(
    z.strictObject({ localId: LocalIdSchema, patch: VisitorPatchSchema }),
    VisitorRowSchema,
  ),
  'visitors:delete': channel(
    z.strictObject({ localId: LocalIdSchema }),
    z.object({ localId: z.string(), outcome: z.enum(['removed', 'queued']) }),
  ),
  /** What a bulk edit would do; writes nothing. */
  'visitors:bulkPreview': channel(BulkEditRequestSchema, BulkEditSummarySchema),
  /** The bulk edit, as one job (progress, Cancel: nothing half applied). */
  'visitors:bulkEdit': channel(
    BulkEditRequestSchema,
    BulkEditSummarySchema.extend({ batch: BulkEditBatchSchema.nullable() }),
  ),
  /** The newest bulk edit not undone yet, or null. */
  'visitors:bulkLast': channel(NoArgs, BulkEditBatchSchema.nullable()),
  /**
   * Puts back what a bulk edit changed, on every visitor whose change is
   * still unsent and untouched since; the others are kept, and counted.
   */
  'visitors:bulkUndo': channel(
    z.strictObject({ batchId: z.number().int().positive() }),
    z.object({
      restored: z.number().int(),
      kept: z.number().int(),
      problems: z.array(EditProblemSchema),
    }),
  ),
  'outbox:counts': channel(NoArgs, OutboxCountsSchema),
  'outbox:forVisitor': channel(
    z.strictObject({ localId: LocalIdSchema }),
    z.array(OutboxRowSchema),
  ),
} as const;

export const visitorsEvents = {
  'outbox:changed': OutboxCountsSchema,
  'visitors:changed': z.object({ localIds: z.array(z.string()).optional() }),
} as const;
