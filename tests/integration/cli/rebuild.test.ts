import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import { migrate } from '../../../electron/core/db/migrations';
import { SALVAGE_SCHEMAS } from '../../../electron/core/rebuild/salvage-rows';
import type { RebuildSummary } from '../../../shared/rebuild';
import { makeCore } from '../../fixtures/core';
import {
  checkpoint,
  mirrorObjects,
  overwrite,
  overwriteHeader,
  pageSize,
  pagesOf,
} from '../../fixtures/damage';
import { rng } from '../../fixtures/visitors';
import { FAST, adminPost, consoleFor, storedVisitors } from '../sync/helpers';
import {
  cleanUp,
  cli,
  parseJson,
  query,
  server,
  syncArgs,
  tempDir,
  type CliResult,
} from './helpers';

/**
 * A console database damaged under SQLite's feet (bytes of its pages
 * overwritten), as a disk or a crash does it: `sync` refuses it in words,
 * `rebuild` keeps the damaged file, salvages the local work that could be
 * read, mirrors the server afresh and puts the work back with the same
 * opIds; the next `sync` applies each operation exactly once and `verify`
 * finds the mirror equal to the server.
 */

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

interface Op {
  seq: number;
  op_id: string;
  action: string;
  local_id: string;
  server_id: string | null;
  data: string | null;
  base_version: number | null;
  status: string;
  attempts: number;
}

const OPS =
  'SELECT seq, op_id, action, local_id, server_id, data, base_version, status, attempts FROM outbox ORDER BY seq';

const remote = (db: string, cmd: string, ...more: string[]) => [
  cmd,
  '--db',
  db,
  '--server',
  srv!.url,
  '--token',
  'staff-token',
  ...more,
];

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Refused in words, with a code that says so, never a stack trace. */
function refusedInWords(r: CliResult): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: The database file .* is damaged/m);
  expect(r.stderr).toContain('npm run cli -- rebuild');
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/**
 * A console with every kind of local work: 2 open conflicts, 11 operations
 * the server applied but whose answer was lost (retrying), 1 failed, 31 never
 * sent (creates, updates, a delete) and a saved rule.
 */
async function consoleWithWork(): Promise<{ db: string; ops: Op[]; conflicts: number }> {
  srv = await server({ seed: 300 });
  const db = join(tempDir(), 'console.sqlite');
  expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
  const ids = query<{ local_id: string }>(
    db,
    'SELECT local_id FROM visitors ORDER BY server_id LIMIT 40',
  ).map((r) => r.local_id);

  // Another device changes two records; this console changes them too: two conflicts.
  const other = consoleFor(srv);
  await other.sync.sync();
  for (const id of ids.slice(0, 2))
    await other.call('visitors:update', { localId: id, patch: { title: 'Theirs' } });
  await other.sync.sync();
  other.dispose();

  const core = makeCore({ dbPath: db, settings: () => FAST });
  core.sync.configure({ serverUrl: srv.url, token: 'staff-token' });
  try {
    for (const id of ids.slice(0, 2))
      await core.call('visitors:update', { localId: id, patch: { title: 'Ours' } });
    expect((await core.sync.sync()).conflicts).toBe(2);

    // Refused for good by the server: failed, kept for an admin.
    await core.call('visitors:update', { localId: ids[12]!, patch: { phone: '+1 555 0100' } });
    await adminPost(srv, '/api/admin/faults', {
      failOperations: {
        localIdPrefix: ids[12]!,
        error: { code: 'validation', message: 'refused here', retryable: false },
      },
    });
    expect((await core.sync.sync()).errors).toBe(1);
    await fetch(`${srv.url}/api/admin/faults`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer admin-token' },
    });

    // Applied and committed by the server, the answer lost: retrying, already on the server.
    for (const id of ids.slice(2, 12))
      await core.call('visitors:update', { localId: id, patch: { title: `Sent ${id}` } });
    await core.call('visitors:create', { values: { name: 'Answer Lost', company: 'Rebuild Co' } });
    await adminPost(srv, '/api/admin/faults', { dropResponses: { count: 1 } });
    expect((await core.sync.sync()).retried).toBe(11);

    // Never sent.
    for (const id of ids.slice(13, 33))
      await core.call('visitors:update', { localId: id, patch: { notes: `typed ${id}` } });
    for (let i = 0; i < 10; i++)
      await core.call('visitors:create', {
        values: { name: `Rebuilt Visitor ${i}`, email: `rebuilt.${i}@example.org` },
      });
    await core.call('visitors:delete', { localId: ids[33]! });
    await core.call('rules:save', {
      name: 'Theirs on titles',
      match: { fields: ['title'] },
      decision: { type: 'resolution', resolution: { strategy: 'server_wins' } },
    });
  } finally {
    core.close();
  }
  const ops = query<Op>(db, OPS);
  expect(ops.map((o) => o.status).sort()).toEqual([
    'failed',
    ...Array<string>(31).fill('pending'),
    ...Array<string>(11).fill('retrying'),
  ]);
  return { db, ops, conflicts: 2 };
}

/** Every kept operation, exactly once on the server after the next sync. */
async function appliedOnce(ops: readonly Op[]): Promise<void> {
  const stored = await storedVisitors(srv!);
  const byName = new Map<string, number>();
  for (const v of stored.values())
    byName.set(v.name as string, (byName.get(v.name as string) ?? 0) + 1);
  for (const op of ops) {
    const data = op.data ? (JSON.parse(op.data) as Record<string, unknown>) : {};
    if (op.action === 'create') expect(byName.get(data.name as string), op.op_id).toBe(1);
    else if (op.action === 'delete') expect(stored.has(op.server_id!)).toBe(false);
    else {
      const v = stored.get(op.server_id!)!;
      for (const [k, value] of Object.entries(data))
        expect(v[k], `${op.op_id} ${k}`).toEqual(value);
      // One version past the one it was made on: applied once, not twice.
      expect(v.version).toBe(op.base_version! + 1);
    }
  }
}

/** `rebuild --json`, then `sync` to the end, then `verify`: the life after a rebuild. */
async function rebuildAndSync(db: string, exit: number): Promise<RebuildSummary> {
  const before = sha(db);
  const r = await cli(remote(db, 'rebuild', '--json', '--quiet'));
  expect(r.code, r.stderr).toBe(exit);
  const summary = parseJson<RebuildSummary>(r);
  // Kept, byte for byte, under a name that says what it is; nothing was deleted.
  expect(summary.keptAs).toMatch(/console\.sqlite\.damaged-\d{8}T\d{6}Z$/);
  expect(sha(summary.keptAs)).toBe(before);
  expect(existsSync(db)).toBe(true);
  expect(summary.visitors).toBeGreaterThanOrEqual(300);
  return summary;
}

async function syncToTheEnd(db: string): Promise<void> {
  const first = await cli(syncArgs(srv!, db, '--quiet', '--json'));
  expect([0, 1], first.stderr).toContain(first.code);
  // The failed operation stays failed until an admin retries it, as before the damage.
  expect(parseJson<{ failed: number }>(first).failed).toBe(1);
  expect((await cli(['retry', '--db', db, '--all'])).code).toBe(0);
  const second = await cli(syncArgs(srv!, db, '--quiet', '--json'));
  expect(parseJson<{ failed: number; pending: number }>(second)).toMatchObject({
    failed: 0,
    pending: 0,
  });
  const verify = await cli(remote(db, 'verify', '--json'));
  expect(verify.code, verify.stdout).toBe(0);
}

describe('cli rebuild of a damaged database', () => {
  it('pages of the visitors table and its indexes overwritten: refused, rebuilt, every operation once', async () => {
    const { db, ops, conflicts } = await consoleWithWork();
    checkpoint(db);
    const size = pageSize(db);
    const pages = pagesOf(db, mirrorObjects(db));
    const random = rng(15);
    const table = pages.filter((p) => p.name === 'visitors' && p.pagetype === 'leaf');
    const indexes = pages.filter((p) => p.name !== 'visitors');
    for (const p of [table[2]!, table[9]!, table.at(-1)!, indexes[1]!, indexes.at(-3)!])
      overwrite(db, p.pageno, random, { size });

    refusedInWords(await cli(syncArgs(srv!, db, '--quiet')));

    const summary = await rebuildAndSync(db, 0);
    expect(summary).toMatchObject({
      operations: { total: ops.length, pending: 31, retrying: 11, failed: 1 },
      conflicts,
      rules: 1,
      unreadable: [],
      headerRepaired: false,
    });
    // The same operations, same opIds, same data and base versions, in the same order.
    const kept = query<Op>(db, OPS);
    expect(kept.map(({ status: _s, ...o }) => o)).toEqual(ops.map(({ status: _s, ...o }) => o));
    expect(query(db, "SELECT count(*) AS n FROM conflicts WHERE status = 'open'")).toEqual([
      { n: conflicts },
    ]);
    // The unsynced values are on the mirror again, as local edits.
    const edited = ops.find((o) => o.action === 'update' && o.status === 'pending')!;
    expect(
      query(db, 'SELECT notes, dirty FROM visitors WHERE local_id = ?', edited.local_id),
    ).toEqual([{ notes: JSON.parse(edited.data!).notes, dirty: 1 }]);

    await syncToTheEnd(db);
    await appliedOnce(ops.filter((o) => o.status !== 'failed'));
    await appliedOnce(ops.filter((o) => o.status === 'failed'));
  });

  it('the header overwritten (not a database at all): refused, rebuilt from the pages behind it', async () => {
    const { db, ops } = await consoleWithWork();
    checkpoint(db);
    overwriteHeader(db, rng(7));
    refusedInWords(await cli(syncArgs(srv!, db, '--quiet')));

    const summary = await rebuildAndSync(db, 0);
    expect(summary).toMatchObject({
      operations: { total: ops.length },
      conflicts: 2,
      unreadable: [],
      headerRepaired: true,
    });
    expect(query<Op>(db, OPS).map((o) => o.op_id)).toEqual(ops.map((o) => o.op_id));
    await syncToTheEnd(db);
    await appliedOnce(ops);
  });

  it('a page of the outbox overwritten: the rows on it are counted as lost, by opId, the rest go', async () => {
    const { db, ops } = await consoleWithWork();
    checkpoint(db);
    const size = pageSize(db);
    const leaves = pagesOf(db, ['outbox']).filter((p) => p.pagetype === 'leaf');
    expect(leaves.length).toBeGreaterThan(2);
    const hit = leaves[1]!;
    overwrite(db, hit.pageno, rng(3), { size });
    refusedInWords(await cli(syncArgs(srv!, db, '--quiet')));
    // The same damaged file twice: one rebuild reports in words, the other in JSON.
    const twin = join(dirname(db), 'twin.sqlite');
    copyFileSync(db, twin);

    const r = await cli(remote(db, 'rebuild'));
    // Rebuilt, but honest: exit 1 and the loss in words.
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(`could not be read\\s+operations \\(outbox\\): ${hit.ncell} rows; lost opIds: `),
    );
    expect(r.stdout).toContain('Some rows could not be read');

    const kept = query<Op>(db, OPS);
    const lost = ops.filter((o) => !kept.some((k) => k.op_id === o.op_id));
    expect(lost).toHaveLength(hit.ncell);
    expect(kept.map((o) => o.op_id)).toEqual(
      ops.filter((o) => !lost.includes(o)).map((o) => o.op_id),
    );
    const json = await cli(remote(twin, 'rebuild', '--json', '--quiet'));
    expect(json.code).toBe(1);
    expect(parseJson<RebuildSummary>(json)).toMatchObject({
      operations: { total: ops.length - hit.ncell },
      unreadable: [{ table: 'outbox', rows: hit.ncell, opIds: lost.map((o) => o.op_id) }],
    });

    // What was kept goes exactly once; the lost rows' changes are not on the server.
    const first = await cli(syncArgs(srv!, db, '--quiet', '--json'));
    expect([0, 1]).toContain(first.code);
    await appliedOnce(kept.filter((o) => o.status !== 'failed'));
    const verify = await cli(remote(db, 'verify', '--json'));
    expect(verify.code, verify.stdout).toBe(0);
  });
});

describe('a rebuild that changes nothing', () => {
  it('changes nothing: the damaged file stays where it was, nothing beside it, the reason in words', async () => {
    srv = await server({ seed: 20 });
    const dir = tempDir();
    const db = join(dir, 'console.sqlite');
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
    checkpoint(db);
    overwriteHeader(db, rng(11));
    const before = sha(db);
    const url = srv.url;
    await srv.stop();
    srv = undefined;
    const r = await cli(['rebuild', '--db', db, '--server', url, '--token', 'staff-token']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: The server could not be mirrored \(Nothing answers at/m);
    expect(r.stderr).toContain(`Nothing was changed: the damaged file is still at ${db}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(sha(db)).toBe(before);
    expect(readdirSync(dir).filter((f) => /damaged-|rebuilding-|salvage-/.test(f))).toEqual([]);
  });

  it('refuses a file SQLite reads whole, unless --force', async () => {
    srv = await server({ seed: 20 });
    const dir = tempDir();
    const db = join(dir, 'console.sqlite');
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
    checkpoint(db);
    const before = sha(db);
    const r = await cli(remote(db, 'rebuild'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: SQLite reads .* whole .*there is nothing to rebuild/m);
    expect(sha(db)).toBe(before);
    expect(readdirSync(dir).filter((f) => /damaged-|rebuilding-|salvage-/.test(f))).toEqual([]);
    const forced = await cli(remote(db, 'rebuild', '--force', '--json', '--quiet'));
    expect(forced.code, forced.stderr).toBe(0);
    expect(parseJson<RebuildSummary>(forced)).toMatchObject({ visitors: 20, unreadable: [] });
  });

  it('is only offered by the damaged-database screen: a console whose file opened refuses it', async () => {
    const core = makeCore();
    try {
      expect(await core.raw('setup:rebuildDatabase', {})).toMatchObject({
        ok: false,
        error: { code: 'not_damaged' },
      });
    } finally {
      core.dispose();
    }
  });
});

describe('what a rebuild salvages', () => {
  it('lists every column of each salvaged table as the newest migration has it', () => {
    const db = new Database(':memory:');
    migrate(db);
    for (const [table, schema] of Object.entries(SALVAGE_SCHEMAS)) {
      const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
        .map((c) => c.name)
        .sort();
      expect(Object.keys(schema.shape).sort(), table).toEqual(columns);
    }
    db.close();
  });
});
