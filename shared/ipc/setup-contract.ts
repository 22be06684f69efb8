/** The ways into the console (first run, connection, demo) and its settings: its part of the maps in contract.ts. */
import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { RebuildSummarySchema } from '../rebuild';
import { ConnectionSettingSchema, SettingsPatchSchema, SettingsSchema } from '../settings/schema';
import { ServerUrlSchema } from '../server-url';
import { TokenSchema } from '../token';
import { channel, NoArgs } from './channel';

export { TokenSchema };

export const ConnectRequestSchema = z.strictObject({
  serverUrl: ServerUrlSchema,
  token: TokenSchema,
});

export const CONNECTION_PROBLEMS = [
  'invalid_address',
  'unreachable',
  'tls',
  'unauthorized',
  'forbidden',
  'not_sync_server',
  'server_error',
] as const;
export const ConnectionProblemSchema = z.enum(CONNECTION_PROBLEMS);
export type ConnectionProblem = z.infer<typeof ConnectionProblemSchema>;

/** What GET /api/me said, or what is wrong, in words and with what to do. */
export const ConnectionTestResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    serverUrl: z.string(),
    role: z.enum(['staff', 'admin']),
    name: z.string().nullable(),
    latencyMs: z.number(),
  }),
  z.object({
    ok: z.literal(false),
    problem: ConnectionProblemSchema,
    message: z.string(),
    hint: z.string(),
  }),
]);
export type ConnectionTestResult = z.infer<typeof ConnectionTestResultSchema>;

export const TokenStorageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('encrypted') }),
  z.object({ kind: z.literal('session'), reason: z.string() }),
]);

export const DEMO_STEPS = ['server', 'mirror', 'activity', 'sync', 'ready'] as const;
export const DemoStepSchema = z.enum(DEMO_STEPS);
export type DemoStep = z.infer<typeof DemoStepSchema>;

export const DemoStatusSchema = z.object({
  state: z.enum(['off', 'starting', 'running', 'failed']),
  /** The step under way (or the last one reached). */
  step: DemoStepSchema.nullable(),
  serverUrl: z.string().nullable(),
  /** Visitors the demo server was seeded with. */
  visitors: z.number().int(),
  conflicts: z.number().int(),
  retrying: z.number().int(),
  error: AppErrorSchema.nullable(),
});
export type DemoStatus = z.infer<typeof DemoStatusSchema>;

export const SettingsProblemSchema = z.object({
  message: z.string(),
  details: z.array(z.string()),
  backup: z.string().nullable(),
});

/** Why the console cannot open its database, and what to do: shown instead of the app. */
export const StartupProblemSchema = z.object({
  code: z.string(),
  title: z.string(),
  message: z.string(),
  steps: z.array(z.string()),
  dbPath: z.string(),
  /** The file is damaged: the screen offers "Rebuild from the server, keeping unsynced edits". */
  canRebuild: z.boolean(),
});
export type StartupProblem = z.infer<typeof StartupProblemSchema>;

/** A rebuild from the damaged-database screen: what it did, and whether the console opened on the result. */
export const RebuildResultSchema = z.object({
  summary: RebuildSummarySchema,
  /** The console now runs on the rebuilt database (the screen's next step opens it). */
  reopened: z.boolean(),
});
export type RebuildResult = z.infer<typeof RebuildResultSchema>;

export const SetupStateSchema = z.object({
  /** Show the welcome screen (first run, or after leaving the demo). */
  welcome: z.boolean(),
  connection: ConnectionSettingSchema,
  tokenStorage: TokenStorageSchema,
  /** A server is set up but this session has no token for it (kept for the session only, or unreadable). */
  tokenMissing: z.boolean(),
  tokenProblem: z.string().nullable(),
  settingsProblem: SettingsProblemSchema.nullable(),
  demo: DemoStatusSchema,
  startupProblem: StartupProblemSchema.nullable(),
});
export type SetupState = z.infer<typeof SetupStateSchema>;

export const SettingsViewSchema = z.object({
  settings: SettingsSchema,
  problem: SettingsProblemSchema.nullable(),
  /** Where the settings file is. */
  location: z.string(),
  tokenStorage: TokenStorageSchema,
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

export const setupChannels = {
  'setup:state': channel(NoArgs, SetupStateSchema),
  /** GET /api/me with this address and token; nothing is saved. */
  'setup:testConnection': channel(ConnectRequestSchema, ConnectionTestResultSchema),
  /** Tests, then saves the address and keeps the token (encrypted, or for the session). */
  'setup:connect': channel(ConnectRequestSchema, SetupStateSchema),
  /** Starts the embedded reference server and walks through the demo; answers when it is ready. */
  'setup:startDemo': channel(NoArgs, DemoStatusSchema),
  /** "Set up later": the console opens on the local database without a server. */
  'setup:skipWelcome': channel(NoArgs, SetupStateSchema),
  /** Forgets the server and the token; the welcome screen shows again. */
  'setup:disconnect': channel(NoArgs, SetupStateSchema),
  'settings:get': channel(NoArgs, SettingsViewSchema),
  'settings:update': channel(z.strictObject({ patch: SettingsPatchSchema }), SettingsViewSchema),
  'settings:reset': channel(NoArgs, SettingsViewSchema),
  /**
   * Only while the database is damaged (startupProblem.canRebuild): keeps the
   * file aside, salvages its local work, mirrors the saved server afresh and
   * puts the work back (npm run cli -- rebuild). `token` when the saved one is
   * missing; it is kept like one entered on connecting.
   */
  'setup:rebuildDatabase': channel(
    z.strictObject({ token: TokenSchema.optional() }),
    RebuildResultSchema,
  ),
} as const;

export const setupEvents = {
  'setup:state': SetupStateSchema,
} as const;
