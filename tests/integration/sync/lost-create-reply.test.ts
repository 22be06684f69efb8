import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { consoleFor, drain, rows, server, serverVisitors } from './helpers';

/**
 * A create whose reply is lost twice, with a pull in between: the server holds
 * the record, and the change feed brings it down before the console has heard
 * its server id, so for a while the mirror shows it twice (the feed does not
 * say which client's create made a record). Whatever the person does to that
 * second row belongs to the same server record: once the create's replay is
 * acknowledged, the two rows become one and each operation is applied once.
 */
let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

const drop = () => srv.faults.set(FaultsRequestSchema.parse({ dropResponses: { count: 1 } }));

/** Waits until the retrying operations are due again (the backoff is 20 ms here). */
async function untilDue(): Promise<void> {
  const next = core.sync.status().nextRetryAt;
  if (next) await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(next) - Date.now()) + 5));
}

/** The create's row, and the second row the pull made of the same server record. */
async function createWithTwoLostReplies(name: string, chunkSize?: number) {
  srv = await server();
  core = consoleFor(srv, chunkSize ? { chunkSize } : {});
  await core.sync.sync();
  const { localId } = await core.call('visitors:create', { values: { name, title: 'Mine' } });
  const opId = rows<{ op_id: string }>(
    core,
    'SELECT op_id FROM outbox WHERE local_id = ?',
    localId,
  )[0]!.op_id;
  drop();
  await core.sync.sync();
  await untilDue();
  drop();
  await core.sync.sync();
  const serverId = (await srv.store.read((tx) => tx.appliedResult(`op:${opId}`)))!.serverId!;
  const local = rows<{ local_id: string; server_id: string | null }>(
    core,
    'SELECT local_id, server_id FROM visitors WHERE name = ? ORDER BY server_id NULLS FIRST',
    name,
  );
  // The premise: the row of the create, still without its server id, and the pulled copy.
  expect(local).toEqual([
    { local_id: localId, server_id: null },
    { local_id: serverId, server_id: serverId },
  ]);
  return { localId, serverId };
}

async function history(id: string) {
  return srv.store.read(async (tx) => {
    const current = await tx.get(id);
    const out = [];
    for (let v = 1; v <= (current?.version ?? 0); v++) {
      const snap = await tx.snapshot(id, v);
      if (snap) out.push(snap.deleted ? 'deleted' : snap.values.title);
    }
    return out;
  });
}

async function expectMirrorEqualsServer() {
  const held = [...(await serverVisitors(srv)).keys()].sort();
  const mirrored = rows<{ server_id: string | null }>(
    core,
    'SELECT server_id FROM visitors WHERE deleted = 0 ORDER BY server_id',
  ).map((r) => r.server_id);
  expect(mirrored).toEqual(held);
  expect(rows(core, 'SELECT * FROM outbox')).toEqual([]);
  expect(rows(core, 'SELECT * FROM conflicts')).toEqual([]);
}

describe('a create whose reply was lost comes back through the pull first', () => {
  it('deleting the pulled copy deletes the record the create made, once; nothing is left behind', async () => {
    const { localId, serverId } = await createWithTwoLostReplies('Lost Reply Delete');
    await core.call('visitors:delete', { localId: serverId });
    // The create's replay and the delete go in the same push, the create first.
    await untilDue();
    await drain(core);
    // Created once, deleted once: the delete was meant for this very record.
    expect(await history(serverId)).toEqual(['Mine', 'deleted']);
    expect(
      rows(core, 'SELECT local_id FROM visitors WHERE local_id IN (?, ?)', localId, serverId),
    ).toEqual([]);
    await expectMirrorEqualsServer();
  });

  it('an edit of the pulled copy lands on the record the create made; one row stays, with its server id', async () => {
    const { localId, serverId } = await createWithTwoLostReplies('Lost Reply Edit');
    await core.call('visitors:update', { localId: serverId, patch: { title: 'Edited' } });
    await untilDue();
    await drain(core);
    expect(await history(serverId)).toEqual(['Mine', 'Edited']);
    expect(
      rows(
        core,
        'SELECT local_id, server_id, title FROM visitors WHERE name = ?',
        'Lost Reply Edit',
      ),
    ).toEqual([{ local_id: localId, server_id: serverId, title: 'Edited' }]);
    await expectMirrorEqualsServer();
  });

  // Chunks of one operation: the create's replay is chunk 1 and the edit of the
  // pulled copy chunk 2. The pulled copy is adopted when chunk 1 settles, so
  // chunk 2 must leave only after that, carrying the create's row.
  it('an edit of the pulled copy in the next chunk waits for the adoption; applied once, on the create’s row', async () => {
    const { localId, serverId } = await createWithTwoLostReplies('Lost Reply Next Chunk', 1);
    await core.call('visitors:update', { localId: serverId, patch: { title: 'Edited' } });
    await untilDue();
    await drain(core);
    expect(await history(serverId)).toEqual(['Mine', 'Edited']);
    expect(
      rows(
        core,
        "SELECT local_id, server_id, title, dirty, base ->> 'title' AS base_title FROM visitors WHERE name = ?",
        'Lost Reply Next Chunk',
      ),
    ).toEqual([
      { local_id: localId, server_id: serverId, title: 'Edited', dirty: 0, base_title: 'Edited' },
    ]);
    await expectMirrorEqualsServer();
  });

  it('a delete of the pulled copy in the next chunk waits for the adoption; deleted once, nothing left', async () => {
    const { localId, serverId } = await createWithTwoLostReplies('Lost Reply Next Chunk Delete', 1);
    await core.call('visitors:delete', { localId: serverId });
    await untilDue();
    await drain(core);
    expect(await history(serverId)).toEqual(['Mine', 'deleted']);
    expect(
      rows(core, 'SELECT local_id FROM visitors WHERE local_id IN (?, ?)', localId, serverId),
    ).toEqual([]);
    await expectMirrorEqualsServer();
  });
});
