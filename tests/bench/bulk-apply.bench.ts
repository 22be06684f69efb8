import { newOpId } from '../../electron/core/ids';
import Database from 'better-sqlite3';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { VISITOR_COLUMNS } from '../../electron/core/visitors/visitors-repo';
import { VISITOR_FIELDS } from '../../shared/visitor';
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

interface RawRow {
  id: number;
  local_id: string;
  server_id: string;
  client_data: string;
  server_data: string;
  server_version: number;
  name: string;
  company: string | null;
  email: string | null;
  title: string | null;
  phone: string | null;
  interests: string;
  notes: string | null;
  capture_method: string | null;
  captured_at: string | null;
}

/**
 * The same rows the apply writes, as plain SQL in one transaction, written
 * by code that knows the answer in advance (every conflict contests title and
 * phone, the rule takes their title and our phone, nothing else is queued):
 * one read of the open conflicts with their visitors, then per conflict the
 * visitor's changed columns, one outbox INSERT, the conflict closed with its
 * resolution, an undo record holding the row as it was (json_object of every
 * column) and an audit row with the decision, the operation and the values
 * before and after. A batch row opens and closes it. Prepared statements, one
 * run each.
 */
function rawApply(dbPath: string): number {
  const db = new Database(dbPath);
  const read = db.prepare(`
    SELECT c.id, c.local_id, c.server_id, c.client_data, c.server_data, c.server_version,
      v.name, v.company, v.email, v.title, v.phone, v.interests, v.notes, v.capture_method,
      v.captured_at
    FROM conflicts c JOIN visitors v ON v.local_id = c.local_id
    WHERE c.status = 'open' ORDER BY c.id`);
  const addBatch = db.prepare(
    "INSERT INTO resolve_batches (at, actor, description, count) VALUES (?, 'raw', 'raw', 0)",
  );
  const countBatch = db.prepare('UPDATE resolve_batches SET count = ? WHERE id = ?');
  const addUndo = db.prepare(`
    INSERT INTO resolve_undo (batch_id, conflict_id, local_id, visitor_before, ops_removed, op_added, removed)
    VALUES (@batch, @id, @local_id,
      (SELECT json_object(${VISITOR_COLUMNS.map((c) => `'${c}', ${c}`).join(', ')})
        FROM visitors WHERE local_id = @local_id),
      '[]', @op_id, 0)`);
  const setVisitor = db.prepare(
    'UPDATE visitors SET title = ?, server_version = ?, dirty = 1, updated_at = ? WHERE local_id = ?',
  );
  const addOp = db.prepare(`
    INSERT INTO outbox (op_id, action, local_id, server_id, data, base_version, op_timestamp, created_at, updated_at)
    VALUES (?, 'update', ?, ?, ?, ?, ?, ?, ?)`);
  const close = db.prepare(`
    UPDATE conflicts SET status = 'resolved', resolution = ?, batch_id = ?, resolved_at = ?,
      draft = NULL WHERE id = ?`);
  const addAudit = db.prepare(`
    INSERT INTO audit (at, actor, action, local_id, server_id, conflict_id, op_id, batch_id, detail, before, after)
    VALUES (?, 'raw', 'resolve', ?, ?, ?, ?, ?, ?, ?, ?)`);
  const picks = Object.fromEntries(
    VISITOR_FIELDS.map((f) => [
      f,
      { kind: f === 'title' ? 'server' : f === 'phone' ? 'client' : 'merged' },
    ]),
  );
  const resolution = { strategy: 'manual', picks };
  const resolutionText = JSON.stringify(resolution);
  const t0 = performance.now();
  db.transaction(() => {
    const at = new Date().toISOString();
    const batch = Number(addBatch.run(at).lastInsertRowid);
    const rows = read.all() as RawRow[];
    for (const r of rows) {
      const phone = (JSON.parse(r.client_data) as { phone: string }).phone;
      const title = (JSON.parse(r.server_data) as { title: string }).title;
      const before = {
        name: r.name,
        company: r.company,
        email: r.email,
        title: r.title,
        phone: r.phone,
        interests: JSON.parse(r.interests) as string[],
        notes: r.notes,
        captureMethod: r.capture_method,
        capturedAt: r.captured_at,
      };
      const after = { ...before, title, phone };
      const data = { phone };
      const operation = {
        action: 'update',
        serverId: r.server_id,
        baseVersion: r.server_version,
        data,
      };
      // The apply's own id scheme (time-ordered): the same rows, the same index order.
      const opId = newOpId();
      addUndo.run({ batch, id: r.id, local_id: r.local_id, op_id: opId });
      setVisitor.run(title, r.server_version, at, r.local_id);
      addOp.run(opId, r.local_id, r.server_id, JSON.stringify(data), r.server_version, at, at, at);
      close.run(resolutionText, batch, at, r.id);
      addAudit.run(
        at,
        r.local_id,
        r.server_id,
        r.id,
        opId,
        batch,
        JSON.stringify({ resolution, operation, supersededOps: 0 }),
        JSON.stringify(before),
        JSON.stringify(after),
      );
    }
    countBatch.run(rows.length, batch);
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
      const label =
        'raw SQL, one tx: the same rows (visitor, outbox, conflict, undo record, audit row) per conflict';
      const ofApply = 'the apply above, same run';
      return [
        {
          id: 'T6',
          name: 'bulk rule apply (one tx)',
          value: applyMs,
          unit: 'ms',
          baseline,
          baselineLabel: label,
          target: { atMost: 1.5 },
        },
        {
          id: 'T6-preview',
          name: 'its preview (the same decisions, no writes)',
          value: previewMs,
          unit: 'ms',
          baseline: applyMs,
          baselineLabel: ofApply,
          target: { atMost: 0.5 },
        },
        {
          id: 'T6-undo',
          name: 'undo of that apply (set-based)',
          value: undoMs,
          unit: 'ms',
          baseline: applyMs,
          baselineLabel: ofApply,
          target: { atMost: 1 },
        },
      ];
    },
  },
];
