import type { SyncRun } from '../../../shared/ipc/contract';

/**
 * Whether a finished run deserves an OS notification: only background runs
 * (nobody is watching the Sync screen) that ended with new conflicts, failed
 * operations or a refused token. Pure, unit-tested.
 */
export function notificationFor(run: SyncRun): { title: string; body: string } | null {
  if (run.trigger === 'manual' || run.finishedAt === null) return null;
  if (run.outcome === 'auth_error')
    return {
      title: 'Sync stopped: the server refused the token',
      body: 'Open Settings and enter a new token to go on syncing.',
    };
  const parts: string[] = [];
  if (run.conflicts > 0)
    parts.push(`${run.conflicts} new ${run.conflicts === 1 ? 'conflict' : 'conflicts'} to resolve`);
  if (run.errors > 0) parts.push(`${run.errors} ${run.errors === 1 ? 'change' : 'changes'} failed`);
  if (run.outcome === 'failed' && parts.length === 0)
    parts.push(run.lastError?.message ?? 'The sync could not finish.');
  if (parts.length === 0) return null;
  return { title: 'Background sync finished with problems', body: `${parts.join('; ')}.` };
}
