import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import { DAY_MS } from '../../../shared/resolve/stale';
import type { TestCore } from '../../fixtures/core';
import { adminPost, consoleFor, rows, server } from '../sync/helpers';

/**
 * Reconciliation memory in the core, through the channels the window uses,
 * with a real sync against the reference server: proposed rules give new
 * conflicts their draft, automatic ones need a dry run first, remembered
 * values, the stale-capture threshold from Settings, undo beyond the last apply.
 */

let srv: RunningServer | undefined;
let core: TestCore | undefined;
afterEach(async () => {
  core?.dispose();
  await srv?.stop();
  srv = core = undefined;
});

interface Mirrored {
  local_id: string;
  server_id: string;
}

/** Ours vs theirs on title (and company when given) for the records named; then a sync. */
async function collide(
  c: TestCore,
  s: RunningServer,
  records: Mirrored[],
  ours: (m: Mirrored) => Record<string, unknown>,
  theirs: (m: Mirrored) => Record<string, unknown>,
) {
  for (const m of records) await c.call('visitors:update', { localId: m.local_id, patch: ours(m) });
  await adminPost(s, '/api/admin/visitors', {
    visitors: records.map((m) => ({ id: m.server_id, data: theirs(m) })),
  });
  return c.sync.sync();
}

async function start(seed: number, opts: { clock?: () => number } = {}) {
  srv = await server({ seed, ...opts });
  core = consoleFor(srv);
  await core.sync.sync();
  return rows<Mirrored>(core, 'SELECT local_id, server_id FROM visitors ORDER BY server_id');
}

const titles = (tag: string) => (m: Mirrored) => ({ title: `${tag} ${m.server_id.slice(-4)}` });

describe('reconciliation memory', () => {
  it('a proposed rule gives the conflicts a sync brings its decision as their draft, named', async () => {
    const mirrored = await start(20);
    const c = core!;
    const rule = await c.call('rules:save', {
      name: 'Titles: theirs',
      match: { fields: ['title'] },
      decision: { type: 'resolution', resolution: { strategy: 'server_wins' } },
    });
    expect(rule).toMatchObject({ mode: 'proposed', enabled: true, matched: 0 });
    // Automatic straight away is refused: its dry run comes first.
    await expect(
      c.call('rules:save', {
        name: 'Phones: ours',
        match: { fields: ['phone'] },
        decision: { type: 'resolution', resolution: { strategy: 'client_wins' } },
        mode: 'automatic',
      }),
    ).rejects.toMatchObject({ code: 'dry_run_first' });

    const summary = await collide(c, srv!, mirrored.slice(0, 6), titles('Ours'), titles('Theirs'));
    expect(summary).toMatchObject({ conflicts: 6, autoResolved: 0, openConflicts: 6 });
    const page = await c.call('conflicts:page', { offset: 0, limit: 50 });
    expect(page.rows.map((r) => [r.draftRule, r.draft])).toEqual(
      Array(6).fill(['Titles: theirs', { strategy: 'server_wins' }]),
    );
    expect((await c.call('rules:list', {}))[0]!.matched).toBe(6);
    // A person's own choice is no longer the rule's.
    await c.call('conflicts:setDraft', {
      target: { ids: [page.rows[0]!.id] },
      resolution: { strategy: 'merge' },
    });
    expect((await c.call('conflicts:get', { id: page.rows[0]!.id })).draftRule).toBeNull();

    const applied = await c.call('conflicts:apply', {
      target: { filter: {} },
      decision: { type: 'drafts' },
    });
    expect(applied.resolvable).toBe(6);
    const audit = rows<{ detail: string }>(
      c,
      "SELECT detail FROM audit WHERE action = 'resolve' ORDER BY id DESC LIMIT 1",
    );
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ proposedBy: 'Titles: theirs' });

    // Turning it automatic: refused without the dry run; its dry run changes nothing.
    await expect(
      c.call('rules:update', { id: rule.id, patch: { mode: 'automatic' } }),
    ).rejects.toMatchObject({ code: 'dry_run_first' });
    const dry = await c.call('rules:dryRun', { id: rule.id });
    expect(dry).toMatchObject({ targeted: 0, resolvable: 0 });
    const auto = await c.call('rules:update', {
      id: rule.id,
      patch: { mode: 'automatic', name: 'Titles from the server' },
      dryRunSeen: true,
    });
    expect(auto).toMatchObject({ mode: 'automatic', name: 'Titles from the server' });

    const second = await collide(c, srv!, mirrored.slice(6, 10), titles('Again'), titles('Srv'));
    expect(second).toMatchObject({ conflicts: 4, autoResolved: 4, openConflicts: 0 });
    const [newest] = await c.call('conflicts:batches', { limit: 5 });
    expect(newest).toMatchObject({
      description: 'Rule “Titles from the server”',
      count: 4,
      undoBlocked: null,
    });
    expect(await c.call('rules:delete', { id: rule.id })).toEqual({ deleted: true });
    expect(await c.call('rules:list', {})).toEqual([]);
  }, 60_000);

  it('remembers what a field was settled to for a pair of values, proposes it, forgets it', async () => {
    const mirrored = await start(12);
    const c = core!;
    const ours = () => ({ company: 'ACME Corp' });
    const theirs = () => ({ company: 'Acme Corporation' });
    await collide(c, srv!, mirrored.slice(0, 1), ours, theirs);
    const [first] = (await c.call('conflicts:page', { offset: 0, limit: 5 })).rows;
    expect(first!.remembered).toEqual({});
    await c.call('conflicts:apply', {
      target: { ids: [first!.id] },
      decision: {
        type: 'resolution',
        resolution: { strategy: 'manual', picks: { company: { kind: 'server' } } },
      },
    });
    const remembered = await c.call('remembered:list', {});
    expect(remembered).toMatchObject([
      {
        field: 'company',
        ours: 'ACME Corp',
        theirs: 'Acme Corporation',
        result: 'Acme Corporation',
      },
    ]);

    await collide(c, srv!, mirrored.slice(1, 3), ours, theirs);
    const next = (await c.call('conflicts:page', { offset: 0, limit: 5 })).rows;
    expect(next.map((r) => r.remembered)).toEqual([
      { company: 'Acme Corporation' },
      { company: 'Acme Corporation' },
    ]);
    // Proposed, never applied by itself.
    expect(next.every((r) => r.draft === null)).toBe(true);

    expect(await c.call('remembered:forget', { id: remembered[0]!.id })).toEqual({
      forgotten: true,
    });
    expect((await c.call('conflicts:get', { id: next[0]!.id })).remembered).toEqual({});
  }, 60_000);

  it('flags stale captures with the threshold of Settings, and undoes any unsent apply', async () => {
    let ahead = 0;
    const mirrored = await start(12, { clock: () => Date.now() + ahead });
    const c = core!;
    // Fresh: the server's change a moment after ours.
    await collide(c, srv!, mirrored.slice(0, 2), titles('Fresh'), titles('Srv'));
    // Stale: the server's change ten days after the device captured its own.
    ahead = 10 * DAY_MS;
    await collide(c, srv!, mirrored.slice(2, 5), titles('Old'), titles('Srv'));
    const count = async (stale: 'yes' | 'no') =>
      (await c.call('conflicts:count', { filter: { stale } })).total;
    expect([await count('yes'), await count('no')]).toEqual([3, 2]);
    const page = await c.call('conflicts:page', { offset: 0, limit: 10 });
    expect(page.rows.map((r) => r.stale)).toEqual([false, false, true, true, true]);
    expect(page.rows[4]!.captureGapMs).toBeGreaterThanOrEqual(10 * DAY_MS - 60_000);

    // The threshold is read from Settings on every query.
    await c.call('settings:update', { patch: { conflicts: { staleCaptureDays: 30 } } });
    expect(await count('yes')).toBe(0);
    await c.call('settings:update', { patch: { conflicts: { staleCaptureDays: 7 } } });
    expect(await count('yes')).toBe(3);

    // Two applies, nothing sent: the older one undoes first, on its own.
    const [a, b] = page.rows;
    const theirs = { type: 'resolution', resolution: { strategy: 'server_wins' } } as const;
    const older = await c.call('conflicts:apply', { target: { ids: [a!.id] }, decision: theirs });
    await c.call('conflicts:apply', { target: { ids: [page.rows[4]!.id] }, decision: theirs });
    const listed = await c.call('conflicts:batches', { limit: 10 });
    expect(listed.map((x) => x.undoBlocked)).toEqual([null, null]);
    const undone = await c.call('conflicts:undo', { batchId: older.batch!.id });
    expect(undone).toMatchObject({ reopened: 1, batch: { id: older.batch!.id } });
    expect((await c.call('conflicts:get', { id: a!.id })).draft).toEqual(theirs.resolution);
    const audit = rows<{ detail: string }>(
      c,
      "SELECT detail FROM audit WHERE action = 'resolve' AND conflict_id = ?",
      page.rows[4]!.id,
    );
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      staleCapture: { flagged: true, thresholdDays: 7 },
    });
    expect(b).toBeDefined();
    await expect(c.call('conflicts:undo', { batchId: older.batch!.id })).rejects.toMatchObject({
      code: 'nothing_to_undo',
    });
  }, 60_000);
});
