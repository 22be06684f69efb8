import { fail } from '../../../shared/errors';
import type { QueueRole } from '../../../shared/ipc/queue-contract';
import type { SyncEngine } from '../sync/engine';
import { ServerApi } from '../sync/server-api';
import type { SyncStateRepo } from '../sync/sync-state-repo';

const ME_TIMEOUT_MS = 10_000;

/**
 * Who may act on the queue is the server's word (GET /api/me), asked again
 * before every admin action: hiding buttons in the window is a convenience,
 * this is the check. Nothing is cached, so a token demoted on the server
 * loses its rights at the next click.
 */
export class RoleGate {
  constructor(
    private readonly state: SyncStateRepo,
    private readonly sync: SyncEngine,
  ) {}

  async role(): Promise<QueueRole> {
    const conn = this.sync.currentConnection;
    if (!conn)
      return {
        role: null,
        name: null,
        reason: 'Not connected to a sync server: the queue is read-only until you connect.',
      };
    const api = new ServerApi({
      serverUrl: conn.serverUrl,
      token: conn.token,
      clientId: this.state.clientId(),
      timeoutMs: ME_TIMEOUT_MS,
    });
    const res = await api.me();
    if (!res.ok) return { role: null, name: null, reason: res.error.message };
    return { role: res.value.role, name: res.value.name ?? null, reason: null };
  }

  /** Throws `forbidden` unless the server says this session's token is an admin's. */
  async requireAdmin(what: string): Promise<{ name: string | null }> {
    const r = await this.role();
    if (r.role === 'admin') return { name: r.name };
    if (r.role === 'staff')
      fail(
        'forbidden',
        `Only an admin can ${what}. This session's token is a staff token: the queue is read-only for staff.`,
      );
    fail(
      'role_unknown',
      `Cannot ${what}: the console could not confirm an admin role with the server. ${r.reason ?? ''}`.trim(),
      true,
    );
  }
}
