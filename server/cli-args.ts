import { parseArgs } from 'node:util';
import type { SimulateRequest } from '../shared/protocol';
import { parseTokenList } from './auth';
import type { ServerOptions } from './config';

/** Command-line parsing for server/cli.ts, pure so it is unit-tested. */

/** The shortest ledger retention prune-ledger accepts, in days. */
export const PRUNE_MIN_DAYS = 90;

export const USAGE = `usage: npm run server -- [options]
       npm run server -- prune-ledger --db <db> --older-than <days>

  --port <n>                 port to listen on (default 8787; 0 picks a free port)
  --host <addr>              address to bind (default 127.0.0.1)
  --db <path|:memory:|url>   SQLite file, :memory: (default), or postgres://user@host:5432/db
  --pg-pool-size <n>         PostgreSQL connections per process (default 10)
  --seed <n>                 generate n realistic visitors at start
  --seed-value <n>           seed of the generator (default 1): same value, same visitors
  --simulate <n>             one round of field activity at start: n edits, n/10 deletes and creates
  --simulate-every <ms>      repeat a round (of --simulate's size, default 5) every ms
  --max-operations <n>       most operations per bulk-sync (default 1000)
  --max-body-bytes <n>       largest request body after decompression (default 10485760)
  --max-concurrent-syncs <n> bulk-syncs applied at once; more get 503 (default 16)
  --changes-page-size <n>    default page size of the change feed (default 1000)
  --changes-page-bytes <n>   most bytes of JSON in one change page (default 4194304)
  --rate-limit <r>[:<b>]     per token: at most b requests per b/r seconds (default off)
  --sign-in-limit <r>:<b>|off  failed sign-ins per address: b, then r per second (default 0.333:20)
  --headers-timeout-ms <ms>  request head within this (default 10000)
  --request-timeout-ms <ms>  whole request within this (default 60000)
  --keep-alive-timeout-ms <ms>  idle keep-alive connections closed after (default 5000)
  --idle-timeout-ms <ms>     connections where nothing moves for this long closed (default 120000)
  --stop-grace-ms <ms>       on SIGTERM, in-flight requests get this long (default 3000)
  --trust-proxy <v>          behind a reverse proxy: true, or its addresses/subnets (a,b,…)
  --compress-loopback        gzip large responses to loopback clients too (default: remote only)
  --log-level <level>        fatal, error, warn, info (default), debug or trace
  --synchronous <mode>       SQLite synchronous: FULL (default) or NORMAL
  -h, --help                 this help

prune-ledger: removes idempotency results (opIds) recorded more than <days>
  days ago (at least ${PRUNE_MIN_DAYS}: longer than any client stays offline).

environment:
  VISITOR_SYNC_TOKENS        "token:role[:name],..." with role staff or admin;
                             unset: a development admin token is generated and printed
  PGPASSWORD                 the PostgreSQL password, if not in the URL`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export interface PruneCommand {
  db: string;
  olderThanDays: number;
}

export type CliParse =
  | { ok: true; help: true }
  | { ok: true; help: false; options: ServerOptions }
  | { ok: true; help: false; prune: PruneCommand }
  | { ok: false; message: string };

function integer(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new Error(`--${flag}: must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliParse {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        seed: { type: 'string' },
        'seed-value': { type: 'string' },
        simulate: { type: 'string' },
        'simulate-every': { type: 'string' },
        'max-operations': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'changes-page-size': { type: 'string' },
        'rate-limit': { type: 'string' },
        synchronous: { type: 'string' },
        'pg-pool-size': { type: 'string' },
        'max-concurrent-syncs': { type: 'string' },
        'changes-page-bytes': { type: 'string' },
        'sign-in-limit': { type: 'string' },
        'headers-timeout-ms': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'keep-alive-timeout-ms': { type: 'string' },
        'idle-timeout-ms': { type: 'string' },
        'stop-grace-ms': { type: 'string' },
        'trust-proxy': { type: 'string' },
        'compress-loopback': { type: 'boolean' },
        'log-level': { type: 'string' },
        'older-than': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (values.help) return { ok: true, help: true };
  const [command, ...extra] = positionals;
  if (command !== undefined && (command !== 'prune-ledger' || extra.length > 0)) {
    return { ok: false, message: `Unexpected argument '${extra[0] ?? command}'` };
  }
  if (command === 'prune-ledger') return parsePrune(values);
  if (values['older-than'] !== undefined) {
    return { ok: false, message: '--older-than belongs to prune-ledger' };
  }
  try {
    const options: ServerOptions = {
      port: integer('port', values.port, 0, 65535) ?? 8787,
      host: values.host ?? '127.0.0.1',
      db: values.db ?? ':memory:',
    };
    if (values.host !== undefined && values.host.trim() === '')
      throw new Error('--host: must not be empty');
    if (values.db !== undefined && values.db.trim() === '')
      throw new Error('--db: must not be empty');
    if (values['compress-loopback']) options.compressLoopback = true;
    const seed = integer('seed', values.seed, 0, 10_000_000);
    if (seed) options.seed = seed;
    const seedValue = integer('seed-value', values['seed-value'], 0, 2 ** 32 - 1);
    if (seedValue !== undefined) options.seedValue = seedValue;
    const simulate = integer('simulate', values.simulate, 1, 10_000);
    const every = integer('simulate-every', values['simulate-every'], 10, 86_400_000);
    if (simulate !== undefined || every !== undefined) {
      const n = simulate ?? 5;
      const side = Math.max(1, Math.round(n / 10));
      const round: SimulateRequest = { edits: n, deletes: side, creates: side };
      options.simulateRound = round;
      if (simulate !== undefined) options.simulateOnStart = true;
      if (every !== undefined) options.simulateEveryMs = every;
    }
    const maxOps = integer('max-operations', values['max-operations'], 1, 100_000);
    if (maxOps !== undefined) options.maxOperations = maxOps;
    const maxBody = integer('max-body-bytes', values['max-body-bytes'], 1024, 1024 ** 3);
    if (maxBody !== undefined) options.maxBodyBytes = maxBody;
    const page = integer('changes-page-size', values['changes-page-size'], 1, 10_000);
    if (page !== undefined) options.changesPageSize = page;
    if (values['rate-limit'] !== undefined) {
      const m = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(values['rate-limit']);
      const rate = m ? Number(m[1]) : NaN;
      if (!m || !(rate > 0))
        throw new Error('--rate-limit: must be <requests per second>[:<burst>], e.g. 50:100');
      options.rateLimit = {
        refillPerSecond: rate,
        capacity: m[2] ? Math.max(1, Number(m[2])) : Math.max(1, Math.ceil(rate * 2)),
      };
    }
    if (values.synchronous !== undefined) {
      const mode = values.synchronous.toUpperCase();
      if (mode !== 'FULL' && mode !== 'NORMAL')
        throw new Error('--synchronous: must be FULL or NORMAL');
      options.synchronous = mode;
    }
    const poolSize = integer('pg-pool-size', values['pg-pool-size'], 1, 1000);
    if (poolSize !== undefined) options.pgPoolSize = poolSize;
    const syncs = integer('max-concurrent-syncs', values['max-concurrent-syncs'], 1, 10_000);
    if (syncs !== undefined) options.maxConcurrentSyncs = syncs;
    const pageBytes = integer(
      'changes-page-bytes',
      values['changes-page-bytes'],
      65_536,
      268_435_456,
    );
    if (pageBytes !== undefined) options.changesPageBytes = pageBytes;
    if (values['sign-in-limit'] !== undefined) {
      options.signInLimit = parseSignInLimit(values['sign-in-limit']);
    }
    const timeouts: NonNullable<ServerOptions['timeouts']> = {};
    const headersMs = integer('headers-timeout-ms', values['headers-timeout-ms'], 100, 600_000);
    if (headersMs !== undefined) timeouts.headersMs = headersMs;
    const requestMs = integer('request-timeout-ms', values['request-timeout-ms'], 100, 3_600_000);
    if (requestMs !== undefined) timeouts.requestMs = requestMs;
    const keepAliveMs = integer(
      'keep-alive-timeout-ms',
      values['keep-alive-timeout-ms'],
      100,
      600_000,
    );
    if (keepAliveMs !== undefined) timeouts.keepAliveMs = keepAliveMs;
    const idleMs = integer('idle-timeout-ms', values['idle-timeout-ms'], 100, 3_600_000);
    if (idleMs !== undefined) timeouts.idleMs = idleMs;
    if (Object.keys(timeouts).length > 0) options.timeouts = timeouts;
    const grace = integer('stop-grace-ms', values['stop-grace-ms'], 0, 600_000);
    if (grace !== undefined) options.stopGraceMs = grace;
    if (values['trust-proxy'] !== undefined) {
      const v = values['trust-proxy'].trim();
      if (v === '') throw new Error('--trust-proxy: give true or the proxy addresses');
      options.trustProxy =
        v === 'true' ? true : v.includes(',') ? v.split(',').map((a) => a.trim()) : v;
    }
    if (values['log-level'] !== undefined) {
      const level = values['log-level'].toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(level))
        throw new Error(`--log-level: must be one of ${LOG_LEVELS.join(', ')}`);
      options.logLevel = level as (typeof LOG_LEVELS)[number];
    }
    const tokens = env.VISITOR_SYNC_TOKENS;
    if (tokens !== undefined && tokens.trim() !== '') options.tokens = parseTokenList(tokens);
    return { ok: true, help: false, options };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function parseSignInLimit(raw: string): ServerOptions['signInLimit'] {
  if (raw.trim().toLowerCase() === 'off') return null;
  const m = /^(\d+(?:\.\d+)?):(\d+)$/.exec(raw.trim());
  const rate = m ? Number(m[1]) : NaN;
  if (!m || !(rate > 0) || Number(m[2]) < 1) {
    throw new Error(
      '--sign-in-limit: must be <refills per second>:<failures>, e.g. 0.2:10, or off',
    );
  }
  return { refillPerSecond: rate, capacity: Number(m[2]) };
}

function parsePrune(values: {
  db?: string | undefined;
  'older-than'?: string | undefined;
}): CliParse {
  if (values.db === undefined || values.db.trim() === '' || values.db === ':memory:') {
    return { ok: false, message: 'prune-ledger: --db must name the database (a file or a URL)' };
  }
  const raw = values['older-than'];
  const m = raw === undefined ? null : /^(\d{1,6})d?$/.exec(raw.trim());
  if (!m) {
    return { ok: false, message: 'prune-ledger: --older-than <days> is required, e.g. 365' };
  }
  const days = Number(m[1]);
  if (days < PRUNE_MIN_DAYS) {
    return {
      ok: false,
      message: `prune-ledger: --older-than must be at least ${PRUNE_MIN_DAYS} days: a client offline longer than the retention could apply a replayed operation twice`,
    };
  }
  return {
    ok: true,
    help: false,
    prune: { db: values.db, olderThanDays: days },
  };
}
