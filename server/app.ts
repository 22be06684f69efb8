import type { IncomingMessage, ServerResponse } from 'node:http';
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
  limiter: RateLimiter | null;
  faults: Faults;
  log: (line: string) => void;
  /** Bulk-syncs being handled now (see config.maxConcurrentSyncs). */
  syncsInFlight: number;
}

export interface RequestContext {
  app: App;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Null only on routes without authentication (health). */
  principal: Principal | null;
  /** Path parameters, e.g. { id } for /api/visitors/:id. */
  params: Readonly<Record<string, string>>;
}

export type Handler = (ctx: RequestContext) => Promise<void>;
