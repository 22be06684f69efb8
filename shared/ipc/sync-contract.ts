/** The sync engine's runs, progress and history: its part of the maps in contract.ts. */
import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { ServerUrlSchema } from '../server-url';
import { TokenSchema } from '../token';
import { MirrorRepairSchema, MirrorReportSchema } from '../digest';
import { channel, NoArgs } from './channel';

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
  /** Conflicts of this run that automatic saved rules resolved right after it. */
  autoResolved: z.number().int(),
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

export const syncChannels = {
  /** Which server to sync with, for this session (settings persist it in the shell). */
  'sync:connect': channel(
    z.strictObject({
      serverUrl: ServerUrlSchema,
      token: TokenSchema,
    }),
    SyncStatusSchema,
  ),
  'sync:start': channel(NoArgs, SyncSummarySchema),
  'sync:cancel': channel(NoArgs, z.object({ cancelled: z.boolean() })),
  'sync:status': channel(NoArgs, SyncStatusSchema),
  /** Compares the mirror with the server (GET /api/visitors/digest) as a job with progress. */
  'sync:checkMirror': channel(NoArgs, MirrorReportSchema),
  /** Checks, re-pulls only the records that differ (local work kept), and checks again. */
  'sync:repairMirror': channel(NoArgs, MirrorRepairSchema),
  'sync:history': channel(
    z.strictObject({ limit: z.number().int().min(1).max(1000).default(50) }),
    z.array(SyncRunSchema),
  ),
} as const;

export const syncEvents = {
  'sync:progress': SyncProgressSchema,
  'sync:status': SyncStatusSchema,
  /** A run ended (whatever its outcome), sent once, after its last status. */
  'sync:runEnded': SyncRunSchema,
} as const;
