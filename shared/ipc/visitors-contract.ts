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
import { channel, NoArgs } from './channel';
import { boundedText, CursorKeySchema } from './bounded';

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

/** Where a visitor's record stands with the server. */
export const VISITOR_SYNC_STATES = ['synced', 'pending', 'conflict', 'failed'] as const;

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

export const visitorsChannels = {
  'visitors:count': channel(
    VisitorQuerySchema.pick({ search: true, filter: true }),
    z.object({ total: z.number().int() }),
  ),
  'visitors:page': channel(
    VisitorPageRequestSchema,
    z.object({ rows: z.array(VisitorRowSchema), last: PageCursorSchema.nullable() }),
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
