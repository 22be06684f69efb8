import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { ActionSchema } from '../protocol';
import { VisitorCreateDataSchema, VisitorPatchSchema, VisitorValuesSchema } from '../visitor';

/**
 * The one description of the process boundary. The preload, the main-process
 * wiring, the renderer's client and the e2e harness are all derived from these
 * two maps: adding a channel is one entry here plus one handler in the core.
 */

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

const LocalIdSchema = z.string().min(1).max(128);
const NoArgs = z.strictObject({});

function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const channels = {
  'app:info': channel(
    NoArgs,
    z.object({ version: z.string(), dbPath: z.string(), schemaVersion: z.number().int() }),
  ),
  'visitors:count': channel(
    VisitorQuerySchema.pick({ search: true }),
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
  /** Which server to sync with, for this session (settings persist it in the shell). */
  'sync:connect': channel(
    z.strictObject({
      serverUrl: ServerUrlSchema,
      token: z.string().trim().min(1, 'is required').max(4096),
    }),
    SyncStatusSchema,
  ),
  'sync:start': channel(NoArgs, SyncSummarySchema),
  'sync:cancel': channel(NoArgs, z.object({ cancelled: z.boolean() })),
  'sync:status': channel(NoArgs, SyncStatusSchema),
  'sync:history': channel(
    z.strictObject({ limit: z.number().int().min(1).max(1000).default(50) }),
    z.array(SyncRunSchema),
  ),
} as const;

/** What main pushes to the renderer. */
export const events = {
  'outbox:changed': OutboxCountsSchema,
  'visitors:changed': z.object({ localIds: z.array(z.string()).optional() }),
  'sync:progress': SyncProgressSchema,
  'sync:status': SyncStatusSchema,
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
export type EventName = keyof typeof events;
/** What a caller passes (before defaults). */
export type RequestIn<C extends Channel> = z.input<Channels[C]['request']>;
/** What a handler receives (after parsing and defaults). */
export type RequestOf<C extends Channel> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Channels[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const CHANNELS = Object.keys(channels) as Channel[];
export const EVENTS = Object.keys(events) as EventName[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** Every IPC reply is one of these: errors travel as values, never as thrown strings. */
export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; error: z.infer<typeof AppErrorSchema> };
