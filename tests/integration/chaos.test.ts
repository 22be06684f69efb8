import { describe, expect, it } from 'vitest';
import { FAULTS } from '../chaos/faults/index';
import { CREATES, UPDATES, runScenario } from '../chaos/scenario';

/**
 * The fault matrix (docs/reliability.md), 3 seeds of every fault: the CLI
 * against the real server on a SQLite file, one fault at a seeded moment of a
 * 200-operation push, then a sync to the end. Read from both databases:
 * nothing lost, nothing applied twice, nothing stuck, the mirror equal to the
 * server. Each run has its own server, files and ports, so they run a few at
 * a time; most of a run is waiting on processes and timeouts, not CPU.
 */

const SEEDS = [1, 2, 3];

describe('chaos checker', () => {
  it('counts a push that never happened as lost, stuck and mirrored wrong', async () => {
    const none = { name: 'no-sync', inject: async () => undefined };
    const o = await runScenario(none, 1, { finalSync: false });
    expect(o).toMatchObject({
      lost: CREATES + UPDATES,
      duplicated: 0,
      stuck: CREATES + UPDATES,
      // the updated records differ from the server, the created ones are not there
      wrongMirror: CREATES + UPDATES,
    });
  });
});

describe.concurrent('chaos: each fault at a seeded moment, then sync to the end', () => {
  for (const fault of FAULTS)
    for (const seed of SEEDS)
      it(`${fault.name}, seed ${seed}: nothing lost, duplicated, stuck or mirrored wrong`, async () => {
        const o = await runScenario(fault, seed);
        expect(
          o.notes.some((n) => n.startsWith('fired')),
          o.notes.join('; '),
        ).toBe(true);
        expect(
          { lost: o.lost, duplicated: o.duplicated, stuck: o.stuck, wrongMirror: o.wrongMirror },
          `seed=${seed} fault=${fault.name}: ${o.details.join('; ')}`,
        ).toEqual({ lost: 0, duplicated: 0, stuck: 0, wrongMirror: 0 });
        // What the fault expects of the faulted sync itself (pull-cut: it recovers, exit 0).
        expect(o.broken, `seed=${seed} fault=${fault.name}: ${o.notes.join('; ')}`).toEqual([]);
      });
});
