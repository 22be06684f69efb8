import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import {
  cleanUp,
  cli,
  count,
  parseJson,
  query,
  server,
  serverVisitors,
  syncArgs,
  tempDir,
  writeFile,
} from './helpers';

/**
 * retry | discard | export as admins' scripts run them: the CLI in a process
 * of its own, on a database whose failures came from the real reference
 * server (its fault hooks), the result read back from SQLite and the server.
 */

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

const fail = (code: string, message: string, n: number) =>
  srv!.faults.set(
    FaultsRequestSchema.parse({
      failOperations: {
        localIdPrefix: '0',
        count: n,
        phase: 'before',
        error: { code, message, retryable: false },
      },
    }),
  );

interface DryRun {
  action: string;
  dryRun: true;
  matched: number;
  groups: { signature: string; class: string; code: string; message: string; count: number }[];
  operations: { opId: string; localId: string; code: string; status: string }[];
}

/** Four failed creates in two groups: 2 refused as invalid, 2 refused by a server rule. */
async function failedQueue(): Promise<{ dir: string; db: string }> {
  srv = await server({ seed: 2 });
  const dir = tempDir();
  const db = `${dir}/console.sqlite`;
  expect(
    (await cli(['import', writeFile(dir, 'a.csv', 'name\nAnn\nBen\n'), '--db', db])).code,
  ).toBe(0);
  fail('validation', 'data.email: must be a valid email address', 2);
  expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(1);
  expect(
    (await cli(['import', writeFile(dir, 'b.csv', 'name\nCid\nDee\n'), '--db', db])).code,
  ).toBe(0);
  fail('quota_exceeded', 'Visitor quota of 2 reached for this event.', 2);
  expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(1);
  srv.faults.clear();
  expect(count(db, "SELECT count(*) AS n FROM outbox WHERE status = 'failed'")).toBe(4);
  return { dir, db };
}

describe('cli retry | discard | export', () => {
  it('--help for each, on stdout, exit 0, with every flag', async () => {
    const verbs = ['retry', 'discard', 'export'];
    const helps = await Promise.all(verbs.map((verb) => cli([verb, '--help'])));
    verbs.forEach((verb, i) => {
      const r = helps[i]!;
      expect(r.code, verb).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: npm run cli -- ${verb} --db <file>`));
      for (const flag of ['--code', '--signature', '--all', '--dry-run', '--json', 'Exit codes:'])
        expect(r.stdout, `${verb} ${flag}`).toContain(flag);
    });
    expect(helps[2]!.stdout).toContain('--out <file>');
    expect(helps[1]!.stdout).toContain('archive');
  });

  it('refuses to act on everything unless told to', async () => {
    const { db } = await failedQueue();
    for (const verb of ['retry', 'discard', 'export']) {
      const r = await cli([verb, '--db', db]);
      expect(r.code, verb).toBe(2);
      expect(r.stderr).toContain('say which operations: --code, --signature or --all');
    }
    const out = await cli(['retry', '--db', db, '--all', '--out', 'x.csv']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--out is only for export');
    expect(count(db, "SELECT count(*) AS n FROM outbox WHERE status = 'failed'")).toBe(4);
  });

  it('--dry-run lists the groups in the server’s words and changes nothing', async () => {
    const { db } = await failedQueue();
    const r = await cli(['discard', '--db', db, '--all', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const dry = parseJson<DryRun>(r);
    expect(dry).toMatchObject({ action: 'discard', dryRun: true, matched: 4 });
    expect(dry.groups.map((g) => [g.class, g.code, g.message, g.count])).toEqual([
      ['Other', 'quota_exceeded', 'Visitor quota of 2 reached for this event.', 2],
      ['Invalid data', 'validation', 'data.email: must be a valid email address', 2],
    ]);
    expect(dry.operations).toHaveLength(4);
    const text = await cli(['retry', '--db', db, '--code', 'validation', '--dry-run']);
    expect(text.stdout).toMatch(/^Would retry 2 operations \(nothing was changed\)\./);
    expect(count(db, "SELECT count(*) AS n FROM outbox WHERE status = 'failed'")).toBe(4);
    expect(count(db, 'SELECT count(*) AS n FROM outbox_archive')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM audit')).toBe(0);
  });

  it('retry makes a group due now and the next sync sends it', async () => {
    const { db } = await failedQueue();
    const r = await cli(['retry', '--db', db, '--code', 'validation', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toEqual({
      action: 'retry',
      matched: 2,
      count: 2,
      skipped: 0,
      skippedReason: null,
    });
    expect(
      query(db, 'SELECT status, count(*) AS n FROM outbox GROUP BY status ORDER BY status'),
    ).toEqual([
      { status: 'failed', n: 2 },
      { status: 'retrying', n: 2 },
    ]);
    expect(count(db, "SELECT count(*) AS n FROM audit WHERE action = 'retry'")).toBe(2);

    const sync = await cli(syncArgs(srv!, db, '--quiet', '--json'));
    // the run itself went through; the other group waits, still failed, in the queue
    expect(sync.code, sync.stderr).toBe(0);
    expect(parseJson(sync)).toMatchObject({ created: 2, errors: 0, failed: 2 });
    const names = [...(await serverVisitors(srv!)).values()].map((v) => v.name);
    expect(
      names.filter((n) => n === 'Ann' || n === 'Ben' || n === 'Cid' || n === 'Dee'),
    ).toHaveLength(2);
    expect(count(db, 'SELECT count(*) AS n FROM outbox')).toBe(2);
  });

  it('export writes the file whole and only then marks it exported; without --out nothing is marked', async () => {
    const { dir, db } = await failedQueue();
    const dry = parseJson<DryRun>(
      await cli(['export', '--db', db, '--all', '--dry-run', '--json']),
    );
    const quota = dry.groups.find((g) => g.code === 'quota_exceeded')!;

    const toStdout = await cli(['export', '--db', db, '--signature', quota.signature]);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(JSON.parse(toStdout.stdout)).toMatchObject({ count: 2 });
    expect(count(db, 'SELECT count(*) AS n FROM outbox WHERE exported_at IS NOT NULL')).toBe(0);

    const file = `${dir}/quota.csv`;
    const r = await cli([
      'export',
      '--db',
      db,
      '--signature',
      quota.signature,
      '--out',
      file,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toEqual({
      action: 'export',
      matched: 2,
      count: 2,
      marked: 2,
      changed: 0,
      file,
    });
    const csv = readFileSync(file, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^opId,status,class,code,message,/);
    expect(
      csv.filter((l) => l.includes('Visitor quota of 2 reached for this event.')),
    ).toHaveLength(2);
    expect(
      query(
        db,
        "SELECT json_extract(last_error, '$.code') AS code FROM outbox WHERE exported_at IS NOT NULL",
      ),
    ).toEqual([{ code: 'quota_exceeded' }, { code: 'quota_exceeded' }]);
    expect(
      query<{ detail: string }>(db, "SELECT detail FROM audit WHERE action = 'export'").map(
        (a) => JSON.parse(a.detail) as unknown,
      ),
    ).toMatchObject([{ format: 'csv', count: 2, marked: 2, file }]);

    const bad = await cli(['export', '--db', db, '--all', '--out', `${dir}/x.txt`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--out must end in .csv or .json');
    const unwritable = await cli(['export', '--db', db, '--all', '--out', `${dir}/no/such/x.json`]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('Nothing was marked exported');
    expect(existsSync(`${dir}/no`)).toBe(false);
  });

  it('discard archives, never deletes: payload, every attempt’s error, who and when', async () => {
    const { db } = await failedQueue();
    const r = await cli(['discard', '--db', db, '--code', 'quota_exceeded', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toEqual({
      action: 'discard',
      matched: 2,
      count: 2,
      archived: 2,
      skipped: 0,
      skippedReason: null,
    });
    expect(count(db, 'SELECT count(*) AS n FROM outbox')).toBe(2);
    const archived = query<{
      action: string;
      visitor_name: string;
      data: string;
      attempt_log: string;
      archived_by: string;
      archived_at: string;
    }>(
      db,
      'SELECT action, visitor_name, data, attempt_log, archived_by, archived_at FROM outbox_archive ORDER BY seq',
    );
    expect(archived.map((a) => [a.action, a.visitor_name])).toEqual([
      ['create', 'Cid'],
      ['create', 'Dee'],
    ]);
    expect(JSON.parse(archived[0]!.data)).toMatchObject({ name: 'Cid' });
    expect(JSON.parse(archived[0]!.attempt_log)).toMatchObject([
      { outcome: 'failed', httpStatus: 200 },
    ]);
    expect(
      JSON.parse((JSON.parse(archived[0]!.attempt_log) as { error: string }[])[0]!.error),
    ).toEqual({
      code: 'quota_exceeded',
      message: 'Visitor quota of 2 reached for this event.',
      retryable: false,
    });
    expect(archived[0]!.archived_by).not.toBe('');
    expect(Date.parse(archived[0]!.archived_at)).not.toBeNaN();
    // never created on the server: the local records go with their create
    expect(count(db, "SELECT count(*) AS n FROM visitors WHERE name IN ('Cid', 'Dee')")).toBe(0);

    const again = await cli(['discard', '--db', db, '--code', 'quota_exceeded']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('No operation in the queue matches: nothing was done.\n');
  });
});
