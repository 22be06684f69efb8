import { z } from 'zod';
import type { AppError } from '../errors';
import { VisitorCreateDataSchema, VisitorPatchSchema } from '../visitor';
import { channel } from './channel';
import { conflictChannels, conflictEvents } from './conflicts-contract';
import { queueChannels, queueEvents } from './queue-contract';
import { shellChannels, shellEvents } from './shell-contract';
import {
  LocalIdSchema,
  NoArgs,
  OutboxCountsSchema,
  OutboxRowSchema,
  PageCursorSchema,
  ServerUrlSchema,
  SyncProgressSchema,
  SyncRunSchema,
  SyncStatusSchema,
  SyncSummarySchema,
  VisitorPageRequestSchema,
  VisitorQuerySchema,
  VisitorRowSchema,
} from './schemas';

export * from './schemas';

/**
 * The one description of the process boundary. The preload, the main-process
 * wiring, the renderer's client and the e2e harness are all derived from these
 * two maps: adding a channel is one entry here (or in one of its parts:
 * conflicts-contract.ts, queue-contract.ts, shell-contract.ts) plus one handler in the core.
 */

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
  ...conflictChannels,
  ...queueChannels,
  ...shellChannels,
} as const;

/** What main pushes to the renderer. */
export const events = {
  'outbox:changed': OutboxCountsSchema,
  'visitors:changed': z.object({ localIds: z.array(z.string()).optional() }),
  'sync:progress': SyncProgressSchema,
  'sync:status': SyncStatusSchema,
  ...conflictEvents,
  ...queueEvents,
  ...shellEvents,
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
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: AppError };
