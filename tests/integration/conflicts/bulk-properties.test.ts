import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictsRepo } from '../../../electron/core/conflicts/conflicts-repo';
import { ConflictWorkspace, type WorkspaceSteps } from '../../../electron/core/conflicts/workspace';
import { VisitorsRepo } from '../../../electron/core/visitors/visitors-repo';
import {
  ConflictTargetSchema,
  DecisionSchema,
  type ApplyResult,
  type BatchInfo,
  type BulkPreview,
  type Decision,
} from '../../../shared/ipc/conflicts-contract';
import { makeCore, type TestCore } from '../../fixtures/core';
import { searchIndexDrift } from '../../fixtures/search-index';
import { makeVisitors } from '../../fixtures/visitors';

/**
 * Bulk apply decides every conflict in memory and writes pages set-based;
 * these properties hold it to what deciding the conflicts one at a time
 * (each read back from the database) does, on random mixes of conflict kinds,
 * records with two conflicts, queued edits and operations on the wire.
 */

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const clock = { now: () => new Date(T0) };

interface ConflictSpec {
  kind: 'field' | 'update_deleted' | 'delete_modified';
  fields: ('title' | 'phone' | 'company' | 'interests')[];
}
interface RecordSpec {
  conflicts: ConflictSpec[];
  /** A local edit queued after the conflict(s) were recorded. */
  queuedEdit: boolean;
  /** What becomes of that queued edit (an admin's failed one, or one being sent). */
  opState: 'pending' | 'failed' | 'in_flight';
}

const conflictSpec = fc.record({
  kind: fc.constantFrom('field', 'field', 'update_deleted', 'delete_modified'),
  fields: fc.uniqueArray(fc.constantFrom('title', 'phone', 'company', 'interests'), {
    minLength: 1,
    maxLength: 3,
  }),
}) as fc.Arbitrary<ConflictSpec>;

const recordSpec = fc.record({
  conflicts: fc.array(conflictSpec, { minLength: 1, maxLength: 2 }),
  queuedEdit: fc.boolean(),
  opState: fc.constantFrom('pending', 'pending', 'failed', 'in_flight'),
}) as fc.Arbitrary<RecordSpec>;

const decisionArb: fc.Arbitrary<Decision> = fc.oneof(
  fc
    .constantFrom('server_wins', 'client_wins', 'merge')
    .map((strategy) => ({ type: 'resolution', resolution: { strategy } }) as Decision),
  fc
    .record({
      phone: fc.constantFrom('client', 'server', 'merged'),
      title: fc.constantFrom('client', 'server', 'merged'),
      default: fc.constantFrom('server_wins', 'client_wins', 'merge'),
    })
    .map(
      (r) =>
        ({
          type: 'rules',
          rules: { fields: { phone: r.phone, title: r.title }, default: r.default },
        }) as Decision,
    ),
);

const cores: TestCore[] = [];
afterEach(() => {
  for (const c of cores.splice(0)) c.dispose();
});

/** The same database, built the same way, for each core. */
async function build(specs: RecordSpec[]): Promise<TestCore> {
  const core = makeCore({ clock });
  cores.push(core);
  const visitors = makeVisitors(specs.length, 11);
  const mirror = new VisitorsRepo(core.db);
  const repo = new ConflictsRepo(core.db);
  const at = new Date(T0).toISOString();
  core.db.transaction(() => visitors.forEach((v) => mirror.upsertSynced(v.id, v, at)))();
  let n = 0;
  core.db.transaction(() => {
    specs.forEach((spec, i) => {
      const v = visitors[i]!;
      const local = mirror.get(v.id)!;
      spec.conflicts.forEach((c, j) => {
        const ours: Record<string, unknown> = {};
        const theirs: Record<string, unknown> = {};
        for (const f of c.fields) {
          ours[f] = f === 'interests' ? [`ours-${i}-${j}`] : `Ours ${f} ${i}.${j}`;
          theirs[f] = f === 'interests' ? [`theirs-${i}`] : `Theirs ${f} ${i}`;
        }
        const version = (v.version ?? 1) + 1;
        if (c.kind === 'field') {
          mirror.updateValues(v.id, { ...local.values, ...ours }, true, at);
          mirror.mergePulled(
            v.id,
            {
              values: { ...local.values, ...ours },
              base: { ...local.values, ...theirs },
              version,
              lastModified: at,
            },
            at,
          );
        }
        if (c.kind === 'delete_modified') mirror.markDeleted(v.id, at);
        repo.insert({
          localId: v.id,
          serverId: v.id,
          opId: `prop-op-${n++}`,
          action: c.kind === 'delete_modified' ? 'delete' : 'update',
          data: {
            kind: c.kind,
            conflictFields: c.kind === 'field' ? c.fields : [],
            clientData: c.kind === 'delete_modified' ? {} : ours,
            serverData:
              c.kind === 'update_deleted'
                ? null
                : c.kind === 'delete_modified'
                  ? { ...local.values, ...theirs }
                  : theirs,
            baseData: { ...local.values },
            serverVersion: c.kind === 'delete_modified' ? (v.version ?? 1) : version,
          },
          baseVersion: v.version ?? 1,
          at,
        });
      });
    });
  })();
  for (const [i, spec] of specs.entries()) {
    const v = visitors[i]!;
    if (!spec.queuedEdit || mirror.get(v.id)!.deleted) continue;
    await core.call('visitors:update', { localId: v.id, patch: { notes: `edited ${i}` } });
    if (spec.opState !== 'pending')
      core.db
        .prepare('UPDATE outbox SET status = ?, attempts = 1 WHERE local_id = ?')
        .run(spec.opState, v.id);
  }
  return core;
}

const rows = (core: TestCore, sql: string) =>
  core.db.prepare(sql).all() as Record<string, unknown>[];

/** Everything a decision may touch, every column, in a stable order. */
function state(core: TestCore) {
  return {
    visitors: rows(core, 'SELECT * FROM visitors ORDER BY local_id'),
    outbox: rows(core, 'SELECT * FROM outbox ORDER BY seq'),
    conflicts: rows(core, 'SELECT * FROM conflicts ORDER BY id'),
  };
}

/** Ids the two runs draw at random (op ids) and batches, which differ by design. */
function comparable(core: TestCore) {
  const s = state(core);
  return {
    visitors: s.visitors,
    outbox: s.outbox.map(({ op_id: _, ...r }) => r),
    conflicts: s.conflicts.map(({ batch_id: _, ...r }) => r),
    audit: rows(
      core,
      'SELECT action, local_id, server_id, conflict_id, detail, before, after FROM audit ORDER BY id',
    ),
  };
}

const everything = { filter: {} } as const;

interface Bulk {
  preview(decision: Decision): Promise<BulkPreview>;
  apply(decision: Decision): Promise<ApplyResult>;
  undo(): Promise<{ batch: BatchInfo; reopened: number }>;
}

/** Bulk actions over everything, as a window calls them. */
const asCalled = (core: TestCore): Bulk => ({
  preview: (decision) => core.call('conflicts:preview', { target: everything, decision }),
  apply: (decision) => core.call('conflicts:apply', { target: everything, decision }),
  undo: () => core.call('conflicts:undo', {}),
});

/**
 * The same, by a workspace whose steps (read pages, write pages, undo
 * ranges and the ranges of its check) take 1 to 3 conflicts, however fast: page boundaries everywhere,
 * which steps sized by time put wherever the machine's pace puts them.
 */
const TINY = { first: 2, min: 1, max: 3 };
const inTinySteps = (core: TestCore): Bulk => {
  const steps: WorkspaceSteps = { read: TINY, write: TINY, undo: TINY, check: TINY };
  const ws = new ConflictWorkspace({ ...core, clock, actor: 'test', steps });
  const target = ConflictTargetSchema.parse(everything);
  return {
    preview: (decision) => ws.preview(target, DecisionSchema.parse(decision)),
    apply: (decision) => ws.apply(target, DecisionSchema.parse(decision), ''),
    undo: () => ws.undo(),
  };
};

describe('bulk apply, preview and undo on random conflicts', () => {
  it.each([
    ['as the core runs them', asCalled],
    ['in steps of 1 to 3 conflicts', inTinySteps],
  ])(
    'apply writes what deciding each conflict alone would; preview says exactly that; undo puts everything back (%s)',
    async (_, bulkOf) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordSpec, { minLength: 1, maxLength: 12 }),
          decisionArb,
          async (specs, decision) => {
            const bulk = await build(specs);
            const run = bulkOf(bulk);
            const before = state(bulk);
            const preview = await run.preview(decision);
            expect(state(bulk)).toEqual(before);
            const applied = await run.apply(decision);
            const { batch, ...summary } = applied;
            expect(summary).toEqual(preview);
            expect(batch?.count ?? 0).toBe(preview.resolvable);

            // One conflict at a time, each planned against the database as the ones before left it.
            const single = await build(specs);
            for (const { id } of rows(
              single,
              "SELECT id FROM conflicts WHERE status = 'open' ORDER BY id",
            ))
              await single.call('conflicts:apply', { target: { ids: [id as number] }, decision });
            expect(comparable(bulk)).toEqual(comparable(single));
            // The mirror rows are written a page at a time: search sees exactly what they hold.
            expect(searchIndexDrift(bulk.db)).toBe(0);

            if (!batch) return;
            // Undo leaves every row as it was, column for column (seq and opId too);
            // the reopened conflicts keep their decision as a draft.
            const undone = await run.undo();
            expect(undone.reopened).toBe(preview.resolvable);
            const after = state(bulk);
            expect(after.visitors).toEqual(before.visitors);
            expect(searchIndexDrift(bulk.db)).toBe(0);
            expect(after.outbox).toEqual(before.outbox);
            expect(after.conflicts.map(({ draft: _, ...r }) => r)).toEqual(
              before.conflicts.map(({ draft: _, ...r }) => r),
            );
            const undoAudit = rows(
              bulk,
              "SELECT count(*) AS n FROM audit WHERE action = 'undo_resolve'",
            );
            expect(undoAudit[0]!.n).toBe(preview.resolvable);
            for (const c of cores.splice(0)) c.dispose();
          },
        ),
        { numRuns: 25, seed: 20261202 },
      );
    },
    240_000,
  );
});
