import { USAGE, parseCliArgs, type PruneCommand } from './cli-args';
import { startServer } from './index';
import { openStore } from './storage/open';

/**
 * `npm run server -- --port <port> --db <path|:memory:|postgres://…> [--seed <n>] …`
 * Prints `listening on http://<host>:<port>` once it accepts requests; logs
 * are JSON lines on stderr. `npm run server -- prune-ledger …` prunes the
 * op-id ledger and exits.
 * Exit codes: 0 after SIGINT/SIGTERM, 1 when it cannot start, 2 for bad arguments.
 */

const DAY_MS = 86_400_000;

async function prune(command: PruneCommand): Promise<void> {
  const before = Date.now() - command.olderThanDays * DAY_MS;
  let store;
  try {
    store = await openStore({ db: command.db });
  } catch (error) {
    process.stderr.write(`error: cannot open ${command.db}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  try {
    const removed = await store.write((tx) => tx.pruneApplied(before));
    process.stdout.write(
      `removed ${removed} idempotency results recorded before ${new Date(before).toISOString()} from ${store.description}\n`,
    );
  } catch (error) {
    process.stderr.write(`error: pruning failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if ('prune' in parsed) return prune(parsed.prune);
  const options = parsed.options;
  let server;
  try {
    server = await startServer({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    process.stderr.write(`error: cannot start the server: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (server.generatedToken) {
    process.stdout.write(
      `development token (admin): ${server.adminToken} (VISITOR_SYNC_TOKENS is not set; set "token:role,…" to choose tokens)\n`,
    );
  }
  if (options.seed) {
    process.stdout.write(
      `seeded ${server.seeded} visitors (seed value ${options.seedValue ?? 1}) into ${server.store.description}\n`,
    );
  }
  process.stdout.write(`listening on ${server.url}\n`);

  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) {
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    signalled = true;
    process.stderr.write(`${signal}: stopping (in-flight requests may finish)\n`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
