/** Long jobs in the core (bulk apply, its preview and undo, import): progress and cancel. */
import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { channel, NoArgs } from './channel';

export const JOB_KINDS = [
  'bulk_apply',
  'bulk_preview',
  'bulk_undo',
  'import',
  'mirror_check',
  'mirror_repair',
  'visitor_edit',
  'visitor_edit_undo',
] as const;
export const JobKindSchema = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKindSchema>;

export const JobIdSchema = z.string().min(1).max(64);

/** Sent when a job starts, at least every 250 ms while it runs, and once when it ends. */
export const JobProgressSchema = z.object({
  jobId: JobIdSchema,
  kind: JobKindSchema,
  /** What the job does, in words ("Apply: server wins"). */
  label: z.string(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  done: z.number().int().nonnegative(),
  /** How many there are in all, when known. */
  total: z.number().int().nonnegative().nullable(),
  /** What `done` counts ("conflicts", "rows"). */
  unit: z.string(),
  startedAt: z.string(),
  elapsedMs: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** False once it is past the point where stopping could leave anything half done. */
  cancellable: z.boolean(),
  error: AppErrorSchema.nullable(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const jobsChannels = {
  /** The jobs running now (a window that opens mid-job shows its progress). */
  'jobs:list': channel(NoArgs, z.array(JobProgressSchema)),
  /** Stops a job; whatever it did is rolled back. False when it already ended. */
  'jobs:cancel': channel(
    z.strictObject({ jobId: JobIdSchema }),
    z.object({ cancelled: z.boolean() }),
  ),
} as const;

export const jobsEvents = {
  'jobs:progress': JobProgressSchema,
} as const;
