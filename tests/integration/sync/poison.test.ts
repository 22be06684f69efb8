import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { consoleFor, drain, makeLocalChanges, rows, server, serverVisitors } from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

const CHANGES = { creates: 60, updates: 30, deletes: 10 }; // 100 operations, chunks of 25

describe('poison isolation: one operation that gets its whole chunk refused fails alone', () => {
  it.each([
    [500, 'a 500 it provokes: retried, split, then only it backs off and fails'],
    [400, 'a 400 it provokes: split at once, only it fails'],
  ] as const)('%i — %s', async (status, _why) => {
    srv = await server({ seed: 80 });
    core = consoleFor(srv, { chunkSize: 25 });
    expect((await core.sync.sync()).pulled).toBe(80);
    const scenario = await makeLocalChanges(core, CHANGES, `Poison${status}`);
    const poison = scenario.created[17]!;
    srv.faults.set(
      FaultsRequestSchema.parse({ refuseChunks: { localIdPrefix: poison.localId, status } }),
    );
    const opIdsBefore = rows<{ op_id: string }>(core, 'SELECT op_id FROM outbox ORDER BY seq');
    expect(opIdsBefore).toHaveLength(100);

    const last = await drain(core, 20);
    expect(last).toMatchObject({ pending: 0, retrying: 0, failed: 1 });
    const left = rows<{ local_id: string; status: string; code: string }>(
      core,
      "SELECT local_id, status, json_extract(last_error, '$.code') AS code FROM outbox",
    );
    expect(left).toEqual([
      {
        local_id: poison.localId,
        status: 'failed',
        code: status === 500 ? 'max_attempts' : 'rejected',
      },
    ]);
    // Its neighbours went through exactly once, with the opIds they were given.
    const onServer = await serverVisitors(srv);
    expect(onServer.size).toBe(scenario.expectedTotal - 1);
    const names = [...onServer.values()].map((v) => v.name as string);
    for (const c of scenario.created)
      expect(names.filter((n) => n === c.name).length, c.name).toBe(c === poison ? 0 : 1);
    for (const u of scenario.updated) expect(onServer.get(u.serverId)?.title).toBe(u.title);
    for (const d of scenario.deleted) expect(onServer.has(d)).toBe(false);
    const successes = rows<{ op_id: string }>(
      core,
      "SELECT DISTINCT op_id FROM outbox_attempts WHERE outcome = 'success'",
    );
    const given = new Set(opIdsBefore.map((r) => r.op_id));
    expect(successes).toHaveLength(99);
    expect(successes.every((r) => given.has(r.op_id))).toBe(true);
  });
});
