/** The retry queue and failed operations (issue 6): its part of the channel and event maps in contract.ts. */
import { z } from 'zod';
import {
  EditRetryRequestSchema,
  ExportSavedRequestSchema,
  ExportSavedSchema,
  OpIdRequestSchema,
  QueueActionResultSchema,
  QueueCursorSchema,
  QueueDetailSchema,
  QueueExportSchema,
  QueueFacetsSchema,
  QueueFilterSchema,
  QueueGroupSchema,
  QueueItemSchema,
  QueuePageRequestSchema,
  QueueRoleSchema,
  QueueTargetSchema,
} from '../queue/queue-schemas';
import { channel } from './channel';
import { NoArgs } from './schemas';

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
