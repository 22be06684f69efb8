import { ServerUrlSchema } from '../../../shared/server-url';
import { isHeaderSafeToken } from '../../../shared/token';
import type { ConnectionProblem, ConnectionTestResult } from '../../../shared/ipc/setup-contract';
import { ServerApi, type ApiFailure } from '../sync/server-api';

/** Long enough for a slow VPN, short enough that a wrong address does not feel like a hang. */
export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

/**
 * Asks the server who the token is (GET /api/me, PROTOCOL.md) and says in
 * plain words what is wrong when that fails. Never throws.
 */
export async function testConnection(
  req: { serverUrl: string; token: string },
  opts: { timeoutMs?: number; now?: () => number } = {},
): Promise<ConnectionTestResult> {
  const now = opts.now ?? Date.now;
  const url = ServerUrlSchema.safeParse(req.serverUrl);
  if (!url.success) {
    if (hasCredentials(req.serverUrl))
      return {
        ok: false,
        problem: 'invalid_address',
        message: 'The address contains a user name or password.',
        hint: 'Remove the part before “@” from the address (it would be kept in plain text) and put the token in the token field.',
      };
    return {
      ok: false,
      problem: 'invalid_address',
      message: `“${req.serverUrl}” is not a server address.`,
      hint: 'Enter an address that starts with https:// (or http:// on a local network), e.g. https://sync.example.com.',
    };
  }
  if (!isHeaderSafeToken(req.token.trim()))
    return {
      ok: false,
      problem: 'unauthorized',
      message: 'The token contains characters that cannot be sent to a server.',
      hint: 'A token has only letters, digits and punctuation: paste it again without spaces, line breaks or invisible characters.',
    };
  const serverUrl = url.data.replace(/\/+$/, '');
  const started = now();
  const api = new ServerApi({
    serverUrl,
    token: req.token.trim(),
    clientId: 'connection-test',
    timeoutMs: opts.timeoutMs ?? CONNECTION_TEST_TIMEOUT_MS,
  });
  const res = await api.me();
  if (res.ok)
    return {
      ok: true,
      serverUrl,
      role: res.value.role,
      name: res.value.name ?? null,
      latencyMs: Math.max(0, now() - started),
    };
  return { ok: false, ...explainFailure(res.error, new URL(serverUrl)) };
}

const TLS_WORDS =
  /certificate|cert_|ssl|tls|wrong[-_ ]version[-_ ]number|self[-_ ]signed|handshake/i;

/**
 * The connection test's verdict from what GET /api/me came back with. Pure:
 * every branch is unit-tested.
 */
export function explainFailure(
  error: ApiFailure,
  url: URL,
): { problem: ConnectionProblem; message: string; hint: string } {
  const host = url.host;
  const https = url.protocol === 'https:';
  const status = error.status;
  const tlsWords =
    https && status === undefined && error.code !== 'bad_response' && TLS_WORDS.test(error.message);
  if (error.code === 'tls' || tlsWords)
    return {
      problem: 'tls',
      message: `The secure connection to ${host} failed: ${tlsReason(error.message)}`,
      hint: "Check the address and port. If the server uses its own certificate, it must be trusted by this computer's system (ask your administrator).",
    };
  if (error.code === 'timeout' && status === undefined)
    return {
      problem: 'unreachable',
      message: `The server at ${host} did not answer in time.`,
      hint: 'Check the address, that the server is running, and your network or VPN.',
    };
  // Before "no status": a reply that is not the protocol's (HTML, other JSON) came
  // from something that answered, whatever status ServerApi attached.
  if (error.code === 'bad_response')
    return {
      problem: 'not_sync_server',
      message: `Something answers at ${host}, but it is not a visitor sync server: its answer to GET /api/me is not the sync protocol's.`,
      hint: 'Check the address: it is the sync server’s base address, without /api.',
    };
  if (status === undefined)
    return {
      problem: 'unreachable',
      message: `The console cannot reach ${host}. ${error.message}`,
      hint: 'Check the address and port, that the server is running, and your network or VPN.',
    };
  if (status === 401)
    return {
      problem: 'unauthorized',
      message: `The server at ${host} did not accept the token (HTTP 401).`,
      hint: 'Check the token was copied whole, or ask your administrator for a new one.',
    };
  if (status === 403)
    return {
      problem: 'forbidden',
      message: `The token is valid, but the server at ${host} does not allow it to sync (HTTP 403).`,
      hint: 'Ask your administrator for a token with the staff or admin role.',
    };
  if (status === 429 || status >= 500)
    return {
      problem: 'server_error',
      message: `The server at ${host} is there but could not answer now (HTTP ${status}).`,
      hint: 'Try again in a moment; if it goes on, tell the server’s administrator.',
    };
  return {
    problem: 'not_sync_server',
    message: `Something answers at ${host}, but it is not a visitor sync server (GET /api/me answered HTTP ${status}).`,
    hint: 'Check the address: it is the sync server’s base address, without /api.',
  };
}

/** Node's TLS error text, as a reason a person can act on. */
function tlsReason(message: string): string {
  if (/self[-_ ]signed/i.test(message))
    return 'its certificate is self-signed and not trusted by this computer.';
  if (/expired/i.test(message)) return 'its certificate has expired.';
  if (/altname|hostname|does not match/i.test(message))
    return 'its certificate is for another name than this address.';
  if (/wrong[-_ ]version[-_ ]number|packet[-_ ]length|unknown[-_ ]protocol/i.test(message))
    return 'it does not speak HTTPS on this port (try http://, or check the port).';
  if (/issuer|verify|unable[-_ ]to[-_ ]get/i.test(message))
    return 'its certificate is not signed by an authority this computer trusts.';
  return message;
}

function hasCredentials(address: string): boolean {
  try {
    const u = new URL(address.trim());
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}
