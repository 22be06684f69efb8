import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import type { BulkPreview, SavedRuleView } from '../../../shared/ipc/conflicts-contract';
import { SyncSummarySchema, type SyncSummary } from '../../../shared/ipc/contract';
import { makeCore } from '../../fixtures/core';
import {
  adminPost,
  cleanUp,
  cli,
  count,
  parseJson,
  query,
  server,
  syncArgs,
  tempDir,
} from './helpers';

/**
 * resolve, rules and sync's automatic rules, as an admin's script runs them:
 * the CLI in its own process, the reference server on 127.0.0.1, one SQLite file.
 */

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

type Resolved = BulkPreview & {
  dryRun: boolean;
  batch: { id: number; description: string } | null;
  rule: SavedRuleView | null;
};

/** Local edits of every mirrored visitor's title, as staff would make them in the app. */
async function editTitles(db: string, tag: string): Promise<number> {
  const core = makeCore({ dbPath: db });
  try {
    const ids = query<{ local_id: string }>(db, 'SELECT local_id FROM visitors WHERE deleted = 0');
    for (const { local_id } of ids)
      await core.call('visitors:update', {
        localId: local_id,
        patch: { title: `Console ${tag} ${local_id.slice(-6)}` },
      });
    return ids.length;
  } finally {
    core.close();
  }
}

const openConflicts = (db: string) =>
  count(db, "SELECT count(*) AS n FROM conflicts WHERE status = 'open'");

async function syncJson(db: string): Promise<{ code: number | null; summary: SyncSummary }> {
  const r = await cli(syncArgs(srv!, db, '--json', '--no-wait', '--quiet'));
  const summary = parseJson<SyncSummary>(r);
  SyncSummarySchema.parse(summary);
  return { code: r.code, summary };
}

/** A round of conflicts on title: local edits, then the server's simulator edits the same field. */
async function titleConflicts(db: string, tag: string, seedValue: number): Promise<number> {
  const edited = await editTitles(db, tag);
  const sim = await srv!.simulate({ edits: edited, fields: ['title'], seedValue });
  return sim.counts.edits;
}

describe('cli resolve, rules and automatic rules in sync', () => {
  it('dry-runs, resolves and saves a rule; the next sync applies it as one batch named after it', async () => {
    srv = await server({ seed: 24 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);

    const conflicts = await titleConflicts(db, 'a', 5);
    const first = await syncJson(db);
    expect(first.code).toBe(1);
    expect(first.summary).toMatchObject({ conflicts, autoResolved: 0, openConflicts: conflicts });
    expect(conflicts).toBeGreaterThan(10);

    // --dry-run: the numbers of the apply, nothing changed.
    const dry = await cli([
      'resolve',
      '--db',
      db,
      '--kind',
      'field',
      '--conflict-field',
      'title',
      '--pick',
      'title=theirs',
      '--dry-run',
      '--json',
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    const preview = parseJson<Resolved>(dry);
    expect(preview).toMatchObject({
      dryRun: true,
      targeted: conflicts,
      resolvable: conflicts,
      skipped: 0,
      batch: null,
      rule: null,
    });
    expect(openConflicts(db)).toBe(conflicts);
    expect(count(db, 'SELECT count(*) AS n FROM resolve_rules')).toBe(0);

    // The same for real, saved as an automatic rule.
    const done = await cli([
      'resolve',
      '--db',
      db,
      '--kind',
      'field',
      '--conflict-field',
      'title',
      '--pick',
      'title=theirs',
      '--save',
      'Titles from the server',
      '--auto',
      '--json',
    ]);
    expect(done.code, done.stderr).toBe(0);
    const applied = parseJson<Resolved>(done);
    expect(applied).toMatchObject({
      dryRun: false,
      resolvable: conflicts,
      batch: { description: 'Rule “Titles from the server”' },
      rule: { name: 'Titles from the server', mode: 'automatic', enabled: true },
    });
    expect(openConflicts(db)).toBe(0);
    // Theirs on the one contested field: the mirror holds the server's titles.
    const mirrored = query<{ title: string }>(db, 'SELECT title FROM visitors');
    expect(mirrored.filter((v) => v.title.startsWith('Console a'))).toEqual([]);

    await titleConflicts(db, 'b', 6);
    const second = await syncJson(db);
    // The automatic rule resolved every conflict the sync brought, right after it.
    expect(second.summary.conflicts).toBeGreaterThan(10);
    expect(second.summary.autoResolved).toBe(second.summary.conflicts);
    expect(second.summary.openConflicts).toBe(0);
    expect(second.code).toBe(1); // the run itself met conflicts
    const batches = query<{ description: string; count: number }>(
      db,
      'SELECT description, count FROM resolve_batches WHERE undone_at IS NULL ORDER BY id',
    );
    expect(batches.at(-1)).toEqual({
      description: 'Rule “Titles from the server”',
      count: second.summary.conflicts,
    });
    const audit = query<{ detail: string }>(
      db,
      "SELECT detail FROM audit WHERE action = 'resolve' ORDER BY id DESC LIMIT 1",
    );
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      rule: 'Titles from the server',
      staleCapture: { flagged: false, thresholdDays: 7 },
    });

    // The same name again (any case) is refused before anything is applied.
    const taken = await cli([
      'resolve',
      '--db',
      db,
      '--strategy',
      'merge',
      '--save',
      'titles FROM the server',
    ]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/already exists/);

    // rules: listed with how often it matched; disabled, it no longer applies.
    const listed = await cli(['rules', '--db', db, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(parseJson<SavedRuleView[]>(listed)).toMatchObject([
      {
        name: 'Titles from the server',
        mode: 'automatic',
        enabled: true,
        matched: second.summary.conflicts,
        match: { kinds: ['field'], fields: ['title'] },
        decision: { type: 'rules', rules: { fields: { title: 'server' }, default: 'merge' } },
      },
    ]);
    const text = await cli(['rules', '--db', db]);
    expect(text.stdout).toMatch(/Titles from the server\s+automatic\s+enabled/);

    expect((await cli(['rules', 'disable', 'Titles from the server', '--db', db])).code).toBe(0);
    await titleConflicts(db, 'c', 7);
    const third = await syncJson(db);
    expect(third.summary.conflicts).toBeGreaterThan(10);
    expect(third.summary.autoResolved).toBe(0);
    expect(openConflicts(db)).toBe(third.summary.conflicts);

    const gone = await cli(['rules', 'delete', 'Titles from the server', '--db', db]);
    expect(gone.code, gone.stderr).toBe(0);
    expect(parseJson<SavedRuleView[]>(await cli(['rules', '--db', db, '--json']))).toEqual([]);
    const missing = await cli(['rules', 'delete', 'Titles from the server', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no rule named/);
  }, 180_000);

  it('a strategy over a filter; usage errors exit 2 and change nothing', async () => {
    srv = await server({ seed: 12 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
    const conflicts = await titleConflicts(db, 'a', 9);
    await syncJson(db);

    for (const bad of [
      ['resolve', '--db', db],
      ['resolve', '--db', db, '--strategy', 'manual'],
      ['resolve', '--db', db, '--pick', 'title=mine'],
      ['resolve', '--db', db, '--pick', 'shoe=ours'],
      ['resolve', '--db', db, '--kind', 'fields', '--strategy', 'merge'],
      ['resolve', '--db', db, '--strategy', 'merge', '--auto'],
      ['rules', 'rename', 'x', '--db', db],
      ['resolve', '--db', `${dir}/missing.sqlite`, '--strategy', 'merge'],
    ]) {
      const r = await cli(bad);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
    }
    expect(openConflicts(db)).toBe(conflicts);

    // No filter on another field: none match, nothing to do.
    const none = await cli([
      'resolve',
      '--db',
      db,
      '--conflict-field',
      'phone',
      '--strategy',
      'client_wins',
    ]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/0 matching open conflicts: resolved 0, 0 left open/);

    const all = await cli(['resolve', '--db', db, '--strategy', 'client_wins']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`${conflicts} matching open conflicts: resolved ${conflicts}`);
    expect(openConflicts(db)).toBe(0);
    // Ours wins: each decision is queued for the next sync.
    expect(count(db, "SELECT count(*) AS n FROM outbox WHERE action = 'update'")).toBe(conflicts);
  }, 120_000);

  it('--remembered: remembered values take precedence where there are any, in the dry run as in the apply, and are saved with the rule', async () => {
    srv = await server({ seed: 12 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    expect((await cli(syncArgs(srv, db, '--quiet'))).code).toBe(0);
    const mirrored = query<{ local_id: string; server_id: string }>(
      db,
      'SELECT local_id, server_id FROM visitors ORDER BY server_id LIMIT 4',
    );
    // Staff type "ACME Corp" on four visitors; the server calls them "Acme Corporation".
    const core = makeCore({ dbPath: db });
    try {
      for (const m of mirrored)
        await core.call('visitors:update', {
          localId: m.local_id,
          patch: { company: 'ACME Corp' },
        });
    } finally {
      core.close();
    }
    await adminPost(srv, '/api/admin/visitors', {
      visitors: mirrored.map((m) => ({ id: m.server_id, data: { company: 'Acme Corporation' } })),
    });
    expect((await syncJson(db)).summary).toMatchObject({ conflicts: 4, openConflicts: 4 });

    // One is settled by hand in the app: the pair is remembered as "Acme Corporation Ltd".
    const app = makeCore({ dbPath: db });
    try {
      const [first] = (await app.call('conflicts:page', { offset: 0, limit: 1 })).rows;
      await app.call('conflicts:apply', {
        target: { ids: [first!.id] },
        decision: {
          type: 'resolution',
          resolution: {
            strategy: 'manual',
            picks: { company: { kind: 'typed', value: 'Acme Corporation Ltd' } },
          },
        },
      });
    } finally {
      app.close();
    }
    const args = [
      'resolve',
      '--db',
      db,
      '--conflict-field',
      'company',
      '--strategy',
      'client_wins',
    ];

    const dry = await cli([...args, '--remembered', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const preview = parseJson<Resolved>(dry);
    expect(preview).toMatchObject({
      dryRun: true,
      decision: { type: 'resolution', resolution: { strategy: 'client_wins' }, remembered: true },
      targeted: 3,
      resolvable: 3,
      remembered: 3,
      byStrategy: { manual: 3 },
    });
    expect(preview.samples.map((x) => x.remembered)).toEqual([
      ['company'],
      ['company'],
      ['company'],
    ]);
    expect(openConflicts(db)).toBe(3);
    const text = await cli([...args, '--remembered', '--dry-run']);
    expect(text.stdout).toMatch(/remembered values\s+used on 3 conflicts/);
    // Without the flag the same decision keeps ours: nothing remembered is used.
    const plain = parseJson<Resolved>(await cli([...args, '--dry-run', '--json']));
    expect(plain).toMatchObject({ remembered: 0, byStrategy: { client_wins: 3 } });

    const done = await cli([
      ...args,
      '--remembered',
      '--save',
      'Companies as remembered',
      '--json',
    ]);
    expect(done.code, done.stderr).toBe(0);
    const applied = parseJson<Resolved>(done);
    const { dryRun: _d, batch: _b, rule, ...numbers } = applied;
    const { dryRun: _p, batch: _n, rule: _r, ...previewed } = preview;
    expect(numbers).toEqual(previewed);
    expect(rule).toMatchObject({
      name: 'Companies as remembered',
      decision: { remembered: true },
      summary: expect.stringContaining('client wins, remembered values first') as string,
    });
    expect(
      query<{ company: string }>(
        db,
        'SELECT DISTINCT company FROM visitors WHERE local_id IN (?, ?, ?, ?)',
        ...mirrored.map((m) => m.local_id),
      ),
    ).toEqual([{ company: 'Acme Corporation Ltd' }]);
    const audit = query<{ detail: string }>(
      db,
      "SELECT detail FROM audit WHERE action = 'resolve' ORDER BY id DESC LIMIT 3",
    ).map((a) => (JSON.parse(a.detail) as { remembered?: string[] }).remembered);
    expect(audit).toEqual([['company'], ['company'], ['company']]);
    const listed = await cli(['rules', '--db', db]);
    expect(listed.stdout).toContain('company → client wins, remembered values first');
    const help = await cli(['resolve', '--help']);
    expect(help.stdout).toMatch(/--remembered\s+use remembered values where there are any/);
  }, 120_000);
});
