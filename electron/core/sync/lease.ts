import type { SyncStateRepo } from './sync-state-repo';

/**
 * Which process is syncing this database file. The app and the CLI may open
 * the same file; only one may run a sync, and only a process that finds no
 * live holder may treat in-flight operations as orphaned by a crash.
 */
export interface Lease {
  pid: number;
  at: number;
}

/** A holder that stops renewing for this long is taken as gone (hung, or on another boot). */
export const LEASE_TTL_MS = 120_000;

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLease(state: SyncStateRepo): Lease | null {
  const raw = state.get('runLease');
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Lease>;
    return typeof v.pid === 'number' && typeof v.at === 'number' ? { pid: v.pid, at: v.at } : null;
  } catch {
    return null;
  }
}

/** Another live process holds the lease right now. */
export function heldElsewhere(
  lease: Lease | null,
  now: number,
  pid = process.pid,
  alive = pidAlive,
): boolean {
  return lease !== null && lease.pid !== pid && now - lease.at < LEASE_TTL_MS && alive(lease.pid);
}
