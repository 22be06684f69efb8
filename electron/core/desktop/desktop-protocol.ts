import { z } from 'zod';

/**
 * The small typed link between the core process and Electron's main process:
 * the core asks for what only main can do (dialogs, the keychain, folders,
 * notifications, restarts, the settings file through electron-store), main
 * answers. Both ends parse what they receive with these schemas.
 */
export const DesktopAskSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('openFolder'), folder: z.enum(['logs', 'data']) }),
  z.strictObject({
    op: z.literal('chooseSavePath'),
    filename: z.string().min(1).max(255),
    ext: z.enum(['csv', 'json']),
  }),
  /** The open dialog for a file to import (CSV or JSONL). */
  z.strictObject({ op: z.literal('chooseOpenPath') }),
  z.strictObject({ op: z.literal('encrypt'), text: z.string().max(8192) }),
  z.strictObject({ op: z.literal('decrypt'), data: z.string().max(65_536) }),
]);
export type DesktopAsk = z.infer<typeof DesktopAskSchema>;

/** Fire-and-forget requests (no answer expected), kept in order with the asks. */
export const DesktopTellSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('relaunch') }),
  z.strictObject({
    op: z.literal('notify'),
    title: z.string().max(200),
    body: z.string().max(2000),
  }),
  z.strictObject({ op: z.literal('settingsWrite'), value: z.unknown() }),
  z.strictObject({ op: z.literal('settingsBackup'), to: z.string().min(1).max(4096) }),
]);
export type DesktopTell = z.infer<typeof DesktopTellSchema>;

export const DesktopMessageSchema = z.union([
  z.strictObject({
    t: z.literal('ask'),
    id: z.number().int().nonnegative(),
    ask: DesktopAskSchema,
  }),
  z.strictObject({ t: z.literal('tell'), tell: DesktopTellSchema }),
]);

export const DesktopAnswerSchema = z.strictObject({
  t: z.literal('answer'),
  id: z.number().int().nonnegative(),
  ok: z.boolean(),
  value: z.union([z.string(), z.boolean(), z.null()]),
  error: z.string().max(2000).optional(),
});
export type DesktopAnswer = z.infer<typeof DesktopAnswerSchema>;
