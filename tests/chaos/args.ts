import { parseArgs } from 'node:util';

/**
 * The command line of `npm run chaos`, read into what the run does. Pure, so
 * what each flag means (and what its absence means) is tested on its own.
 */

/** Histories of the interleaving property a run of the whole matrix checks. */
export const DEFAULT_HISTORIES = 1_000;
/** Seeds per fault when neither --seed nor --seeds is given. */
export const DEFAULT_SEEDS = 3;

export interface ChaosOptions {
  /** Fault names, in the order given (every fault when --fault was not given). */
  faults: string[];
  seeds: number[];
  jobs: number;
  /** No new run starts after this many minutes; null: no limit. */
  maxMinutes: number | null;
  /** Histories of the interleaving property; 0: it is not run. */
  histories: number;
  /** Why the property is not run, for the summary, when histories is 0. */
  historiesSkipped: string | null;
  /** fast-check's seed for the property (from --seed), so one run replays whole; null: fast-check picks. */
  interleavingSeed: number | null;
}

export type ParsedArgs = { ok: true; options: ChaosOptions } | { ok: false; message: string };

const wholeNumber = (text: string, min: number): number | null => {
  const n = Number(text);
  return /^\d+$/.test(text.trim()) && Number.isSafeInteger(n) && n >= min ? n : null;
};

export function parseChaosArgs(argv: string[], faultNames: readonly string[]): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        seeds: { type: 'string' },
        seed: { type: 'string' },
        fault: { type: 'string', multiple: true },
        jobs: { type: 'string', default: '1' },
        'max-minutes': { type: 'string' },
        histories: { type: 'string' },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }

  const faults = values.fault ?? [...faultNames];
  const unknown = faults.find((n) => !faultNames.includes(n));
  if (unknown !== undefined)
    return { ok: false, message: `unknown fault "${unknown}"; one of: ${faultNames.join(', ')}` };

  let seeds: number[];
  if (values.seed !== undefined) {
    const seed = wholeNumber(values.seed, 0);
    if (seed === null) return { ok: false, message: '--seed: a whole number' };
    seeds = [seed];
  } else {
    const count = wholeNumber(values.seeds ?? String(DEFAULT_SEEDS), 0);
    if (count === null) return { ok: false, message: '--seeds: a whole number' };
    seeds = Array.from({ length: count }, (_, i) => i + 1);
  }

  const jobs = wholeNumber(values.jobs, 1);
  if (jobs === null) return { ok: false, message: '--jobs: a whole number, 1 or more' };

  let maxMinutes: number | null = null;
  if (values['max-minutes'] !== undefined) {
    maxMinutes = Number(values['max-minutes']);
    if (!(maxMinutes > 0)) return { ok: false, message: '--max-minutes: a number above 0' };
  }

  // The property belongs to a run of the whole matrix; a run narrowed to some
  // faults (replaying one seed, say) leaves it out unless asked for.
  let histories: number;
  let historiesSkipped: string | null = null;
  if (values.histories !== undefined) {
    const n = wholeNumber(values.histories, 0);
    if (n === null) return { ok: false, message: '--histories: a whole number (0 skips them)' };
    histories = n;
    if (n === 0) historiesSkipped = '--histories 0';
  } else if (values.fault !== undefined) {
    histories = 0;
    historiesSkipped = 'the run is restricted with --fault; --histories N runs them';
  } else histories = DEFAULT_HISTORIES;

  return {
    ok: true,
    options: {
      faults,
      seeds,
      jobs,
      maxMinutes,
      histories,
      historiesSkipped,
      interleavingSeed: values.seed === undefined ? null : seeds[0]!,
    },
  };
}
