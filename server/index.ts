import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { SimulateRequest } from '../shared/protocol';
import type { App } from './app';
import { TokenRegistry, generateDevToken, parseTokenList, type TokenSpec } from './auth';
import { ServerClock } from './clock';
import { DEFAULTS, resolveConfig, type ServerOptions } from './config';
import { Faults } from './faults';
import { buildHttpServer } from './http/server';
import { RateLimiter } from './rate-limit';
import { seedStore } from './seeding';
import { simulate } from './simulator';
import { openStore } from './storage/open';
import type { VisitorStore, WriteRetry } from './storage/types';
import { silentLogger } from './http/server';

export type { ServerOptions } from './config';
export type { TokenSpec } from './auth';
export type { VisitorStore, StoreTx, StoredVisitor } from './storage/types';
export type { Faults, FaultsRequest, FaultState } from './faults';
export { FaultsRequestSchema } from './faults';
export { SqliteVisitorStore, openSqliteStore } from './storage/sqlite';
export { openStore, isPostgresUrl } from './storage/open';
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

/**
 * Starts the reference visitor sync server in this process: the same server
 * as `npm run server`, for tests and the desktop app's demo mode.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveConfig(options);
  const { specs, generated } = resolveTokens(options.tokens);
  const tokens = new TokenRegistry(specs);
  const clock = new ServerClock(options.clock ?? Date.now);
  const ownStore = options.store === undefined;
  // The store opens before the HTTP server's logger exists; retries are logged through this.
  let logRetry: (retry: WriteRetry) => void = () => {};
  const store =
    options.store ??
    (await openStore({
      db: options.db ?? ':memory:',
      ...(options.synchronous ? { synchronous: options.synchronous } : {}),
      ...(options.pgPoolSize !== undefined ? { pgPoolSize: options.pgPoolSize } : {}),
      now: () => clock.nextStampFloor(),
      onRetry: (retry) => logRetry(retry),
    }));

  let http: FastifyInstance | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    clock.advancePast(await store.maxLastModifiedMs());
    const seeded = options.seed
      ? (await seedStore(store, clock, options.seed, options.seedValue ?? 1)).inserted
      : 0;
    const round: SimulateRequest = options.simulateRound ?? { edits: 5, deletes: 1, creates: 1 };
    if (options.simulateOnStart) await simulate(store, clock, round);

    const signInLimit =
      options.signInLimit === undefined ? DEFAULTS.signInLimit : options.signInLimit;
    const app: App = {
      store,
      clock,
      config,
      tokens,
      signIns: signInLimit ? new RateLimiter(signInLimit, options.clock ?? Date.now) : null,
      faults: new Faults(),
      logger: silentLogger,
      syncsInFlight: 0,
      stopping: false,
    };
    const server = buildHttpServer(app, {
      ...(options.log ? { log: options.log } : {}),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      ...(options.compressLoopback ? { compressLoopback: true } : {}),
    });
    http = server;
    logRetry = (retry) =>
      app.logger.warn(
        { reason: retry.reason, attempt: retry.attempt },
        'write unit clashed with another writer; running it again',
      );
    await server.listen({ port: config.port, host: config.host });
    const port = (server.server.address() as AddressInfo).port;
    const hostInUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
    server.log.info({ port, host: config.host, storage: store.description }, 'listening');

    if (options.simulateEveryMs !== undefined) {
      if (!(options.simulateEveryMs >= 10))
        throw new RangeError('simulateEveryMs: must be at least 10');
      let running = false;
      timer = setInterval(() => {
        if (running) return; // never overlap rounds on a slow machine
        running = true;
        simulate(store, clock, round)
          .catch((error: unknown) => server.log.warn({ err: error }, 'simulator round failed'))
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
        app.stopping = true;
        const raw = server.server;
        // In-flight requests get config.stopGraceMs to finish; idle keep-alive
        // connections close at once, and busy ones as soon as they turn idle.
        const force = setTimeout(() => raw.closeAllConnections(), config.stopGraceMs);
        const sweep = setInterval(() => raw.closeIdleConnections(), 25);
        force.unref();
        sweep.unref();
        try {
          await server.close();
        } finally {
          clearTimeout(force);
          clearInterval(sweep);
        }
        server.log.info('stopped');
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
    await http?.close().catch(() => {});
    if (ownStore) await store.close();
    throw error;
  }
}
