import { USAGE, parseCliArgs } from './cli-args';
import { startServer } from './index';

/**
 * `npm run server -- --port <port> --db <path|:memory:> [--seed <n>] …`
 * Prints `listening on http://<host>:<port>` once it accepts requests.
 * Exit codes: 0 after SIGINT/SIGTERM, 1 when it cannot start, 2 for bad arguments.
 */
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
    process.stderr.write(`${signal}: stopping\n`);
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
