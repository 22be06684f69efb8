import { z } from 'zod';
import { ServerUrlSchema } from '../server-url';
import { DEFAULT_STALE_CAPTURE_DAYS } from '../resolve/stale';
import { StrategySchema } from '../resolve/types';
import { VisitorFieldNameSchema } from '../visitor';
import { TableLayoutsSchema } from './table-layout';

/**
 * The console's settings file, as the current version writes it. Every read
 * is parsed with these schemas (never trusted), so the types below are what
 * the rest of the app may rely on. Bump SETTINGS_VERSION together with a
 * step in migrations.ts.
 */
export const SETTINGS_VERSION = 1;

/** Which server the console syncs with. The token is never here: the shell keeps it encrypted. */
export const ConnectionSettingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('server'), serverUrl: ServerUrlSchema }),
  z.strictObject({ kind: z.literal('demo') }),
]);
export type ConnectionSetting = z.infer<typeof ConnectionSettingSchema>;

/** The reference server refuses more than 1000 operations per request (docs/protocol.md). */
export const MAX_CHUNK_SIZE = 1000;

export const SyncPrefsSchema = z.strictObject({
  /** Operations per bulk-sync request; 500 measured best (`npm run bench`). */
  chunkSize: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_CHUNK_SIZE, `must be at most ${MAX_CHUNK_SIZE}`),
  /** Background syncs while the console is open; 0 turns them off. */
  autoSyncMinutes: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 (off) or more')
    .max(1440, 'must be at most 1440 (a day)'),
});
export type SyncPrefs = z.infer<typeof SyncPrefsSchema>;

export const BackoffPrefsSchema = z.strictObject({
  /** Wait after the first failed attempt. */
  baseSeconds: z.number().min(0.1, 'must be at least 0.1').max(3600, 'must be at most 3600'),
  /** Growth of the wait per attempt. */
  factor: z.number().min(1, 'must be at least 1').max(10, 'must be at most 10'),
  /** Attempts before an operation is failed for good and waits for a person. */
  maxAttempts: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100'),
});
export type BackoffPrefs = z.infer<typeof BackoffPrefsSchema>;

export const FieldNameSchema = VisitorFieldNameSchema;

/** The conflict workspace's guard: how much older a capture may be than the server's change. */
export const ConflictPrefsSchema = z.strictObject({
  /** A conflict is a stale capture when the client's change is this many days older. */
  staleCaptureDays: z
    .number()
    .min(0, 'must be 0 or more')
    .max(3650, 'must be at most 3650 (ten years)'),
});
export type ConflictPrefs = z.infer<typeof ConflictPrefsSchema>;

/** The strategy the conflict workspace proposes first for a conflicting field. */
export const FieldStrategiesSchema = z.record(FieldNameSchema, StrategySchema);
export type FieldStrategies = z.infer<typeof FieldStrategiesSchema>;

export const SettingsSchema = z.strictObject({
  version: z.literal(SETTINGS_VERSION),
  /** False until the person chose a way in on the welcome screen (or chose to set up later). */
  welcomeDone: z.boolean(),
  connection: ConnectionSettingSchema,
  sync: SyncPrefsSchema,
  backoff: BackoffPrefsSchema,
  fieldStrategies: FieldStrategiesSchema,
  /** Added after version 1 files were written: absent means the defaults. */
  conflicts: ConflictPrefsSchema.default({ staleCaptureDays: DEFAULT_STALE_CAPTURE_DAYS }),
  /**
   * The tables' column layouts, per table. Added within version 1: a file
   * without it reads as no table shaped yet (salvage starts from the defaults).
   */
  tables: TableLayoutsSchema,
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * What the Settings screen may change. The connection and the welcome flag
 * change only through the connect and demo actions, which test and store the
 * token as they go.
 */
export const SettingsPatchSchema = z.strictObject({
  sync: SyncPrefsSchema.partial().optional(),
  backoff: BackoffPrefsSchema.partial().optional(),
  fieldStrategies: z.partialRecord(FieldNameSchema, StrategySchema).optional(),
  conflicts: ConflictPrefsSchema.partial().optional(),
  /** A table's whole layout at a time: what the table shows now. */
  tables: TableLayoutsSchema.optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
