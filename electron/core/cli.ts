/**
 * The headless console: `npm run cli -- <command> --db <file> …`, over the
 * same core, engine and database as the app. This file only picks the
 * command and turns errors into exit codes; the commands live in ./cli/.
 */
import { AppErrorException } from '../../shared/errors';
import { CliError, EXIT, UsageError, parseCommandArgs, type Command } from './cli/args';
import { importCommand } from './cli/import-command';
import { repairCommand, verifyCommand } from './cli/mirror-commands';
import { rebuildCommand } from './cli/rebuild-command';
import { storageError } from './db/storage-error';
import { processIo, type Io } from './cli/output';
import { discardCommand, exportCommand, retryCommand } from './cli/queue-action-commands';
import { conflictsCommand, failedCommand } from './cli/queue-commands';
import { resolveCommand } from './cli/resolve-command';
import { rulesCommand } from './cli/rules-command';
import { statusCommand } from './cli/status-command';
import { syncCommand } from './cli/sync-command';

const COMMANDS: readonly Command[] = [
  syncCommand,
  importCommand,
  statusCommand,
  conflictsCommand,
  failedCommand,
  resolveCommand,
  rulesCommand,
  retryCommand,
  discardCommand,
  exportCommand,
  verifyCommand,
  repairCommand,
  rebuildCommand,
];

const USAGE = `usage: npm run cli -- <command> --db <file> [options]

The Visitor Reconciliation Console without a window, on the same database.

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)}  ${c.summary}`).join('\n')}
  ${'help'.padEnd(10)}  this text, or "help <command>" for a command's options

Every command takes --db <file> (the console's SQLite database) and --help.
Most take --json for output a program can read.

Exit codes: 0 success; 1 finished, but with conflicts, failed operations or
rejected rows; 2 usage error, database that cannot be opened, server
unreachable or token refused; 130 interrupted (Ctrl-C).`;

const find = (name: string | undefined) => COMMANDS.find((c) => c.name === name);

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(`error: no command given\n\n${USAGE}\n`);
    return EXIT.error;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0];
    if (topic !== undefined && !find(topic)) {
      io.err(`error: unknown command "${topic}"\n\n${USAGE}\n`);
      return EXIT.error;
    }
    io.out(`${find(topic)?.usage ?? USAGE}\n`);
    return EXIT.ok;
  }
  const command = find(name);
  if (!command) {
    io.err(`error: unknown command "${name}"\n\n${USAGE}\n`);
    return EXIT.error;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.out(`${command.usage}\n`);
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${err.usage}\n`);
      return EXIT.error;
    }
    if (err instanceof CliError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof AppErrorException) {
      io.err(`error: ${err.error.message} [${err.error.code}]\n`);
      return EXIT.error;
    }
    // The disk or the database file in words (full, read-only, damaged), not a stack trace.
    const storage = storageError(err);
    if (storage) {
      io.err(`error: ${storage.message} [${storage.code}]\n`);
      return EXIT.error;
    }
    io.err(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.error;
  }
}

void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
