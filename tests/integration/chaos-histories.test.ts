import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runInterleavings } from '../chaos/interleavings';
import { ROOT } from '../chaos/processes';

/**
 * `npm run chaos` runs the interleaving property as well, in a vitest process
 * of its own: here with 2 histories and no fault run, so it is quick. The
 * count and fast-check's seed in the summary are read from that process's
 * report, so they say what actually ran.
 */
describe('the fault matrix runs the interleaving property', () => {
  it('with the number of histories and the seed it was given', async () => {
    const r = await runInterleavings(2, 5);
    expect(r, r.failures.join('\n')).toMatchObject({
      passed: true,
      histories: 2,
      ran: 2,
      seed: 5,
      found: { passed: 1, total: 1 },
      log: null,
    });
  });

  it('npm run chaos -- --seeds 0 --histories 2: the property alone, in the summary, exit 0', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tests/chaos/run.ts', '--seeds', '0', '--histories', '2'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stdout).toContain('interleavings: 2 histories started');
    expect(r.stdout).toMatch(
      /^interleavings: 2 histories, seed -?\d+: passed \(and 1 of 1 found histories replayed\), [\d.]+ min$/m,
    );
    expect(r.stdout).toContain('no fault runs (--seeds 0)');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
