import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import { makeCore } from '../../fixtures/core';
import { consoleFor } from '../sync/helpers';
import { cleanUp, cli, parseJson, query, server, syncArgs, tempDir } from './helpers';

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

interface Report {
  equal: boolean;
  serverRecords: number;
  differences: { kind: string; serverId: string; localWork: boolean }[];
  integrity: string[];
  requests: number;
}

const args = (cmd: string, db: string) => [
  cmd,
  '--db',
  db,
  '--server',
  srv!.url,
  '--token',
  'staff-token',
  '--json',
];

function kinds(r: Report): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of r.differences) out[d.kind] = (out[d.kind] ?? 0) + 1;
  return out;
}

function corrupt(db: string, sql: string): void {
  const h = new Database(db);
  try {
    h.exec(sql);
  } finally {
    h.close();
  }
}

describe('cli verify and repair', () => {
  it('finds each kind of damage by range hashes, repairs only those records, keeps local work', async () => {
    srv = await server({ seed: 2_000 });
    const dir = tempDir();
    const db = join(dir, 'console.sqlite');
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);

    const clean = await cli(args('verify', db));
    expect(clean.code, clean.stderr).toBe(0);
    const ok = parseJson<Report>(clean);
    expect(ok).toMatchObject({ equal: true, serverRecords: 2_000, differences: [], integrity: [] });
    // Equal hashes: one request for the whole set, nothing downloaded record by record.
    expect(ok.requests).toBe(1);

    // A page of the change feed skipped: another console edits 10 records, and this
    // mirror's cursor is moved past those changes without applying them.
    const other = consoleFor(srv);
    await other.sync.sync();
    const edited = query<{ local_id: string; server_id: string }>(
      other.dbPath,
      'SELECT local_id, server_id FROM visitors ORDER BY server_id LIMIT 10 OFFSET 100',
    );
    for (const e of edited)
      await other.call('visitors:update', {
        localId: e.local_id,
        patch: { title: 'Skipped page' },
      });
    expect((await other.sync.sync()).updated).toBe(10);
    // The feed's head after those changes: where a mirror that skipped their page would stand.
    const page = (await (
      await fetch(`${srv.url}/api/visitors/changes?limit=10000&since=c0`, {
        headers: { authorization: 'Bearer staff-token' },
      })
    ).json()) as { cursor: string };
    const head = page.cursor;
    other.dispose();

    corrupt(
      db,
      `
      UPDATE sync_state SET value = '${head}' WHERE key = 'cursor';
      DELETE FROM visitors WHERE local_id IN (SELECT local_id FROM visitors ORDER BY server_id LIMIT 5 OFFSET 300);
      UPDATE visitors SET company = 'Tampered' WHERE local_id IN (SELECT local_id FROM visitors WHERE dirty = 0 ORDER BY server_id LIMIT 3 OFFSET 700);
      UPDATE visitors SET server_version = server_version - 1 WHERE local_id IN (SELECT local_id FROM visitors WHERE dirty = 0 ORDER BY server_id LIMIT 2 OFFSET 1100);
      INSERT INTO visitors (local_id, server_id, server_version, name, created_at, updated_at)
        VALUES ('ghost', 'zzzz-not-on-the-server', 1, 'Ghost', '2026-01-01', '2026-01-01');`,
    );
    // A sync now pulls nothing: the skipped changes stay skipped.
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
    // Local work that must survive: a pending edit on one record.
    const worked = query<{ local_id: string }>(
      db,
      'SELECT local_id FROM visitors ORDER BY server_id LIMIT 1 OFFSET 1500',
    )[0]!.local_id;
    const local = makeCore({ dbPath: db });
    await local.call('visitors:update', {
      localId: worked,
      patch: { notes: 'typed here, not yet sent' },
    });
    local.dispose();

    const outboxBefore = query(db, 'SELECT op_id, local_id, data, status FROM outbox ORDER BY seq');
    expect(outboxBefore).toHaveLength(1);

    const damaged = await cli(args('verify', db));
    expect(damaged.code).toBe(1);
    const found = parseJson<Report>(damaged);
    expect(kinds(found)).toEqual({
      missing_here: 5,
      different_values: 3,
      different_version: 12,
      missing_there: 1,
    });
    expect(found.differences.some((d) => d.localWork)).toBe(false);
    expect(found.requests).toBeLessThan(40);

    const repaired = await cli(args('repair', db));
    expect(repaired.code, repaired.stderr).toBe(0);
    const r = parseJson<{ before: Report; repaired: number; after: Report }>(repaired);
    expect(r.repaired).toBe(21);
    expect(r.after).toMatchObject({ equal: true, differences: [] });
    // Local work kept: the pending operation as it was, the record's typed value too.
    expect(query(db, 'SELECT op_id, local_id, data, status FROM outbox ORDER BY seq')).toEqual(
      outboxBefore,
    );
    expect(query(db, 'SELECT notes FROM visitors WHERE local_id = ?', worked)).toEqual([
      { notes: 'typed here, not yet sent' },
    ]);
    expect(query(db, "SELECT count(*) AS n FROM visitors WHERE title = 'Skipped page'")).toEqual([
      { n: 10 },
    ]);
    expect((await cli(args('verify', db))).code).toBe(0);
  });

  it('says in words when the server cannot be reached', async () => {
    srv = await server({ seed: 3 });
    const dir = tempDir();
    const db = join(dir, 'console.sqlite');
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
    const url = srv.url;
    await srv.stop();
    srv = undefined;
    const r = await cli(['verify', '--db', db, '--server', url, '--token', 'staff-token']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: Nothing answers at/m);
  });
});
