import { describe, expect, it } from 'vitest';
import { StepSize } from '../../electron/core/jobs/step-size';

/** A clock that moves only when a step says it took time. */
function fakeClock() {
  let t = 0;
  return { now: () => t, spend: (ms: number) => void (t += ms) };
}

describe('the size of a long job’s set-based step, by time', () => {
  const opts = { first: 1_000, min: 50, max: 4_000, targetMs: 25 };

  it('shrinks the next step at once when one was slow', () => {
    const clock = fakeClock();
    const step = new StepSize({ ...opts, now: clock.now });
    expect(step.size).toBe(1_000);
    step.time(() => clock.spend(100));
    step.end(1_000);
    // 1 000 items in 100 ms: 250 fit in 25 ms.
    expect(step.size).toBe(250);
    // Slower still (a loaded machine): smaller still.
    step.time(() => clock.spend(250));
    step.end(250);
    expect(step.size).toBe(50 /* 25 would fit; the floor holds */);
  });

  it('grows after fast steps, at most twofold a step, up to the ceiling', () => {
    const clock = fakeClock();
    const step = new StepSize({ ...opts, first: 100, now: clock.now });
    const sizes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const n = step.size;
      step.time(() => clock.spend(n * 0.001)); // 1 µs an item: 25 000 would fit
      step.end(n);
      sizes.push(step.size);
    }
    expect(sizes).toEqual([200, 400, 800, 1_600, 3_200, 4_000, 4_000, 4_000]);
  });

  it('settles where a step takes about the target', () => {
    const clock = fakeClock();
    const step = new StepSize({ ...opts, first: 50, now: clock.now });
    for (let i = 0; i < 10; i++) {
      const n = step.size;
      step.time(() => clock.spend(n * 0.05)); // 50 µs an item
      step.end(n);
    }
    expect(step.size).toBe(500);
  });

  it('times a step as the sum of its stretches (the job ticks between them)', () => {
    const clock = fakeClock();
    const step = new StepSize({ ...opts, now: clock.now });
    const read = step.time(() => {
      clock.spend(30);
      return 'rows';
    });
    expect(read).toBe('rows');
    clock.spend(1_000); // the tick between: other work, not the step's
    step.time(() => clock.spend(20));
    step.end(1_000);
    expect(step.size).toBe(500);
  });

  it('counts a stretch that throws, and learns nothing from a step of no items', () => {
    const clock = fakeClock();
    const step = new StepSize({ ...opts, now: clock.now });
    expect(() =>
      step.time(() => {
        clock.spend(500);
        throw new Error('statement failed');
      }),
    ).toThrow('statement failed');
    step.end(0);
    expect(step.size).toBe(1_000);
    // The failed step's time does not carry over to the next.
    step.time(() => clock.spend(25));
    step.end(1_000);
    expect(step.size).toBe(1_000);
  });

  it('starts within its bounds', () => {
    expect(new StepSize({ ...opts, first: 10 }).size).toBe(50);
    expect(new StepSize({ ...opts, first: 1e9 }).size).toBe(4_000);
  });
});
