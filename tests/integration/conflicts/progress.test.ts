import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/core/clock';
import { BatchesRepo } from '../../../electron/core/conflicts/batches-repo';
import { ConflictWorkspace, type WorkspaceSteps } from '../../../electron/core/conflicts/workspace';
import { ConflictTargetSchema, DecisionSchema } from '../../../shared/ipc/conflicts-contract';
import {
  JOB_PROGRESS_EVERY_MS,
  type JobControl,
  type Jobs,
} from '../../../electron/core/jobs/jobs';
import type { JobProgress } from '../../../shared/ipc/jobs-contract';
import { seedConflicts } from '../../fixtures/conflicts';
import { makeCore, type TestCore } from '../../fixtures/core';

/**
 * A bulk job reports progress and can be cancelled only at its ticks, so a
 * step with no tick inside is time with no progress. These tests watch the
 * ticks of the real jobs (the same transaction, gate and cancel) and look,
 * on the job's own connection, at what the transaction has written so far.
 */

const N = 300;
// As a window's call arrives, parsed (the workspace is called past the schemas here).
const RULE = DecisionSchema.parse({
  type: 'rules',
  rules: { fields: { phone: 'client', title: 'server' }, default: 'merge' },
});
const everything = ConflictTargetSchema.parse({ filter: {}, exceptIds: [] });

let core: TestCore | undefined;
afterEach(() => {
  core?.dispose();
  core = undefined;
});

/** The core's jobs, with `seen` called at each of the job's ticks before the tick itself. */
function watched(
  jobs: Jobs,
  seen: (done: number, job: JobControl) => void | Promise<void>,
): Pick<Jobs, 'transaction'> {
  return {
    transaction: (spec, work) =>
      jobs.transaction(spec, (job) =>
        work({
          id: job.id,
          setTotal: (total) => job.setTotal(total),
          tick: async (done) => {
            await seen(done, job);
            await job.tick(done);
          },
        }),
      ),
  };
}

function workspaceOf(
  c: TestCore,
  jobs: Pick<Jobs, 'transaction'>,
  opts: { batches?: BatchesRepo; steps?: Partial<WorkspaceSteps> } = {},
): ConflictWorkspace {
  return new ConflictWorkspace({
    repos: opts.batches ? { ...c.repos, batches: opts.batches } : c.repos,
    read: c.read,
    clock: systemClock,
    actor: 'test',
    jobs,
    ...(opts.steps ? { steps: opts.steps } : {}),
  });
}

/** The core's own batches module, counting the statements that look for what blocks an undo. */
class CountedBlockers extends BatchesRepo {
  counted = 0;
  override blockers(...args: Parameters<BatchesRepo['blockers']>) {
    const found = super.blockers(...args);
    this.counted++;
    return found;
  }
}

const count = (c: TestCore, sql: string): number => (c.db.prepare(sql).get() as { n: number }).n;
const resolved = (c: TestCore) =>
  count(c, "SELECT count(*) AS n FROM conflicts WHERE status = 'resolved'");

describe('bulk jobs tick inside their steps', () => {
  it('apply ticks between the decisions of a page, each tick counting the decisions written', async () => {
    core = makeCore();
    seedConflicts(core, N);
    const c = core;
    const ticks: { done: number; written: number }[] = [];
    const ws = workspaceOf(
      c,
      watched(c.jobs, (done) => void ticks.push({ done, written: resolved(c) })),
    );
    const result = await ws.apply(everything, RULE, 'progress test');
    expect(result.resolvable).toBe(N);
    // The progress a person sees is what the transaction has written, at every tick…
    expect(ticks.filter((t) => t.done !== t.written)).toEqual([]);
    // …and there is a tick after each decision, inside the pages (not one per page).
    const seen = new Set(ticks.map((t) => t.done));
    expect([...Array(N + 1).keys()].filter((n) => !seen.has(n))).toEqual([]);
  });

  it('a cancel at a tick inside a page leaves nothing of the apply', async () => {
    core = makeCore();
    seedConflicts(core, N);
    const c = core;
    const outboxBefore = count(c, 'SELECT count(*) AS n FROM outbox');
    let cancelledAt: number | null = null;
    const ws = workspaceOf(
      c,
      watched(c.jobs, async (done, job) => {
        const written = resolved(c);
        if (cancelledAt === null && written > 0 && written % 10 === 7) {
          cancelledAt = written;
          c.jobs.cancel(job.id);
          // A cancel is seen where the job yields: at the next tick past its ~12 ms slice.
          await sleep(15);
        }
      }),
    );
    await expect(ws.apply(everything, RULE, 'cancelled')).rejects.toMatchObject({
      error: { code: 'cancelled' },
    });
    expect(cancelledAt).not.toBeNull();
    expect(resolved(c)).toBe(0);
    expect(count(c, 'SELECT count(*) AS n FROM resolve_undo')).toBe(0);
    expect(count(c, 'SELECT count(*) AS n FROM resolve_batches')).toBe(0);
    expect(count(c, "SELECT count(*) AS n FROM audit WHERE action = 'resolve'")).toBe(0);
    expect(count(c, 'SELECT count(*) AS n FROM outbox')).toBe(outboxBefore);
  });

  it('undo puts back ranges of many decisions, ticking between the statements of a range', async () => {
    core = makeCore();
    seedConflicts(core, N);
    const c = core;
    const applied = await workspaceOf(c, c.jobs).apply(everything, RULE, 'to undo');
    const batch = applied.batch!.id;

    // The batch's decisions as ranges, newest first: each as large as asked.
    const ranges = [];
    for (let before = Number.MAX_SAFE_INTEGER; ;) {
      const r = c.repos.batches.nextUndoRange(batch, before, 128);
      if (!r) break;
      ranges.push(r.count);
      before = r.fromId;
    }
    expect(ranges).toEqual([128, 128, N - 256]);
    expect(c.repos.batches.undoCount(batch)).toBe(N);

    const ticks: { audited: number; reopened: number }[] = [];
    const ws = workspaceOf(
      c,
      watched(c.jobs, () => {
        ticks.push({
          audited: count(c, "SELECT count(*) AS n FROM audit WHERE action = 'undo_resolve'"),
          reopened: N - resolved(c),
        });
      }),
    );
    const undone = await ws.undo(batch);
    expect(undone.reopened).toBe(N);
    // A tick after a range's audit rows and before its conflicts reopen: inside the step.
    expect(ticks.some((t) => t.audited > t.reopened)).toBe(true);
    // Set-based: a range is many decisions, not one at a time.
    expect(Math.max(...ticks.map((t) => t.audited - t.reopened))).toBeGreaterThan(1);
  });
});

describe('undo looks for what stands in its way in steps', () => {
  const CHECK = { first: 64, min: 64, max: 64 };

  it('ticks between the ranges it checks, before it puts anything back', async () => {
    core = makeCore();
    seedConflicts(core, N);
    const c = core;
    const applied = await workspaceOf(c, c.jobs).apply(everything, RULE, 'to undo');
    const batches = new CountedBlockers(c.db);
    const ticks: { counted: number; audited: number }[] = [];
    const ws = workspaceOf(
      c,
      watched(c.jobs, () => {
        ticks.push({
          counted: batches.counted,
          audited: count(c, "SELECT count(*) AS n FROM audit WHERE action = 'undo_resolve'"),
        });
      }),
      { batches, steps: { check: CHECK } },
    );
    const undone = await ws.undo(applied.batch!.id);
    expect(undone.reopened).toBe(N);
    // Ranges of 64 of the 300 decisions: five counts, with a tick (where progress goes out and a
    // cancel is seen) before the first and between each two, all before anything is put back.
    const checking = ticks.filter((t) => t.audited === 0).map((t) => t.counted);
    expect([...new Set(checking)]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches.counted).toBe(5);
  });

  it('refuses in the words of the whole batch’s count, counted range by range', async () => {
    core = makeCore();
    seedConflicts(core, N);
    const c = core;
    const applied = await workspaceOf(c, c.jobs).apply(everything, RULE, 'to undo');
    const ws = workspaceOf(c, c.jobs, { steps: { check: { first: 7, min: 7, max: 7 } } });
    const refusal = async () => {
      const r = await ws.undo(applied.batch!.id).then(
        () => null,
        (err: { error?: { code: string; message: string } }) => err.error,
      );
      // What the conflicts screen says of the batch, counted over the whole of it at once.
      return { refused: r, listed: ws.lastBatch()?.undoBlocked };
    };

    // Some operations went out, in ranges all over the batch; some records changed since.
    c.db.exec('UPDATE outbox SET attempts = 1 WHERE seq % 13 = 0');
    c.db.exec(
      "UPDATE visitors SET updated_at = 'later' WHERE local_id IN (SELECT local_id FROM conflicts WHERE id % 11 = 0)",
    );
    const sent = count(c, 'SELECT count(*) AS n FROM outbox WHERE attempts > 0');
    expect(sent).toBeGreaterThan(1);
    const first = await refusal();
    expect(first.refused).toMatchObject({ code: 'undo_blocked', message: first.listed });
    expect(first.listed).toBe(
      `${sent} operations of this apply already went to the server; undo is only possible before the next sync.`,
    );

    c.db.exec('UPDATE outbox SET attempts = 0');
    const edited = count(c, "SELECT count(*) AS n FROM visitors WHERE updated_at = 'later'");
    const second = await refusal();
    expect(second.refused).toMatchObject({ code: 'undo_blocked', message: second.listed });
    expect(second.listed).toBe(
      `${edited} records changed since (edited or synced); undoing would lose that.`,
    );
  });
});

/** Keeps the event loop busy for at least `ms` (other work the job lets through). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('a job’s progress', () => {
  it('goes out at the first tick past due, even one right after a long yield', async () => {
    core = makeCore();
    const c = core;
    const running = () =>
      c.events
        .filter((e) => e.event === 'jobs:progress')
        .map((e) => e.payload as JobProgress)
        .filter((p) => p.state === 'running');
    const seenAfterYield: number[] = [];
    await c.jobs.track(
      { kind: 'bulk_apply', label: 'progress test', unit: 'items', total: 2 },
      async (job) => {
        busy(15); // the first slice is over: the next tick yields
        // Reads served while the job yields, long enough for progress to fall due meanwhile.
        setImmediate(() => busy(JOB_PROGRESS_EVERY_MS + 20));
        await job.tick(1);
        // A fresh slice has just begun: the tick does not yield, but progress is due.
        await job.tick(2);
        seenAfterYield.push(...running().map((p) => p.done));
      },
    );
    expect(seenAfterYield).toEqual([2]);
  });
});
