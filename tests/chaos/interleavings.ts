import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes';

/**
 * The interleaving property (random histories of edits, other devices' edits,
 * faults, restarts and syncs; nothing lost, nothing applied twice) run by the
 * fault matrix with a fixed number of histories, in a vitest process of its
 * own, and what its report says.
 */

export const PROPERTY_FILE = 'tests/integration/sync/interleavings.property.test.ts';

export interface PropertyResult {
  /** Histories asked for. */
  histories: number;
  passed: boolean;
  /** Histories the property ran: all of them when it passed, up to the failing one when not. */
  ran: number | null;
  /** fast-check's seed, from the test's title (or its failure). */
  seed: number | null;
  /** The histories found failing once, replayed before the random ones. */
  found: { passed: number; total: number };
  /** What went wrong, in words, when it did not pass. */
  failures: string[];
  /** fast-check's shrunk counterexample and its replay path, when the property failed. */
  counterexample: string | null;
  path: string | null;
  ms: number;
  /** The child's whole output, kept when it did not pass. */
  log: string | null;
}

/** Only the parts of vitest's JSON report that are read. */
interface VitestReport {
  testResults?: {
    message?: string;
    assertionResults?: { title: string; status: string; failureMessages?: string[] }[];
  }[];
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Reads vitest's JSON report of the property file (and, for the reason
 * fast-check keeps as the error's cause, the text it printed).
 */
export function readPropertyReport(
  report: VitestReport | null,
  output: string,
  histories: number,
): Omit<PropertyResult, 'ms' | 'log'> {
  const result: Omit<PropertyResult, 'ms' | 'log'> = {
    histories,
    passed: false,
    ran: null,
    seed: null,
    found: { passed: 0, total: 0 },
    failures: [],
    counterexample: null,
    path: null,
  };
  const files = report?.testResults ?? [];
  const tests = files.flatMap((f) => f.assertionResults ?? []);
  if (files.length === 0 || tests.length === 0) {
    const why = files.map((f) => f.message).find((m) => m) ?? lastLines(output, 5);
    result.failures.push(`vitest ran no test of ${PROPERTY_FILE}: ${why || 'no report'}`);
    return result;
  }
  const causes = [...output.replace(ANSI, '').matchAll(/^Caused by: (.+)$/gm)].map((m) => m[1]!);
  let propertyFound = false;
  for (const t of tests) {
    const message = (t.failureMessages ?? []).join('\n').replace(ANSI, '');
    const random = /\((\d+) histories, seed (-?\d+)\)/.exec(t.title);
    if (random) {
      propertyFound = true;
      result.seed = Number(random[2]);
      if (Number(random[1]) !== histories) {
        result.failures.push(`the property ran ${random[1]} histories, not ${histories}`);
        continue;
      }
      if (t.status === 'passed') {
        result.ran = histories;
        continue;
      }
      const after = /Property failed after (\d+) tests/.exec(message);
      const seed = /\{ seed: (-?\d+), path: "([^"]*)"/.exec(message);
      const example = /^Counterexample: (.*)$/m.exec(message);
      result.ran = after ? Number(after[1]) : null;
      if (seed) {
        result.seed = Number(seed[1]);
        result.path = seed[2]!;
      }
      result.counterexample = example ? example[1]! : null;
      result.failures.push(
        `${t.title}: ${after ? after[0] : t.status}${causes.length ? ` — ${causes.join(' / ')}` : ` — ${firstLine(message)}`}`,
      );
    } else {
      result.found.total++;
      if (t.status === 'passed') result.found.passed++;
      else result.failures.push(`${t.title}: ${t.status} — ${firstLine(message)}`);
    }
  }
  if (!propertyFound)
    result.failures.push(
      `no test titled "(N histories, seed S)" in ${PROPERTY_FILE}: ${tests.map((t) => t.title).join('; ')}`,
    );
  result.passed = result.failures.length === 0;
  return result;
}

const firstLine = (text: string) => text.split('\n').find((l) => l.trim()) ?? '(no message)';
const lastLines = (text: string, n: number) =>
  text.replace(ANSI, '').trim().split('\n').slice(-n).join(' | ');

/** Runs the property file in its own vitest process with INTERLEAVING_RUNS = histories. */
export async function runInterleavings(
  histories: number,
  seed: number | null,
): Promise<PropertyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-interleavings-'));
  const reportPath = join(dir, 'report.json');
  const logPath = join(dir, 'vitest.log');
  const started = Date.now();
  const log = createWriteStream(logPath);
  let output = '';
  const exit = await new Promise<string>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--project',
        'integration',
        PROPERTY_FILE,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${reportPath}`,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NO_COLOR: '1',
          INTERLEAVING_RUNS: String(histories),
          ...(seed === null ? {} : { INTERLEAVING_SEED: String(seed) }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (d: Buffer) => {
      log.write(d);
      output = (output + d.toString('utf8')).slice(-200_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => resolve(`could not start vitest: ${e.message}`));
    child.on('close', (code, signal) => resolve(`exit ${code ?? signal}`));
  });
  await new Promise((r) => log.end(r));
  let report: VitestReport | null = null;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as VitestReport;
  } catch {
    // No report: vitest did not get as far as running the file; the output says why.
  }
  const read = readPropertyReport(report, output, histories);
  if (read.passed && exit !== 'exit 0') {
    read.passed = false;
    read.failures.push(`vitest ${exit}: ${lastLines(output, 5)}`);
  }
  if (read.passed) rmSync(dir, { recursive: true, force: true });
  return { ...read, ms: Date.now() - started, log: read.passed ? null : logPath };
}

/** The summary's line (or lines) for the property. */
export function describeProperty(r: PropertyResult): string {
  const seed = r.seed === null ? '' : `, seed ${r.seed}`;
  const time = `${(r.ms / 60_000).toFixed(1)} min`;
  const found = `${r.found.passed} of ${r.found.total} found histories`;
  if (r.passed)
    return `interleavings: ${r.histories} histories${seed}: passed (and ${found} replayed), ${time}`;
  const lines = [
    `interleavings: FAILED${r.ran === null ? '' : ` after ${r.ran} of ${r.histories} histories`}${seed}${r.path ? `, path "${r.path}"` : ''} (${found} passed), ${time}`,
    ...r.failures.map((f) => `  ${f}`),
  ];
  if (r.counterexample) lines.push(`  counterexample: ${r.counterexample}`);
  if (r.seed !== null)
    lines.push(
      `  replay: INTERLEAVING_RUNS=${r.histories} INTERLEAVING_SEED=${r.seed} npx vitest run --project integration ${PROPERTY_FILE}`,
    );
  if (r.log) lines.push(`  vitest's output: ${r.log}`);
  return lines.join('\n');
}
