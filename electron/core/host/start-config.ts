import { join } from 'node:path';
import { z } from 'zod';

const Text = z.string().min(1).max(4096);

/**
 * What the parent (Electron's main, or a test harness) tells a new core
 * process, parsed before anything is opened: a malformed start is refused in
 * words, never half-used.
 */
export const StartConfigSchema = z.strictObject({
  dbPath: Text,
  /** Where the core writes its log (core.log, rotated); null: no log file. */
  logDir: Text.nullable(),
  appVersion: z.string().max(100),
  /** The settings file as main read it (electron-store); null: settings in memory. */
  settings: z
    .strictObject({
      value: z.unknown(),
      location: Text,
      problem: z
        .strictObject({
          message: z.string().max(10_000),
          details: z.array(z.string().max(2000)).max(100),
          backup: z.string().max(4096).nullable(),
        })
        .nullable(),
    })
    .nullable(),
  /** Where the encrypted token is kept; null: the session only. */
  tokenFile: Text.nullable(),
  /** Whether main's keychain can encrypt (and if not, why); null: no keychain at all. */
  cipher: z
    .union([
      z.strictObject({ available: z.literal(true) }),
      z.strictObject({ available: z.literal(false), reason: z.string().max(2000) }),
    ])
    .nullable(),
  /** A desktop link comes with this message (the app); false under tests. */
  desktop: z.boolean(),
  /** Main runs electron-updater (a packaged app): the core may check for updates. */
  updates: z.boolean().default(false),
  /** Background syncs (interval, due retries) from the start. */
  background: z.boolean(),
  online: z.boolean().default(true),
  /** How many visitors the demo server generates (smaller in tests). */
  demoVisitors: z.number().int().min(1).max(200_000).optional(),
  /** Tests only: sync settings instead of the person's. */
  syncSettings: z
    .strictObject({
      chunkSize: z.number().int().min(1).max(1000),
      pageSize: z.number().int().min(1).max(10_000),
      backoff: z.strictObject({
        baseMs: z.number().min(0),
        factor: z.number().min(1),
        maxAttempts: z.number().int().min(1),
        jitter: z.number().min(0).max(1),
      }),
      requestTimeoutMs: z.number().int().min(1),
      autoSyncIntervalMs: z.number().int().min(0),
    })
    .optional(),
  /** Who the audit trail names (default: the OS user). */
  actor: z.string().min(1).max(200).optional(),
});
export type StartConfig = z.input<typeof StartConfigSchema>;

/** Messages from the parent to the core process. */
export const ControlSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('start'), config: z.unknown() }),
  /** A window's port comes with this message (or, in a child process, its name). */
  z.strictObject({ t: z.literal('window'), name: z.string().max(100).optional() }),
  z.strictObject({ t: z.literal('online'), online: z.boolean() }),
  z.strictObject({
    t: z.literal('command'),
    command: z.enum(['sync-now', 'open-settings', 'check-updates']),
  }),
  z.strictObject({ t: z.literal('stop') }),
]);
export type Control = z.infer<typeof ControlSchema>;

/** What the core tells its parent. */
export type CoreNotice =
  | { t: 'started'; ok: true }
  | { t: 'started'; ok: false; problem: string }
  | { t: 'stopped' }
  | { t: 'refused'; message: string };

/** Where the app keeps its files in a profile folder (the OS's user data folder). */
export function profileFiles(userData: string) {
  return {
    dbPath: join(userData, 'visitors.sqlite'),
    logDir: join(userData, 'logs'),
    tokenFile: join(userData, 'token.enc'),
  };
}
