import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import {
  consoleFor,
  drain,
  expectExactlyOnce,
  makeLocalChanges,
  rows,
  server,
  storedVisitors,
  until,
} from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

interface Op {
  seq: number;
  op_id: string;
  status: string;
  attempts: number;
}

const outbox = () => rows<Op>(core, 'SELECT seq, op_id, status, attempts FROM outbox ORDER BY seq');
const attemptsOf = (opId: string) =>
  rows<{ outcome: string }>(
    core,
    'SELECT outcome FROM outbox_attempts WHERE op_id = ? ORDER BY id',
    opId,
  ).map((r) => r.outcome);
const storedNamed = async (prefix: string) =>
  [...(await storedVisitors(srv)).values()].filter((v) => String(v.name).startsWith(prefix)).length;

// The push claims chunk n+1 (in flight, attempt counted, request built) while
// the server still applies chunk n, and sends it the moment n's reply is in.
describe('the next chunk is claimed while the one before is out', () => {
  it('a cancel puts the claimed chunk that never left back as it was; then each change lands once', async () => {
    srv = await server({ seed: 20 });
    core = consoleFor(srv, { chunkSize: 10 });
    await core.sync.sync();
    const scenario = await makeLocalChanges(core, { creates: 30, updates: 0, deletes: 0 }, 'Ahead');
    srv.faults.set(FaultsRequestSchema.parse({ delayResponses: { count: 100, ms: 400 } }));
    const running = core.sync.sync();
    // Chunk 1 on the wire, chunk 2 claimed behind it.
    await until(() => outbox().filter((o) => o.status === 'in_flight').length === 20);
    expect(outbox().every((o) => o.attempts === (o.status === 'in_flight' ? 1 : 0))).toBe(true);
    expect(core.sync.cancel()).toBe(true);
    expect((await running).outcome).toBe('cancelled');

    const ops = outbox();
    expect(ops).toHaveLength(30);
    const [sent, claimed, never] = [ops.slice(0, 10), ops.slice(10, 20), ops.slice(20)];
    // What went out may have arrived: due again with the same opId, its attempt counted.
    for (const o of sent) {
      expect(o).toMatchObject({ status: 'retrying', attempts: 1 });
      expect(attemptsOf(o.op_id)).toEqual(['retry']);
    }
    // What was only claimed never left: as if never claimed, and no attempt on record.
    for (const o of [...claimed, ...never]) {
      expect(o).toMatchObject({ status: 'pending', attempts: 0 });
      expect(attemptsOf(o.op_id)).toEqual([]);
    }
    srv.faults.clear();
    await new Promise((r) => setTimeout(r, 500)); // the cut request is applied meanwhile
    expect(await storedNamed('Ahead')).toBe(10);
    await drain(core);
    await expectExactlyOnce(srv, core, scenario);
  });

  it('a reply that is not clean undoes the claim behind it; the next chunk still goes once', async () => {
    srv = await server({ seed: 20 });
    core = consoleFor(srv, { chunkSize: 10 });
    await core.sync.sync();
    const scenario = await makeLocalChanges(
      core,
      { creates: 30, updates: 0, deletes: 0 },
      'Refused',
    );
    const opIds = outbox().map((o) => o.op_id);
    srv.faults.set(
      FaultsRequestSchema.parse({ failRequests: { count: 1, status: 500, retryAfterSeconds: 0 } }),
    );
    const first = await core.sync.sync();
    expect(first.created).toBe(20);
    // Chunk 1 was refused (nothing applied) and waits its retry; chunks 2 and 3
    // went once each, with one attempt on record, not a claim undone and redone.
    for (const id of opIds.slice(0, 10)) expect(attemptsOf(id)).toEqual(['retry']);
    for (const id of opIds.slice(10)) expect(attemptsOf(id)).toEqual(['success']);
    expect(outbox().map((o) => o.status)).toEqual(Array(10).fill('retrying'));
    await drain(core);
    for (const id of opIds.slice(0, 10)) expect(attemptsOf(id)).toEqual(['retry', 'success']);
    await expectExactlyOnce(srv, core, scenario);
  });
});
