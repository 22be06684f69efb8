import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import type { JobProgress } from '../../../shared/ipc/jobs-contract';
import type { TestCore } from '../../fixtures/core';
import { consoleFor, server } from './helpers';

let srv: RunningServer;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
});

describe('check and repair of the mirror from the window (sync:checkMirror, sync:repairMirror)', () => {
  it('runs as jobs with progress, finds the damage, repairs it and checks clean', async () => {
    srv = await server({ seed: 1_500 });
    core = consoleFor(srv);
    expect((await core.sync.sync()).pulled).toBe(1_500);
    expect(await core.call('sync:checkMirror', {})).toMatchObject({
      equal: true,
      serverRecords: 1_500,
    });

    core.db.exec(`
      DELETE FROM visitors WHERE local_id IN (SELECT local_id FROM visitors ORDER BY server_id LIMIT 4 OFFSET 10);
      UPDATE visitors SET email = 'tampered@example.org' WHERE local_id IN (SELECT local_id FROM visitors ORDER BY server_id LIMIT 2 OFFSET 900);`);
    const found = await core.call('sync:checkMirror', {});
    expect(found.equal).toBe(false);
    expect(found.differences.map((d) => d.kind).sort()).toEqual([
      'different_values',
      'different_values',
      'missing_here',
      'missing_here',
      'missing_here',
      'missing_here',
    ]);

    const fixed = await core.call('sync:repairMirror', {});
    expect(fixed).toMatchObject({ repaired: 6, after: { equal: true, differences: [] } });
    expect(await core.call('sync:checkMirror', {})).toMatchObject({ equal: true });

    const jobs = core.events
      .filter((e) => e.event === 'jobs:progress')
      .map((e) => e.payload as JobProgress);
    expect(jobs.filter((j) => j.state === 'done').map((j) => j.kind)).toEqual([
      'mirror_check',
      'mirror_check',
      'mirror_repair',
      'mirror_check',
    ]);
  });

  it('says in words when no server is set up', async () => {
    srv = await server();
    core = consoleFor(srv);
    core.sync.configure(null);
    const r = await core.raw('sync:checkMirror', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'not_configured' });
  });
});
