/** The console as an application: version, folders, restart, menu commands, the core's link. */
import { z } from 'zod';
import { channel, NoArgs } from './channel';

export const FolderSchema = z.enum(['logs', 'data']);

export const CoreLinkSchema = z.object({
  /**
   * `connecting`: the window is waiting for its first port to the core.
   * `connected`: calls reach the core. `reconnecting`: the core process
   * stopped and is being started again; new calls wait for it, and calls
   * that were under way fail with `core_restarting` (nothing is lost: the
   * core's work is transactional and resumes when it is back).
   */
  state: z.enum(['connecting', 'connected', 'reconnecting']),
  /** How many times the core was started again this session. */
  restarts: z.number().int().nonnegative(),
});
export type CoreLink = z.infer<typeof CoreLinkSchema>;

export const appChannels = {
  'app:info': channel(
    NoArgs,
    z.object({ version: z.string(), dbPath: z.string(), schemaVersion: z.number().int() }),
  ),
  'app:openFolder': channel(
    z.strictObject({ folder: FolderSchema }),
    z.object({ opened: z.boolean() }),
  ),
  /** Restarts the console (after the database problem was dealt with). */
  'app:relaunch': channel(NoArgs, z.object({ relaunching: z.boolean() })),
} as const;

export const appEvents = {
  /** Menu commands meant for the window (the menu's "Sync now" goes to the core directly). */
  'app:command': z.object({ command: z.enum(['open-settings']) }),
  /** Sent by the window's own end of the link, not by the core: whether calls reach the core. */
  'app:link': CoreLinkSchema,
} as const;
