import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Io } from './output';

/** Exit codes of every command (documented in the usage text). */
export const EXIT = {
  /** Everything went through. */
  ok: 0,
  /** The command ran to the end, but left conflicts, failures or rejected rows. */
  problems: 1,
  /** The command could not run: usage, database, server unreachable, token refused. */
  error: 2,
  /** Interrupted with Ctrl-C (SIGINT), after a clean cancel. */
  interrupted: 130,
} as const;

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type FlagValues = Record<string, string | boolean | undefined>;

export interface ParsedArgs {
  values: FlagValues;
  positionals: string[];
}

/** One subcommand: its flags, its usage text and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number; name?: string };
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** Bad flags or arguments: the message, then the command's usage, on stderr; exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Any other reason the command cannot go on; printed as `error: …`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} satisfies OptionSpec;

/** node:util parseArgs, strict, with its messages cut to their first sentence. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, ...COMMON_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(firstSentence(err), command.usage);
  }
  const values = parsed.values as FlagValues;
  if (values.help) return { values, positionals: parsed.positionals };
  const { min, max, name = 'argument' } = command.positionals;
  const n = parsed.positionals.length;
  if (n < min) throw new UsageError(`missing ${name}`, command.usage);
  if (n > max) {
    const extra = parsed.positionals[max]!;
    throw new UsageError(`unexpected argument "${extra}"`, command.usage);
  }
  return { values, positionals: parsed.positionals };
}

function firstSentence(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cut = message.indexOf('. ');
  return (cut > 0 ? message.slice(0, cut) : message).replace(/\.$/, '');
}

/** A string flag that must be there. */
export function requiredString(values: FlagValues, name: string, usage: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '')
    throw new UsageError(`--${name} is required`, usage);
  return v;
}

export function optionalString(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A numeric flag within bounds, or its default when absent. */
export function numberFlag(
  values: FlagValues,
  name: string,
  usage: string,
  opts: { fallback: number; min: number; max: number; integer?: boolean },
): number {
  const raw = values[name];
  if (raw === undefined) return opts.fallback;
  const text = String(raw).trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
  const kind = opts.integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be ${kind}, got "${text}"`, usage);
  if (n < opts.min || n > opts.max)
    throw new UsageError(`--${name} must be between ${opts.min} and ${opts.max}, got ${n}`, usage);
  return n;
}
