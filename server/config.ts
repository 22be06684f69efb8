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
  /** SQLite file path or ":memory:" (default). Ignored when `store` is given. */
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
  /** Token bucket per token; off (null) by default. */
  rateLimit?: RateLimitOptions | null;
  /** Default page size of the change feed (default 1000, max 10 000). */
  changesPageSize?: number;
  /** Wall clock in epoch ms; tests pass a controllable one. */
  clock?: () => number;
  /** node:http limits; tighter than Node's defaults (FACTS.md). */
  timeouts?: { headersMs?: number; requestMs?: number; keepAliveMs?: number };
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
  /** Diagnostics (server errors, simulator failures). Default: silent. */
  log?: (line: string) => void;
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
  };
}
