import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { ActionSchema } from '../protocol';
import { VisitorValuesSchema } from '../visitor';

/** Schemas shared by several channel groups; the channel maps live in contract.ts and its parts. */

export const VISITOR_SORT_COLUMNS = ['name', 'company', 'email', 'title', 'updatedAt'] as const;
export const VisitorSortSchema = z.strictObject({
  column: z.enum(VISITOR_SORT_COLUMNS),
  direction: z.enum(['asc', 'desc']),
});
export type VisitorSort = z.infer<typeof VisitorSortSchema>;

export const VisitorQuerySchema = z.strictObject({
  search: z.string().max(200).default(''),
  sort: VisitorSortSchema.default({ column: 'name', direction: 'asc' }),
});
export type VisitorQuery = z.input<typeof VisitorQuerySchema>;

/** Where the previous page ended, so the next one is a keyset seek, not an OFFSET scan. */
export const PageCursorSchema = z.strictObject({ key: z.string(), localId: z.string() });
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

export const SYNC_RUN_OUTCOMES = [
  'success',
  'partial',
  'failed',
  'cancelled',
  'auth_error',
  'interrupted',
] as const;
export const SyncRunOutcomeSchema = z.enum(SYNC_RUN_OUTCOMES);
export type SyncRunOutcome = z.infer<typeof SyncRunOutcomeSchema>;

const RunCountsShape = {
  pulled: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  conflicts: z.number().int(),
  errors: z.number().int(),
  retried: z.number().int(),
};

export const SyncRunSchema = z.object({
  id: z.number().int(),
  trigger: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: SyncRunOutcomeSchema.nullable(),
  ...RunCountsShape,
  bytesSent: z.number().int(),
  bytesReceived: z.number().int(),
  lastError: AppErrorSchema.nullable(),
});
export type SyncRun = z.infer<typeof SyncRunSchema>;

/** Pushed at least every 250 ms while a run is going. */
export const SyncProgressSchema = z.object({
  runId: z.number().int(),
  phase: z.enum(['pull', 'push', 'done']),
  chunk: z.number().int(),
  chunks: z.number().int(),
  done: z.number().int(),
  total: z.number().int(),
  ...RunCountsShape,
  bytes: z.number().int(),
  opsPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  elapsedMs: z.number(),
});
export type SyncProgress = z.infer<typeof SyncProgressSchema>;

export const SyncSummarySchema = z.object({
  runId: z.number().int(),
  outcome: SyncRunOutcomeSchema,
  ...RunCountsShape,
  pending: z.number().int(),
  retrying: z.number().int(),
  failed: z.number().int(),
  openConflicts: z.number().int(),
  durationMs: z.number(),
  lastError: AppErrorSchema.nullable(),
});
export type SyncSummary = z.infer<typeof SyncSummarySchema>;

export const SyncStatusSchema = z.object({
  configured: z.boolean(),
  serverUrl: z.string().nullable(),
  online: z.boolean(),
  running: z.boolean(),
  progress: SyncProgressSchema.nullable(),
  lastRun: SyncRunSchema.nullable(),
  nextRetryAt: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const ServerUrlSchema = z
  .string()
  .trim()
  .refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address');

export const LocalIdSchema = z.string().min(1).max(128);
export const NoArgs = z.strictObject({});
