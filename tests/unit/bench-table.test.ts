import { describe, expect, it } from 'vitest';
import { failedResult, toResult } from '../bench/harness';
import { markdownTable, README_END, README_START, replaceReadmeTable } from '../bench/table';

const run = {
  at: '2026-12-02T17:05:00.000Z',
  machine: { cpus: 2, memGiB: 23.4, node: 'v20.20.2' },
  full: false,
};
const rows = [
  toResult(
    {
      id: 'T2',
      name: 'push | mixed',
      value: 25_000,
      unit: 'ops/s',
      baseline: 30_000,
      baselineLabel: 'raw POST',
      target: { atLeast: 0.8 },
    },
    'sync-engine.bench.ts',
    'push',
  ),
  toResult(
    {
      id: 'P-apply',
      name: 'page during apply',
      value: 300,
      unit: 'ms',
      baseline: 12,
      baselineLabel: 'idle',
      target: { valueAtMost: 250 },
    },
    'core-process.bench.ts',
    'pages',
  ),
];

describe('the bench table in Markdown', () => {
  it('heads the table with the date and machine and prints each row with its target and verdict', () => {
    const md = markdownTable(rows, run);
    expect(md).toMatch(/^Last run: 2026-12-02 \(17:05 UTC\), 2 cores, 23.4 GiB, Node v20.20.2\./);
    expect(md).toContain(
      '| T2 | push \\| mixed | 25,000 ops/s | 30,000 ops/s, raw POST | 0.83 | ≥ 0.8× | yes |',
    );
    expect(md).toContain(
      '| P-apply | page during apply | 300 ms | 12.0 ms, idle | 25.00 | ≤ 250 ms | NO |',
    );
  });

  it('prints a benchmark that threw as one row with its message, not met, before and after JSON', () => {
    const failed = failedResult(
      'core-process.bench.ts',
      'page latency',
      new Error('There is no bulk apply to undo.'),
    );
    expect(failed).toMatchObject({
      id: 'core-process (failed)',
      met: false,
      error: 'There is no bulk apply to undo.',
    });
    const expected =
      '| core-process (failed) | page latency: failed: There is no bulk apply to undo. | — | —, not measured, the benchmark failed | — |  | NO |';
    expect(markdownTable([failed], run)).toContain(expected);
    // As a later filtered run reads it back from bench-results/latest.json: NaN became null.
    const readBack = JSON.parse(JSON.stringify(failed)) as typeof failed;
    expect(readBack.value).toBeNull();
    expect(markdownTable([readBack], run)).toContain(expected);
  });

  it('replaces only what lies between the README markers, and leaves a README without them alone', () => {
    const readme = `# App\n\n${README_START}\n\nold table\n\n${README_END}\n\nafter\n`;
    const next = replaceReadmeTable(readme, 'NEW\n');
    expect(next).toBe(`# App\n\n${README_START}\n\nNEW\n\n${README_END}\n\nafter\n`);
    expect(replaceReadmeTable('# no markers\n', 'NEW')).toBe('# no markers\n');
  });
});
