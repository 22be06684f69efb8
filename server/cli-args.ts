import { parseArgs } from 'node:util';
import type { SimulateRequest } from '../shared/protocol';
import { parseTokenList } from './auth';
import type { ServerOptions } from './config';

/** Command-line parsing for server/cli.ts, pure so it is unit-tested. */

export const USAGE = `usage: npm run server -- [options]

  --port <n>               port to listen on (default 8787; 0 picks a free port)
  --host <addr>            address to bind (default 127.0.0.1)
  --db <path|:memory:>     SQLite database file (default :memory:)
  --seed <n>               generate n realistic visitors at start
  --seed-value <n>         seed of the generator (default 1): same value, same visitors
  --simulate <n>           one round of field activity at start: n edits, n/10 deletes and creates
  --simulate-every <ms>    repeat a round (of --simulate's size, default 5) every ms
  --max-operations <n>     most operations per bulk-sync (default 1000)
  --max-body-bytes <n>     largest request body after decompression (default 10485760)
  --changes-page-size <n>  default page size of the change feed (default 1000)
  --rate-limit <r>[:<b>]   r requests/s per token, bursts of b (default off)
  --synchronous <mode>     SQLite synchronous: FULL (default) or NORMAL
  -h, --help               this help

environment:
  VISITOR_SYNC_TOKENS      "token:role[:name],..." with role staff or admin;
                           unset: a development admin token is generated and printed`;

export type CliParse =
  | { ok: true; help: true }
  | { ok: true; help: false; options: ServerOptions }
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
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
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
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (values.help) return { ok: true, help: true };
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
    const tokens = env.VISITOR_SYNC_TOKENS;
    if (tokens !== undefined && tokens.trim() !== '') options.tokens = parseTokenList(tokens);
    return { ok: true, help: false, options };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
