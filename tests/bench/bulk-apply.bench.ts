import Database from 'better-sqlite3';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { seedConflicts } from '../fixtures/conflicts';
import { makeCore, type TestCore } from '../fixtures/core';
import type { Benchmark } from './harness';

const APPLY_N = 50_000;

const RULE = {
  type: 'rules',
  rules: { fields: { phone: 'client', title: 'server' }, default: 'merge' },
} as const;

async function call(core: TestCore, channel: string, request: unknown): Promise<unknown> {
  const r = await dispatch(core.handlers, channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
}

/**
 * The least any apply must write for these conflicts, as raw SQL in one
 * transaction: each visitor's values, one outbox row, the conflict closed.
 */
function rawApply(dbPath: string): number {
  const db = new Database(dbPath);
  const conflicts = db
    .prepare(
      "SELECT id, local_id, client_data, server_version FROM conflicts WHERE status = 'open'",
    )
    .all() as { id: number; local_id: string; client_data: string; server_version: number }[];
  const setVisitor = db.prepare(
    'UPDATE visitors SET phone = ?, dirty = 1, updated_at = ? WHERE local_id = ?',
  );
  const addOp =
    db.prepare(`INSERT INTO outbox (op_id, action, local_id, data, base_version, op_timestamp, created_at, updated_at)
    VALUES (?, 'update', ?, ?, ?, ?, ?, ?)`);
  const close = db.prepare(
    "UPDATE conflicts SET status = 'resolved', resolved_at = ? WHERE id = ?",
  );
  const t0 = performance.now();
  db.transaction(() => {
    const at = new Date().toISOString();
    for (const c of conflicts) {
      const phone = (JSON.parse(c.client_data) as { phone: string }).phone;
      setVisitor.run(phone, at, c.local_id);
      addOp.run(`raw-${c.id}`, c.local_id, JSON.stringify({ phone }), c.server_version, at, at, at);
      close.run(at, c.id);
    }
  })();
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

export const benchmarks: Benchmark[] = [
  {
    name: `apply one bulk rule to ${APPLY_N.toLocaleString('en-US')} conflicts`,
    async run() {
      const core = makeCore();
      seedConflicts(core, APPLY_N);
      const target = { filter: {} };
      let t0 = performance.now();
      const preview = (await call(core, 'conflicts:preview', { target, decision: RULE })) as {
        resolvable: number;
      };
      const previewMs = performance.now() - t0;
      if (preview.resolvable !== APPLY_N) throw new Error(`preview resolved ${preview.resolvable}`);
      t0 = performance.now();
      const applied = (await call(core, 'conflicts:apply', { target, decision: RULE })) as {
        resolvable: number;
      };
      const applyMs = performance.now() - t0;
      if (applied.resolvable !== APPLY_N) throw new Error(`apply resolved ${applied.resolvable}`);
      t0 = performance.now();
      await call(core, 'conflicts:undo', {});
      const undoMs = performance.now() - t0;
      core.dispose();

      const rawCore = makeCore();
      seedConflicts(rawCore, APPLY_N);
      const rawPath = rawCore.dbPath;
      rawCore.close();
      const baseline = rawApply(rawPath);
      rawCore.dispose();
      const label = 'raw SQL: visitor UPDATE + outbox INSERT + conflict UPDATE per row, one tx';
      return [
        {
          id: 'T6',
          name: 'bulk rule apply (one tx)',
          value: applyMs,
          unit: 'ms',
          baseline,
          baselineLabel: label,
        },
        {
          id: 'T6-preview',
          name: 'bulk rule preview (dry run)',
          value: previewMs,
          unit: 'ms',
          baseline,
          baselineLabel: label,
        },
        {
          id: 'T6-undo',
          name: 'undo of that apply',
          value: undoMs,
          unit: 'ms',
          baseline,
          baselineLabel: label,
        },
      ];
    },
  },
];
