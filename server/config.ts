import type { SimulateRequest } from '../shared/protocol';
import { CHANGES_LIMIT_DEFAULT, CHANGES_LIMIT_MAX } from '../shared/protocol';
import type { TokenSpec } from './auth';
import type { RateLimitOptions } from './rate-limit';
import type { VisitorStore } from './storage/types';

/** Options of startServer (server/index.ts) and, through cli.ts, of the CLI. */
export interface ServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the server is a local reference, not an internet service. */
  host?: string;
  /**
   * Where the data lives: a SQLite file path, ":memory:" (default), or a
   * PostgreSQL URL (`postgres://user@host:5432/db`, `postgresql://…`; the
   * password may also come from PGPASSWORD). Ignored when `store` is given.
   */
  db?: string;
  /** A store to use instead of opening `db`; it is left open by stop(). */
  store?: VisitorStore;
  /** SQLite synchronous mode; FULL (default) survives power loss. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Bearer tokens: a list, or the VISITOR_SYNC_TOKENS syntax "token:role[:name],…".
   * When absent one admin development token is generated (see the result's `tokens`).
   */
  tokens?: readonly TokenSpec[] | string;
  /** Most operations in one bulk-sync (default 1000); more is 413. */
  maxOperations?: number;
  /** Most bytes of a request body, after decompression (default 10 MiB); more is 413. */
  maxBodyBytes?: number;
  /**
   * Requests per token: at most `capacity` in any window of
   * capacity / refillPerSecond seconds (@fastify/rate-limit). Off (null) by default.
   */
  rateLimit?: RateLimitOptions | null;
  /**
   * Failed sign-ins (401) per client address: a token bucket of `capacity`
   * failures refilled at `refillPerSecond`. Once it is empty, every request
   * that needs a token from that address gets 429 until it refills. Default
   * 20 failures, one more every 3 s; null turns it off.
   */
  signInLimit?: RateLimitOptions | null;
  /**
   * Behind a reverse proxy: trust its X-Forwarded-For for the client address
   * (true, or the proxy's addresses/subnets, as Fastify's `trustProxy`).
   * Default false: the address is the TCP peer.
   */
  trustProxy?: boolean | string | string[];
  /**
   * Gzip large responses to loopback clients too (default false: on loopback
   * gzip costs more than it saves). Turns the off-host path on for tests and
   * for a server reached through a local tunnel.
   */
  compressLoopback?: boolean;
  /** Default page size of the change feed (default 1000, max 10 000). */
  changesPageSize?: number;
  /**
   * Most bytes of JSON in one change-feed page (default 4 MiB): a page ends
   * early, with hasMore, before it would pass this.
   */
  changesPageBytes?: number;
  /** Wall clock in epoch ms; tests pass a controllable one. */
  clock?: () => number;
  /**
   * Connection deadlines, tighter than Node's defaults: the request head
   * within headersMs (10 s) of the connection or the previous response, the
   * whole request (head and body) within requestMs (60 s), an idle keep-alive
   * connection closed after keepAliveMs (5 s), and any connection on which
   * nothing moves in either direction for idleMs (120 s) closed (a client
   * that stops reading its response).
   */
  timeouts?: { headersMs?: number; requestMs?: number; keepAliveMs?: number; idleMs?: number };
  /** node:http maxHeaderSize (default 8 KiB: a token and a few headers need far less). */
  maxHeaderBytes?: number;
  /**
   * Most bulk-syncs handled at once (each may buffer maxBodyBytes); more get
   * 503 with Retry-After instead of queueing unbounded memory. Default 16.
   */
  maxConcurrentSyncs?: number;
  /** Generate this many visitors at start (ids skipped when already present). */
  seed?: number;
  /** Seed for `seed` (default 1): the same value gives the same visitors. */
  seedValue?: number;
  /** Run a simulator round every this many ms (off by default). */
  simulateEveryMs?: number;
  /** The round for simulateEveryMs and `simulateOnStart`. */
  simulateRound?: SimulateRequest;
  /** Run one simulator round at start, after seeding. */
  simulateOnStart?: boolean;
  /**
   * Where the structured logs go: one JSON line per call (pino: time, level,
   * reqId, msg, …). Default: no logs.
   */
  log?: (line: string) => void;
  /** pino level: "info" (default; a line per request), "warn", "error", "debug", … */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** How long stop() lets in-flight requests finish before cutting connections (default 3 s). */
  stopGraceMs?: number;
  /** PostgreSQL: most connections per server process (default 10). */
  pgPoolSize?: number;
}

export interface ResolvedConfig {
  host: string;
  port: number;
  maxOperations: number;
  maxBodyBytes: number;
  changesPageSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxHeaderBytes: number;
  maxConcurrentSyncs: number;
  changesPageBytes: number;
  idleTimeoutMs: number;
  stopGraceMs: number;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  maxOperations: 1000,
  maxBodyBytes: 10 * 1024 * 1024,
  changesPageSize: CHANGES_LIMIT_DEFAULT,
  headersTimeoutMs: 10_000,
  // Long enough for 10 MiB over a slow link, far below Node's 300 s.
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 8 * 1024,
  maxConcurrentSyncs: 16,
  changesPageBytes: 4 * 1024 * 1024,
  idleTimeoutMs: 120_000,
  stopGraceMs: 3_000,
  signInLimit: { capacity: 20, refillPerSecond: 1 / 3 },
} as const;

function int(
  name: string,
  value: number | undefined,
  def: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return def;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name}: must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

export function resolveConfig(o: ServerOptions): ResolvedConfig {
  return {
    host: o.host ?? DEFAULTS.host,
    port: int('port', o.port, DEFAULTS.port, 0, 65535),
    maxOperations: int('maxOperations', o.maxOperations, DEFAULTS.maxOperations, 1, 100_000),
    maxBodyBytes: int('maxBodyBytes', o.maxBodyBytes, DEFAULTS.maxBodyBytes, 1024, 1024 ** 3),
    changesPageSize: int(
      'changesPageSize',
      o.changesPageSize,
      DEFAULTS.changesPageSize,
      1,
      CHANGES_LIMIT_MAX,
    ),
    headersTimeoutMs: int(
      'timeouts.headersMs',
      o.timeouts?.headersMs,
      DEFAULTS.headersTimeoutMs,
      100,
      600_000,
    ),
    requestTimeoutMs: int(
      'timeouts.requestMs',
      o.timeouts?.requestMs,
      DEFAULTS.requestTimeoutMs,
      100,
      3_600_000,
    ),
    keepAliveTimeoutMs: int(
      'timeouts.keepAliveMs',
      o.timeouts?.keepAliveMs,
      DEFAULTS.keepAliveTimeoutMs,
      100,
      600_000,
    ),
    maxHeaderBytes: int(
      'maxHeaderBytes',
      o.maxHeaderBytes,
      DEFAULTS.maxHeaderBytes,
      1024,
      1024 * 1024,
    ),
    maxConcurrentSyncs: int(
      'maxConcurrentSyncs',
      o.maxConcurrentSyncs,
      DEFAULTS.maxConcurrentSyncs,
      1,
      10_000,
    ),
    changesPageBytes: int(
      'changesPageBytes',
      o.changesPageBytes,
      DEFAULTS.changesPageBytes,
      64 * 1024,
      256 * 1024 * 1024,
    ),
    idleTimeoutMs: int(
      'timeouts.idleMs',
      o.timeouts?.idleMs,
      DEFAULTS.idleTimeoutMs,
      100,
      3_600_000,
    ),
    stopGraceMs: int('stopGraceMs', o.stopGraceMs, DEFAULTS.stopGraceMs, 0, 600_000),
  };
}
