import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORIES, parseChaosArgs } from '../chaos/args';
import { describeProperty, readPropertyReport } from '../chaos/interleavings';

const NAMES = ['client-kill', 'server-kill', 'pull-cut'];
const parse = (...argv: string[]) => {
  const r = parseChaosArgs(argv, NAMES);
  if (!r.ok) throw new Error(r.message);
  return r.options;
};
const refused = (...argv: string[]) => {
  const r = parseChaosArgs(argv, NAMES);
  return r.ok ? null : r.message;
};

describe('npm run chaos: its command line', () => {
  it('runs every fault, 3 seeds, one at a time, and 1 000 histories when nothing narrows it', () => {
    expect(parse()).toEqual({
      faults: NAMES,
      seeds: [1, 2, 3],
      jobs: 1,
      maxMinutes: null,
      histories: DEFAULT_HISTORIES,
      historiesSkipped: null,
      interleavingSeed: null,
    });
    expect(DEFAULT_HISTORIES).toBe(1_000);
  });

  it('the whole matrix of 20 seeds, 4 at a time, runs the 1 000 histories too', () => {
    expect(parse('--seeds', '20', '--jobs', '4')).toMatchObject({
      faults: NAMES,
      seeds: Array.from({ length: 20 }, (_, i) => i + 1),
      jobs: 4,
      histories: 1_000,
    });
  });

  it('a run narrowed with --fault leaves the histories out, and says why', () => {
    const o = parse('--seed', '17', '--fault', 'server-kill');
    expect(o).toMatchObject({ faults: ['server-kill'], seeds: [17], histories: 0 });
    expect(o.historiesSkipped).toContain('--fault');
  });

  it('--histories N runs them whatever else narrows the run; --histories 0 skips them', () => {
    expect(parse('--fault', 'pull-cut', '--histories', '40')).toMatchObject({
      faults: ['pull-cut'],
      histories: 40,
      historiesSkipped: null,
    });
    expect(parse('--histories', '0')).toMatchObject({
      histories: 0,
      historiesSkipped: '--histories 0',
    });
    expect(parse('--seeds', '0', '--histories', '1000')).toMatchObject({
      seeds: [],
      histories: 1_000,
    });
  });

  it('--seed also gives fast-check its seed, so one command replays the property', () => {
    expect(parse('--seed', '17')).toMatchObject({
      seeds: [17],
      histories: 1_000,
      interleavingSeed: 17,
    });
    expect(parse('--seeds', '5').interleavingSeed).toBeNull();
  });

  it('refuses what is not a count, an unknown fault or an unknown flag, in words', () => {
    expect(refused('--histories=-1')).toMatch(/--histories: a whole number/);
    expect(refused('--histories', 'many')).toMatch(/--histories: a whole number/);
    expect(refused('--histories', '2.5')).toMatch(/--histories: a whole number/);
    expect(refused('--jobs', '0')).toMatch(/--jobs/);
    expect(refused('--seeds', 'x')).toMatch(/--seeds/);
    expect(refused('--max-minutes', '0')).toMatch(/--max-minutes/);
    expect(refused('--fault', 'meteor')).toBe(
      'unknown fault "meteor"; one of: client-kill, server-kill, pull-cut',
    );
    expect(refused('--histroies', '5')).toMatch(/histroies/);
  });
});

/** A real fast-check failure: the message it throws, as vitest's JSON report carries it. */
async function fastCheckFailure(seed: number): Promise<string> {
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(10), { minLength: 5 }), async (a) => {
        expect(a.includes(7), 'a seven').toBe(false);
      }),
      { numRuns: 200, seed },
    );
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the property did not fail');
}

describe("the property's report, read for the summary", () => {
  const found = {
    title: 'lose nothing and apply nothing twice (found history 1)',
    status: 'passed',
  };

  it('a pass: every history asked for ran, with the seed the title names', () => {
    const r = readPropertyReport(
      {
        testResults: [
          {
            assertionResults: [
              found,
              {
                title: 'lose nothing and apply nothing twice (1000 histories, seed -42)',
                status: 'passed',
              },
            ],
          },
        ],
      },
      '',
      1_000,
    );
    expect(r).toMatchObject({
      passed: true,
      ran: 1_000,
      seed: -42,
      found: { passed: 1, total: 1 },
    });
    expect(describeProperty({ ...r, ms: 600_000, log: null })).toBe(
      'interleavings: 1000 histories, seed -42: passed (and 1 of 1 found histories replayed), 10.0 min',
    );
  });

  it("a failure: fast-check's seed, path, counterexample and the broken assertion, and how to replay it", async () => {
    const message = await fastCheckFailure(4242);
    const output =
      'FAIL tests/...\nCaused by: AssertionError: a seven: expected true to be false\n';
    const r = readPropertyReport(
      {
        testResults: [
          {
            assertionResults: [
              found,
              {
                title: 'lose nothing and apply nothing twice (200 histories, seed 4242)',
                status: 'failed',
                failureMessages: [`Error: ${message}\n    at buildError (fast-check.js:1:1)`],
              },
            ],
          },
        ],
      },
      output,
      200,
    );
    const after = Number(/failed after (\d+) tests/.exec(message)![1]);
    expect(r).toMatchObject({ passed: false, ran: after, seed: 4242 });
    expect(r.path).toMatch(/^\d+(:\d+)*$/);
    expect(message).toContain(`Counterexample: ${r.counterexample}`);
    expect(r.counterexample).toContain('7');
    expect(r.failures.join('\n')).toContain('a seven: expected true to be false');
    const text = describeProperty({ ...r, ms: 1_000, log: '/tmp/x/vitest.log' });
    expect(text).toContain(`FAILED after ${after} of 200 histories, seed 4242`);
    expect(text).toContain('INTERLEAVING_RUNS=200 INTERLEAVING_SEED=4242 npx vitest run');
    expect(text).toContain("vitest's output: /tmp/x/vitest.log");
  });

  it('a count other than the one asked for, a failing found history, or no test at all is a failure', () => {
    const ran25 = readPropertyReport(
      {
        testResults: [
          { assertionResults: [found, { title: 'x (25 histories, seed 1)', status: 'passed' }] },
        ],
      },
      '',
      1_000,
    );
    expect(ran25.passed).toBe(false);
    expect(ran25.failures).toEqual(['the property ran 25 histories, not 1000']);

    const foundFails = readPropertyReport(
      {
        testResults: [
          {
            assertionResults: [
              { ...found, status: 'failed', failureMessages: ['AssertionError: "Prop 3" twice'] },
              { title: 'x (10 histories, seed 1)', status: 'passed' },
            ],
          },
        ],
      },
      '',
      10,
    );
    expect(foundFails).toMatchObject({ passed: false, found: { passed: 0, total: 1 } });

    const none = readPropertyReport(null, 'Error: Cannot find module x\n', 10);
    expect(none.passed).toBe(false);
    expect(none.failures[0]).toMatch(/vitest ran no test of .*Cannot find module x/);
  });
});
