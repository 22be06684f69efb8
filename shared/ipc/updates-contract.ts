/** App updates: where the updater stands, a check on request, and the person's answer to a ready update. */
import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { channel, NoArgs } from './channel';

/** A release found on the feed: its version and its notes (plain text or the feed's HTML, shown as text). */
export const UpdateOfferSchema = z.strictObject({
  version: z.string().min(1).max(64),
  notes: z.string().max(20_000),
});
export type UpdateOffer = z.infer<typeof UpdateOfferSchema>;

/**
 * `unsupported`: no updater here (a development build, the tests, the CLI).
 * `ready`: downloaded, waiting for the person to say "Restart and install".
 * `waitingForSync`: what comes next (a check, the download or the install)
 * starts when the sync run under way ends.
 */
export const UpdateStateSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('unsupported') }),
  z.strictObject({ kind: z.literal('idle') }),
  z.strictObject({ kind: z.literal('checking') }),
  z.strictObject({ kind: z.literal('upToDate') }),
  z.strictObject({ kind: z.literal('available'), offer: UpdateOfferSchema }),
  z.strictObject({ kind: z.literal('downloading'), offer: UpdateOfferSchema }),
  z.strictObject({ kind: z.literal('ready'), offer: UpdateOfferSchema }),
  z.strictObject({ kind: z.literal('installing'), offer: UpdateOfferSchema }),
  z.strictObject({ kind: z.literal('failed'), error: AppErrorSchema }),
]);
export type UpdateState = z.infer<typeof UpdateStateSchema>;

export const UpdateStatusSchema = z.strictObject({
  state: UpdateStateSchema,
  /** What waits for the sync run under way to end, if anything. */
  waitingForSync: z.enum(['check', 'download', 'install']).nullable(),
  /**
   * Whether the window shows the update dialog: after "Check for updates…"
   * (to say how it went) and when an update is ready (its notes), until "Later".
   */
  open: z.boolean(),
});
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;

export const updatesChannels = {
  'updates:status': channel(NoArgs, UpdateStatusSchema),
  /** "Check for updates…": the same as the menu item. */
  'updates:check': channel(NoArgs, UpdateStatusSchema),
  /** "Restart and install", after the notes were shown; waits for a sync run to end first. */
  'updates:install': channel(NoArgs, UpdateStatusSchema),
  /** "Later" (or closing the dialog): a ready update stays downloaded; the next check offers it again. */
  'updates:later': channel(NoArgs, UpdateStatusSchema),
} as const;

export const updatesEvents = {
  'updates:status': UpdateStatusSchema,
} as const;
