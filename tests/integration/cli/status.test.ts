import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import { OutboxRowSchema, SyncSummarySchema } from '../../../shared/ipc/contract';
import {
  adminPost,
  cleanUp,
  cli,
  parseJson,
  query,
  server,
  syncArgs,
  tempDir,
  writeFile,
} from './helpers';

interface Status {
  visitors: number;
  pending: number;
  inFlight: number;
  retrying: number;
  failed: number;
  conflicts: number;
  lastSyncAt: string | null;
  nextRetryAt: string | null;
  lastRun: { outcome: string | null } | null;
}

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

async function status(db: string): Promise<Status> {
  const r = await cli(['status', '--db', db, '--json']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  return parseJson<Status>(r);
}

function expectStatusShape(s: Status) {
  for (const k of ['visitors', 'pending', 'inFlight', 'retrying', 'failed', 'conflicts'] as const)
    expect(typeof s[k], k).toBe('number');
  expect(s.lastSyncAt === null || typeof s.lastSyncAt === 'string').toBe(true);
}

describe('cli status, conflicts, failed', () => {
  it('status: counts before and after a sync, as JSON and as a table', async () => {
    srv = await server({ seed: 12 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const file = writeFile(dir, 'v.csv', 'name,email\nAnn,ann@x.org\nBen,ben@x.org\n');
    expect((await cli(['import', file, '--db', db])).code).toBe(0);

    const before = await status(db);
    expectStatusShape(before);
    expect(before).toMatchObject({
      visitors: 2,
      pending: 2,
      inFlight: 0,
      retrying: 0,
      failed: 0,
      conflicts: 0,
      lastSyncAt: null,
      nextRetryAt: null,
      lastRun: null,
    });

    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
    const after = await status(db);
    expectStatusShape(after);
    expect(after).toMatchObject({ visitors: 14, pending: 0, retrying: 0, failed: 0, conflicts: 0 });
    expect(Date.parse(after.lastSyncAt!)).not.toBeNaN();
    expect(after.lastRun).toMatchObject({ outcome: 'success' });

    const table = await cli(['status', '--db', db]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Visitors\s+14$/m);
    expect(table.stdout).toMatch(/^Pending\s+0$/m);
    expect(table.stdout).toMatch(/^Last sync\s+\d{4}-\d\d-\d\dT/m);
  });

  it('status, conflicts and failed refuse a database that does not exist (exit 2, nothing created)', async () => {
    const dir = tempDir();
    for (const command of ['status', 'conflicts', 'failed']) {
      const r = await cli([command, '--db', `${dir}/missing.sqlite`, '--json']);
      expect(r.code, command).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: no database at .*missing\.sqlite/);
    }
    expect(existsSync(`${dir}/missing.sqlite`)).toBe(false);
    const missing = await cli(['status', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: --db is required\n\nusage: npm run cli -- status/);
  });

  it('sync exits 1 with conflicts; conflicts --json lists them as ConflictsRepo rows', async () => {
    srv = await server({ seed: 10 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
    const [a, b, c] = query<{ server_id: string; name: string }>(
      db,
      'SELECT server_id, name FROM visitors ORDER BY server_id LIMIT 3',
    );

    // Here: a and b get a new title, c a new phone. There: a and b get another title.
    const edits = writeFile(
      dir,
      'edits.csv',
      `id,title\n${a!.server_id},Mine A\n${b!.server_id},Mine B\n`,
    );
    expect((await cli(['import', edits, '--db', db])).code).toBe(0);
    const phone = writeFile(dir, 'phone.jsonl', JSON.stringify({ id: c!.server_id, phone: '123' }));
    expect((await cli(['import', phone, '--db', db])).code).toBe(0);
    await adminPost(srv, '/api/admin/visitors', {
      visitors: [
        { id: a!.server_id, data: { title: 'Theirs A' } },
        { id: b!.server_id, data: { title: 'Theirs B' } },
      ],
    });

    const r = await cli(syncArgs(srv, db, '--json'));
    expect(r.code).toBe(1);
    const summary = SyncSummarySchema.parse(parseJson(r));
    expect(summary).toMatchObject({
      outcome: 'partial',
      updated: 1,
      conflicts: 2,
      openConflicts: 2,
      pending: 0,
      retrying: 0,
      failed: 0,
    });

    const list = await cli(['conflicts', '--db', db, '--json']);
    expect(list.code).toBe(0);
    const conflicts = parseJson<Record<string, unknown>[]>(list);
    expect(conflicts).toHaveLength(2);
    for (const conflict of conflicts)
      expect(Object.keys(conflict).sort()).toEqual(
        [
          'id',
          'localId',
          'serverId',
          'opId',
          'action',
          'kind',
          'conflictFields',
          'clientData',
          'serverData',
          'baseData',
          'baseVersion',
          'serverVersion',
          'status',
          'createdAt',
          // what the workspace keeps on the row (schema v4): sort keys, the chosen decision, its batch
          'name',
          'company',
          'draft',
          'batchId',
          // reconciliation memory (schema v9): the rule behind a draft, the stale-capture gap
          'draftRule',
          'captureGapMs',
        ].sort(),
      );
    expect(
      conflicts.map((x) => [x.serverId, x.kind, x.conflictFields, x.clientData, x.serverData]),
    ).toEqual([
      [a!.server_id, 'field', ['title'], { title: 'Mine A' }, { title: 'Theirs A' }],
      [b!.server_id, 'field', ['title'], { title: 'Mine B' }, { title: 'Theirs B' }],
    ]);
    expect(conflicts[0]).toMatchObject({ action: 'update', status: 'open', baseVersion: 1 });

    expect(await status(db)).toMatchObject({ conflicts: 2, pending: 0, failed: 0 });

    const table = await cli(['conflicts', '--db', db]);
    expect(table.stdout).toMatch(/^2 open conflicts:/);
    expect(table.stdout).toContain(a!.server_id);

    // The human summary says where to look.
    const again = await cli(syncArgs(srv, db));
    expect(again.code).toBe(0); // nothing new: success, the old conflicts stay open
    expect(again.stdout).toContain('2 open conflicts');
    expect(again.stdout).toContain('npm run cli -- conflicts --db');
  });

  it('sync exits 1 with failed operations; failed --json lists them with their last error', async () => {
    srv = await server({ seed: 3 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const file = writeFile(dir, 'v.csv', 'name\nAnn\nBen\nCid\n');
    expect((await cli(['import', file, '--db', db])).code).toBe(0);
    srv.faults.set(
      FaultsRequestSchema.parse({
        failOperations: {
          localIdPrefix: '0',
          count: 1,
          phase: 'before',
          error: { code: 'refused_by_test', message: 'This record is refused.', retryable: false },
        },
      }),
    );
    const r = await cli(syncArgs(srv, db, '--json', '--quiet'));
    expect(r.code).toBe(1);
    expect(parseJson(r)).toMatchObject({
      outcome: 'partial',
      created: 2,
      errors: 1,
      failed: 1,
      retrying: 0,
    });

    const list = await cli(['failed', '--db', db, '--json']);
    expect(list.code).toBe(0);
    const failed = parseJson<unknown[]>(list).map((row) => OutboxRowSchema.parse(row));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      action: 'create',
      status: 'failed',
      attempts: 1,
      lastError: { code: 'refused_by_test', message: 'This record is refused.', retryable: false },
    });
    expect((await status(db)).failed).toBe(1);

    const table = await cli(['failed', '--db', db]);
    expect(table.stdout).toMatch(/^1 failed operation:/);
    expect(table.stdout).toContain('This record is refused. [refused_by_test]');

    const none = await cli(['conflicts', '--db', db]);
    expect(none.stdout).toBe('No open conflicts.\n');
  });
});
