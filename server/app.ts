import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, TokenRegistry } from './auth';
import type { ServerClock } from './clock';
import type { ResolvedConfig } from './config';
import type { Faults } from './faults';
import type { RateLimiter } from './rate-limit';
import type { VisitorStore } from './storage/types';

/** What every handler can reach. */
export interface App {
  store: VisitorStore;
  clock: ServerClock;
  config: ResolvedConfig;
  tokens: TokenRegistry;
  /** Failed sign-ins per client address; null when off. */
  signIns: RateLimiter | null;
  faults: Faults;
  logger: FastifyBaseLogger;
  /** Bulk-syncs being applied now (see config.maxConcurrentSyncs). */
  syncsInFlight: number;
  /** Set by stop(): new requests get 503 and health says so. */
  stopping: boolean;
}

export interface RequestContext {
  app: App;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Null only on routes without authentication (health). */
  principal: Principal | null;
}
