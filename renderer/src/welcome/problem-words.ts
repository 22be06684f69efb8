import type { ConnectionProblem } from '../../../shared/ipc/setup-contract';

/** A short heading for each way a connection test can fail. */
export const PROBLEM_TITLES: Record<ConnectionProblem, string> = {
  invalid_address: 'Not a server address',
  unreachable: 'Cannot reach the server',
  tls: 'The secure connection failed',
  unauthorized: 'Token refused',
  forbidden: 'Token not allowed to sync',
  not_sync_server: 'Not a visitor sync server',
  server_error: 'The server has a problem',
};
