import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import type { RuleMatch } from '../../../shared/resolve/saved-rules';
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

/** A pick of the remembered result for the company pair the tests settle. */
const REMEMBERED_PICK = { company: { kind: 'typed', value: 'Acme Corporation Ltd' } };

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
    expect(newest).toMatchObject({ description: 'Rule “Titles from the server”', count: 4 });
    expect(await c.call('conflicts:lastBatch', {})).toMatchObject({
      id: newest!.id,
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

  it('a rule may use remembered values: proposed as drafts, dry run exactly as applied, automatic, audited', async () => {
    const mirrored = await start(16);
    const c = core!;
    const ours = (m: Mirrored) => ({
      company: m === mirrored[3] ? 'Initech Ltd' : 'ACME Corp',
    });
    const theirs = (m: Mirrored) => ({
      company: m === mirrored[3] ? 'Initech Limited' : 'Acme Corporation',
    });
    // Settled once by hand: "ACME Corp" against "Acme Corporation" is "Acme Corporation Ltd".
    await collide(c, srv!, mirrored.slice(0, 1), ours, theirs);
    const [taught] = (await c.call('conflicts:page', { offset: 0, limit: 5 })).rows;
    await c.call('conflicts:apply', {
      target: { ids: [taught!.id] },
      decision: {
        type: 'resolution',
        resolution: {
          strategy: 'manual',
          picks: { company: { kind: 'typed', value: 'Acme Corporation Ltd' } },
        },
      },
    });

    // A rule stored by a console from before the flag: read as it was, and replayed.
    const oldDecision = { type: 'resolution', resolution: { strategy: 'server_wins' } };
    c.db
      .prepare(
        `INSERT INTO resolve_rules (name, match, decision, mode, enabled, created_at, updated_at)
        VALUES ('Old phones', ?, ?, 'proposed', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
      )
      .run(
        JSON.stringify({
          kinds: [],
          fields: ['phone'],
          company: '',
          captureMethod: '',
          stale: null,
        }),
        JSON.stringify(oldDecision),
      );
    const decision = {
      type: 'resolution',
      resolution: { strategy: 'client_wins' },
      remembered: true,
    } as const;
    const rule = await c.call('rules:save', {
      name: 'Companies: remembered, else ours',
      match: { fields: ['company'] },
      decision,
    });
    expect(rule.summary).toBe('any kind, on company → client wins, remembered values first');
    const listed = await c.call('rules:list', {});
    expect(listed.map((r) => [r.name, r.decision])).toEqual([
      ['Old phones', oldDecision],
      ['Companies: remembered, else ours', decision],
    ]);

    // Proposed: the pair settled before arrives as that field's pick, the other as ours.
    await collide(c, srv!, mirrored.slice(1, 4), ours, theirs);
    const page = (await c.call('conflicts:page', { offset: 0, limit: 10 })).rows;
    expect(page.map((r) => [r.localId, r.draftRule, r.draft])).toEqual([
      [
        mirrored[1]!.local_id,
        rule.name,
        { strategy: 'manual', picks: expect.objectContaining(REMEMBERED_PICK) as unknown },
      ],
      [
        mirrored[2]!.local_id,
        rule.name,
        { strategy: 'manual', picks: expect.objectContaining(REMEMBERED_PICK) as unknown },
      ],
      [mirrored[3]!.local_id, rule.name, { strategy: 'client_wins' }],
    ]);
    // Every other field keeps the strategy's pick (ours).
    expect(page[0]!.draft).toMatchObject({ picks: { title: { kind: 'client' } } });

    // Its dry run over the undecided conflicts, then the same apply: the same numbers.
    await c.call('conflicts:setDraft', { target: { filter: {} }, resolution: null });
    const dry = await c.call('rules:dryRun', { id: rule.id });
    expect(dry).toMatchObject({ targeted: 3, resolvable: 3, remembered: 2, skipped: 0 });
    expect(dry.samples.map((x) => x.remembered)).toEqual([['company'], ['company'], []]);
    const { batch, ...applied } = await c.call('conflicts:apply', {
      target: { filter: { fields: ['company'], decided: 'no' } },
      decision,
      throughId: dry.throughId,
    });
    expect(applied).toEqual(dry);
    expect(batch).not.toBeNull();
    const company = (m: Mirrored) =>
      rows<{ company: string }>(
        c,
        'SELECT company FROM visitors WHERE local_id = ?',
        m.local_id,
      )[0]!.company;
    expect(mirrored.slice(1, 4).map(company)).toEqual([
      'Acme Corporation Ltd',
      'Acme Corporation Ltd',
      'Initech Ltd',
    ]);
    const details = () =>
      rows<{ local_id: string; detail: string }>(
        c,
        "SELECT local_id, detail FROM audit WHERE action = 'resolve' ORDER BY id",
      ).map((a) => [a.local_id, (JSON.parse(a.detail) as { remembered?: string[] }).remembered]);
    expect(details().slice(1)).toEqual([
      [mirrored[1]!.local_id, ['company']],
      [mirrored[2]!.local_id, ['company']],
      [mirrored[3]!.local_id, undefined],
    ]);

    // Automatic: the next sync's conflicts on that pair are resolved to the remembered value.
    await expect(
      c.call('rules:update', { id: rule.id, patch: { mode: 'automatic' } }),
    ).rejects.toMatchObject({ code: 'dry_run_first' });
    await c.call('rules:update', { id: rule.id, patch: { mode: 'automatic' }, dryRunSeen: true });
    const round3 = await collide(c, srv!, mirrored.slice(4, 6), ours, theirs);
    expect(round3).toMatchObject({ conflicts: 2, autoResolved: 2, openConflicts: 0 });
    expect(mirrored.slice(4, 6).map(company)).toEqual([
      'Acme Corporation Ltd',
      'Acme Corporation Ltd',
    ]);
    const last = rows<{ detail: string }>(
      c,
      "SELECT detail FROM audit WHERE action = 'resolve' ORDER BY id DESC LIMIT 1",
    );
    expect(JSON.parse(last[0]!.detail)).toMatchObject({
      rule: rule.name,
      remembered: ['company'],
      resolution: { strategy: 'manual', picks: REMEMBERED_PICK },
    });
    // The old rule was left as it was stored.
    expect((await c.call('rules:list', {}))[0]).toMatchObject({
      name: 'Old phones',
      decision: oldDecision,
      matched: 0,
    });
  }, 90_000);

  it("a rule's match is edited like it is saved; a changed automatic rule needs the dry run of the change", async () => {
    const mirrored = await start(12);
    const c = core!;
    const rule = await c.call('rules:save', {
      name: 'Titles: theirs',
      match: { fields: ['title'] },
      decision: { type: 'resolution', resolution: { strategy: 'server_wins' } },
    });
    await c.call('rules:update', { id: rule.id, patch: { mode: 'automatic' }, dryRunSeen: true });
    // Open now: phone conflicts (which the rule does not match yet), none on title.
    await collide(
      c,
      srv!,
      mirrored.slice(0, 3),
      (m) => ({ phone: `+1 555 01${m.server_id.slice(-2)}` }),
      (m) => ({ phone: `+1 555 02${m.server_id.slice(-2)}` }),
    );
    const phones: RuleMatch = {
      kinds: ['field'],
      fields: ['phone'],
      company: '',
      captureMethod: '',
      stale: null,
    };
    // The dry run of the edit, before anything is saved: what the edited rule would do now.
    const before = await c.call('rules:dryRun', { id: rule.id });
    expect(before).toMatchObject({ targeted: 0 });
    const dry = await c.call('rules:dryRun', { match: phones, decision: rule.decision });
    expect(dry).toMatchObject({ targeted: 3, resolvable: 3, operations: 0 });
    expect(await c.call('conflicts:count', { filter: {} })).toMatchObject({ open: 3 });
    // Saving the new match while automatic without that dry run is refused, changing nothing.
    await expect(
      c.call('rules:update', { id: rule.id, patch: { match: phones } }),
    ).rejects.toMatchObject({ code: 'dry_run_first' });
    expect((await c.call('rules:list', {}))[0]!.match.fields).toEqual(['title']);
    // The same validation as a rule saved from a bulk apply.
    await expect(
      c.call('rules:update', {
        id: rule.id,
        patch: { match: { ...phones, company: 'x'.repeat(201) } },
        dryRunSeen: true,
      }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('patch.match.company') as string,
    });
    const saved = await c.call('rules:update', {
      id: rule.id,
      patch: { match: phones, name: 'Phones: theirs' },
      dryRunSeen: true,
    });
    expect(saved).toMatchObject({
      name: 'Phones: theirs',
      mode: 'automatic',
      match: phones,
      summary: 'field, on phone → server wins',
    });
    // Proposed instead: no dry run needed.
    const proposed = await c.call('rules:update', {
      id: rule.id,
      patch: { mode: 'proposed', match: { ...phones, stale: true } },
    });
    expect(proposed).toMatchObject({ mode: 'proposed', match: { stale: true } });
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
    expect(listed.map((x) => x.undoneAt)).toEqual([null, null]);
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
