import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SimulateRequest } from '../shared/protocol';
import type { App } from './app';
import { TokenRegistry, generateDevToken, parseTokenList, type TokenSpec } from './auth';
import { ServerClock } from './clock';
import { resolveConfig, type ServerOptions } from './config';
import { Faults } from './faults';
import { dispatch } from './http/router';
import { RateLimiter } from './rate-limit';
import { seedStore } from './seeding';
import { simulate } from './simulator';
import { openSqliteStore } from './storage/sqlite';
import type { VisitorStore } from './storage/types';

export type { ServerOptions } from './config';
export type { TokenSpec } from './auth';
export type { VisitorStore, StoreTx, StoredVisitor } from './storage/types';
export type { Faults, FaultsRequest, FaultState } from './faults';
export { FaultsRequestSchema } from './faults';
export { SqliteVisitorStore, openSqliteStore } from './storage/sqlite';
export { generateVisitors } from './seed';

export interface RunningServer {
  /** e.g. "http://127.0.0.1:43117" */
  url: string;
  port: number;
  host: string;
  /** The accepted tokens; one generated admin token when none were given. */
  tokens: readonly TokenSpec[];
  /** True when `tokens` was generated because none were configured. */
  generatedToken: boolean;
  /** The first admin token / staff token, if any (convenience for tests and demo mode). */
  adminToken: string | undefined;
  staffToken: string | undefined;
  store: VisitorStore;
  faults: Faults;
  clock: ServerClock;
  /** How many visitors `seed` inserted. */
  seeded: number;
  /** Runs one simulator round now (what POST /api/admin/simulate does). */
  simulate(request: SimulateRequest): ReturnType<typeof simulate>;
  /** Stops accepting, ends open connections, closes the store it opened. Idempotent. */
  stop(): Promise<void>;
}

function resolveTokens(tokens: ServerOptions['tokens']): {
  specs: TokenSpec[];
  generated: boolean;
} {
  if (tokens === undefined) return { specs: [generateDevToken('admin')], generated: true };
  const specs = typeof tokens === 'string' ? parseTokenList(tokens) : [...tokens];
  if (specs.length === 0) throw new Error('tokens: at least one token is required');
  return { specs, generated: false };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** How long stop() lets in-flight requests finish before cutting connections. */
const STOP_GRACE_MS = 3_000;

/**
 * Starts the reference visitor sync server in this process: the same server
 * as `npm run server`, for tests and the desktop app's demo mode.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveConfig(options);
  const { specs, generated } = resolveTokens(options.tokens);
  const tokens = new TokenRegistry(specs);
  const log = options.log ?? (() => {});
  const ownStore = options.store === undefined;
  const store =
    options.store ??
    openSqliteStore({
      path: options.db ?? ':memory:',
      ...(options.synchronous ? { synchronous: options.synchronous } : {}),
    });

  let server: Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const clock = new ServerClock(options.clock ?? Date.now);
    clock.advancePast(await store.maxLastModifiedMs());
    const seeded = options.seed
      ? (await seedStore(store, clock, options.seed, options.seedValue ?? 1)).inserted
      : 0;
    const round: SimulateRequest = options.simulateRound ?? { edits: 5, deletes: 1, creates: 1 };
    if (options.simulateOnStart) await simulate(store, clock, round);

    const app: App = {
      store,
      clock,
      config,
      tokens,
      limiter: options.rateLimit
        ? new RateLimiter(options.rateLimit, options.clock ?? Date.now)
        : null,
      faults: new Faults(),
      log,
      syncsInFlight: 0,
    };

    const s = createServer(
      {
        maxHeaderSize: config.maxHeaderBytes,
        requestTimeout: config.requestTimeoutMs,
        headersTimeout: config.headersTimeoutMs,
        keepAliveTimeout: config.keepAliveTimeoutMs,
        // Node checks the two timeouts above only this often (default 30 s).
        connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
      },
      (req, res) => void dispatch(app, req, res),
    );
    server = s;
    const sockets = new Set<Socket>();
    s.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    s.on('clientError', (error, socket) => {
      // Malformed HTTP, oversized headers, timeouts: answer if we still can.
      if (!socket.writable) return socket.destroy();
      const code = (error as NodeJS.ErrnoException).code;
      const status =
        code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify({
        success: false,
        error: {
          code: status === 408 ? 'timeout' : status === 431 ? 'too_large' : 'invalid_request',
          message: `bad request (${code ?? 'parse error'})`,
        },
      });
      socket.end(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });

    await listen(s, config.port, config.host);
    const port = (s.address() as AddressInfo).port;
    const hostInUrl = config.host.includes(':') ? `[${config.host}]` : config.host;

    if (options.simulateEveryMs !== undefined) {
      if (!(options.simulateEveryMs >= 10))
        throw new RangeError('simulateEveryMs: must be at least 10');
      let running = false;
      timer = setInterval(() => {
        if (running) return; // never overlap rounds on a slow machine
        running = true;
        simulate(store, clock, round)
          .catch((error: unknown) => log(`simulator round failed: ${String(error)}`))
          .finally(() => {
            running = false;
          });
      }, options.simulateEveryMs);
      timer.unref();
    }

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        if (timer) clearInterval(timer);
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => s.closeAllConnections(), STOP_GRACE_MS);
          // A keep-alive connection whose request finishes during the grace
          // period turns idle afterwards; close those as they appear.
          const sweep = setInterval(() => s.closeIdleConnections(), 25);
          force.unref();
          sweep.unref();
          s.close(() => {
            clearTimeout(force);
            clearInterval(sweep);
            resolve();
          });
          s.closeIdleConnections();
        });
        for (const socket of sockets) socket.destroy();
        if (ownStore) await store.close();
      })());

    return {
      url: `http://${hostInUrl}:${port}`,
      port,
      host: config.host,
      tokens: specs,
      generatedToken: generated,
      adminToken: specs.find((t) => t.role === 'admin')?.token,
      staffToken: specs.find((t) => t.role === 'staff')?.token,
      store,
      faults: app.faults,
      clock,
      seeded,
      simulate: (request) => simulate(store, clock, request),
      stop,
    };
  } catch (error) {
    if (timer) clearInterval(timer);
    server?.close();
    if (ownStore) await store.close();
    throw error;
  }
}
