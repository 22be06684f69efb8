import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import { makeCore, type TestCore } from '../../fixtures/core';
import { adminPost, FAST, drain, rows, server, storedVisitors, STAFF } from './helpers';

/**
 * Random interleavings of local edits, other devices' edits, faults, restarts
 * and syncs. Invariant, once the queue is drained: every local change ended
 * synced, in conflict, queued, or failed with a reason — none vanished, none
 * was applied twice.
 */
type Cmd =
  | { t: 'create' }
  | { t: 'update'; pick: number }
  | { t: 'delete'; pick: number }
  | { t: 'serverEdit'; pick: number }
  | { t: 'serverDelete'; pick: number }
  | { t: 'fault'; kind: 'drop' | '503' | 'opfail' | 'slow' }
  | { t: 'sync' }
  | { t: 'restart' };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Cmd>({ t: 'create' }) },
  { weight: 4, arbitrary: fc.nat(50).map<Cmd>((pick) => ({ t: 'update', pick })) },
  { weight: 1, arbitrary: fc.nat(50).map<Cmd>((pick) => ({ t: 'delete', pick })) },
  { weight: 2, arbitrary: fc.nat(50).map<Cmd>((pick) => ({ t: 'serverEdit', pick })) },
  { weight: 1, arbitrary: fc.nat(50).map<Cmd>((pick) => ({ t: 'serverDelete', pick })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('drop', '503', 'opfail', 'slow')
      .map<Cmd>((kind) => ({ t: 'fault', kind })),
  },
  { weight: 3, arbitrary: fc.constant<Cmd>({ t: 'sync' }) },
  { weight: 1, arbitrary: fc.constant<Cmd>({ t: 'restart' }) },
);

interface LocalIntent {
  /** The last title this console gave the record, or 'deleted'. */
  last: string;
  serverId: string | null;
  /** For a record created here: the create's opId, which the server's ledger maps to the record it made. */
  createOpId?: string;
}

async function play(cmds: Cmd[]): Promise<void> {
  const srv: RunningServer = await server({ seed: 8 });
  const settings = { ...FAST, chunkSize: 3, requestTimeoutMs: 300 };
  let core: TestCore = makeCore({ settings: () => settings });
  const dbPath = core.dbPath;
  const reopen = () => {
    core.close();
    core = makeCore({ dbPath, settings: () => settings });
    core.sync.configure({ serverUrl: srv.url, token: STAFF });
  };
  core.sync.configure({ serverUrl: srv.url, token: STAFF });
  const created = new Map<string, string>(); // localId → name
  const intents = new Map<string, LocalIntent>(); // localId → what we last did
  let n = 0;
  try {
    await core.sync.sync();
    for (const c of cmds) {
      n++;
      const visible = rows<{ local_id: string; server_id: string | null }>(
        core,
        'SELECT local_id, server_id FROM visitors WHERE deleted = 0 ORDER BY local_id',
      );
      const serverIds = [...(await storedVisitors(srv)).keys()].sort();
      switch (c.t) {
        case 'create': {
          const name = `Prop ${n}`;
          const row = await core.call('visitors:create', { values: { name, title: `L${n}` } });
          created.set(row.localId, name);
          const op = rows<{ op_id: string }>(
            core,
            "SELECT op_id FROM outbox WHERE local_id = ? AND action = 'create'",
            row.localId,
          )[0];
          intents.set(row.localId, { last: `L${n}`, serverId: null, createOpId: op?.op_id });
          break;
        }
        case 'update': {
          const v = visible[c.pick % Math.max(1, visible.length)];
          if (!v) break;
          await core.call('visitors:update', { localId: v.local_id, patch: { title: `L${n}` } });
          intents.set(v.local_id, {
            ...intents.get(v.local_id),
            last: `L${n}`,
            serverId: v.server_id,
          });
          break;
        }
        case 'delete': {
          const v = visible[c.pick % Math.max(1, visible.length)];
          if (!v) break;
          await core.call('visitors:delete', { localId: v.local_id });
          intents.set(v.local_id, {
            ...intents.get(v.local_id),
            last: 'deleted',
            serverId: v.server_id,
          });
          break;
        }
        case 'serverEdit':
        case 'serverDelete': {
          const id = serverIds[c.pick % Math.max(1, serverIds.length)];
          if (!id) break;
          const entry =
            c.t === 'serverEdit' ? { id, data: { title: `S${n}` } } : { id, delete: true };
          await adminPost(srv, '/api/admin/visitors', { visitors: [entry] });
          break;
        }
        case 'fault': {
          const f =
            c.kind === 'drop'
              ? { dropResponses: { count: 1 } }
              : c.kind === '503'
                ? { failRequests: { count: 1, status: 503, retryAfterSeconds: 0, route: 'any' } }
                : c.kind === 'slow'
                  ? { delayResponses: { count: 1, ms: 400 } }
                  : { failOperations: { localIdPrefix: '0', count: 2 } };
          srv.faults.set(FaultsRequestSchema.parse(f));
          break;
        }
        case 'sync':
          await core.sync.sync().catch(() => undefined);
          break;
        case 'restart':
          // Whatever was in flight when the process died is marked so, as a kill would leave it.
          core.db.exec("UPDATE outbox SET status = 'in_flight' WHERE status = 'retrying'");
          reopen();
          break;
      }
      // Remember server ids as they become known: the local row may go later (deleted elsewhere).
      for (const [localId, intent] of intents) {
        intent.serverId ??=
          rows<{ server_id: string | null }>(
            core,
            'SELECT server_id FROM visitors WHERE local_id = ?',
            localId,
          )[0]?.server_id ?? null;
      }
    }
    srv.faults.clear();
    await new Promise((r) => setTimeout(r, 450)); // let a slow reply finish on the server
    await drain(core, 20);
    for (const [localId, intent] of intents) {
      intent.serverId ??=
        rows<{ server_id: string | null }>(
          core,
          'SELECT server_id FROM visitors WHERE local_id = ?',
          localId,
        )[0]?.server_id ?? null;
    }
    await check(srv, core, created, intents);
  } finally {
    core.dispose();
    await srv.stop();
  }
}

/** Every version the server ever held of a record, oldest first (the store keeps the history). */
async function historyOf(
  srv: RunningServer,
  id: string,
): Promise<{ title: string | null; deleted: boolean }[]> {
  return srv.store.read(async (tx) => {
    const current = await tx.get(id);
    if (!current) return [];
    const out = [];
    for (let v = 1; v <= current.version; v++) {
      const snap = await tx.snapshot(id, v);
      if (snap) out.push({ title: snap.values.title, deleted: snap.deleted });
    }
    return out;
  });
}

async function check(
  srv: RunningServer,
  core: TestCore,
  created: Map<string, string>,
  intents: Map<string, LocalIntent>,
) {
  const onServer = await storedVisitors(srv);
  const outbox = rows<{
    local_id: string;
    status: string;
    data: string | null;
    last_error: string | null;
  }>(core, 'SELECT * FROM outbox');
  const conflicts = rows<{ local_id: string; client_data: string; status: string }>(
    core,
    'SELECT * FROM conflicts',
  );
  // Nothing is left half-way: every remaining operation failed with a reason.
  for (const op of outbox) {
    expect(op.status, `operation of ${op.local_id}`).toBe('failed');
    expect(JSON.parse(op.last_error!)).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
    });
  }
  // None applied twice: a name created here exists at most once on the server.
  const names = new Map<string, number>();
  for (const v of onServer.values())
    names.set(v.name as string, (names.get(v.name as string) ?? 0) + 1);
  for (const name of created.values())
    expect(names.get(name) ?? 0, `"${name}" on the server`).toBeLessThanOrEqual(1);
  // None vanished: each record's last local change reached the server (it may have been
  // changed by another device since), is in a conflict, or failed with a reason.
  for (const [localId, intent] of intents) {
    const local = rows<{ server_id: string | null }>(
      core,
      'SELECT server_id FROM visitors WHERE local_id = ?',
      localId,
    )[0];
    // A create's row can get its server id and go in one run, without the loop above seeing
    // it: when its lost reply let the pull bring the record down as a second row and that
    // row was deleted, the delete moves onto the create's row once the create is
    // acknowledged. The server's ledger says which record the create made.
    const made =
      intent.createOpId === undefined
        ? null
        : await srv.store.read((tx) => tx.appliedResult(`op:${intent.createOpId}`));
    const serverId = local?.server_id ?? intent.serverId ?? made?.serverId ?? null;
    const history = serverId ? await historyOf(srv, serverId) : [];
    const inConflict = conflicts.some((c) => c.local_id === localId);
    const failed = outbox.some((o) => o.local_id === localId);
    const neverCreated = serverId === null && created.has(localId);
    const reached =
      intent.last === 'deleted'
        ? neverCreated || history.length === 0 || history.some((h) => h.deleted)
        : history.some((h) => h.title === intent.last);
    const what = `local change "${intent.last}" of ${localId} (server ${serverId}, history ${JSON.stringify(history.map((h) => (h.deleted ? 'deleted' : h.title)))})`;
    expect(
      reached || inConflict || failed,
      `${what}: reached ${reached}, conflict ${inConflict}, failed ${failed}`,
    ).toBe(true);
    // Applied twice would show as the value leaving and coming back: a stale replay over a newer edit.
    if (intent.last !== 'deleted') {
      const runs = history
        .map((h) => h.title === intent.last)
        .filter((hit, i, all) => hit && !all[i - 1]).length;
      expect(runs, `${what}: applied more than once`).toBeLessThanOrEqual(1);
    }
  }
}

/**
 * A fixed number of histories, never "as many as fit in a time limit": a
 * slow machine checks as much as a fast one. `npm test` runs 25;
 * INTERLEAVING_RUNS raises it (the fault-matrix run uses 1 000), and
 * INTERLEAVING_SEED replays one seed fast-check printed.
 */
const RUNS = Number(process.env.INTERLEAVING_RUNS ?? 25);
/**
 * Chosen here as fast-check would, rather than left to it, so the title (and
 * the fault matrix's summary) says which histories a passing run checked.
 */
const SEED =
  process.env.INTERLEAVING_SEED === undefined
    ? Date.now() ^ (Math.random() * 0x100000000)
    : Number(process.env.INTERLEAVING_SEED);

/** Histories fast-check once found failing, replayed on every run. */
const FOUND: Cmd[][] = [
  // A create's reply lost twice with a pull between: the pulled copy is deleted, then the create acknowledged.
  [
    { t: 'create' },
    { t: 'serverDelete', pick: 0 },
    { t: 'create' },
    { t: 'fault', kind: 'drop' },
    { t: 'serverDelete', pick: 0 },
    { t: 'sync' },
    { t: 'fault', kind: 'drop' },
    { t: 'sync' },
    { t: 'fault', kind: 'drop' },
    { t: 'delete', pick: 44 },
    { t: 'delete', pick: 30 },
    { t: 'create' },
    { t: 'sync' },
  ],
];

describe('random interleavings of edits, server edits, faults and restarts', () => {
  FOUND.forEach((history, i) => {
    it(`lose nothing and apply nothing twice (found history ${i + 1})`, () => play(history));
  });

  it(
    `lose nothing and apply nothing twice (${RUNS} histories, seed ${SEED})`,
    async () => {
      await fc.assert(fc.asyncProperty(fc.array(cmd, { minLength: 5, maxLength: 30 }), play), {
        numRuns: RUNS,
        seed: SEED,
      });
    },
    Math.max(300_000, RUNS * 12_000),
  );
});
