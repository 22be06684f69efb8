import { startServer, type RunningServer, type ServerOptions } from '../../../server/index';

export const ADMIN_TOKEN = 'admin-token';
export const STAFF_TOKEN = 'staff-token';

/**
 * The reference sync server in this process, on 127.0.0.1 and a free port,
 * everything in memory; `seed` realistic visitors generated at start.
 */
export function startSyncServer(opts: ServerOptions = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    db: ':memory:',
    tokens: `${ADMIN_TOKEN}:admin,${STAFF_TOKEN}:staff`,
    ...opts,
  });
}

export type { RunningServer };
