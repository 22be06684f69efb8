import { afterEach, describe, expect, it } from 'vitest';
import { ConflictsRepo } from '../../../electron/core/conflicts/conflicts-repo';
import { RememberedRepo } from '../../../electron/core/conflicts/remembered-repo';
import { VisitorsRepo } from '../../../electron/core/visitors/visitors-repo';
import { pairKey } from '../../../shared/resolve/remembered';
import { makeCore, type TestCore } from '../../fixtures/core';
import { makeVisitors } from '../../fixtures/visitors';

/**
 * A bulk apply writes what each page of decisions teaches before it decides
 * the next page. The remembered values it reads must stay the ones the preview
 * read, or the preview would say something apply does not do.
 */

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = new Date(T0).toISOString();
const KEY = pairKey('company', 'ACME Corp', 'Acme Corporation');

let core: TestCore | undefined;
afterEach(() => {
  core?.dispose();
  core = undefined;
});

/**
 * Two records: the first with two field conflicts (company, then title), the
 * second with one on company, the same pair of values as the first's.
 */
function build(): { core: TestCore; ids: number[] } {
  const c = makeCore({ clock: { now: () => new Date(T0) } });
  const [r1, r2] = makeVisitors(2, 5);
  const mirror = new VisitorsRepo(c.db);
  const repo = new ConflictsRepo(c.db);
  const specs = [
    { v: r1!, fields: { company: ['ACME Corp', 'Acme Corporation'], title: ['Ours', 'Theirs'] } },
    { v: r2!, fields: { company: ['ACME Corp', 'Acme Corporation'] } },
  ];
  let n = 0;
  c.db.transaction(() => {
    for (const { v, fields } of specs) {
      mirror.upsertSynced(v.id, v, at);
      const local = mirror.get(v.id)!;
      const ours = Object.fromEntries(Object.entries(fields).map(([f, [o]]) => [f, o]));
      const theirs = Object.fromEntries(Object.entries(fields).map(([f, [, t]]) => [f, t]));
      const version = (v.version ?? 1) + 1;
      mirror.updateValues(v.id, { ...local.values, ...ours }, true, at);
      mirror.mergePulled(
        v.id,
        {
          values: { ...local.values, ...ours },
          base: { ...local.values, ...theirs },
          version,
          lastModified: at,
        },
        at,
      );
      for (const f of Object.keys(fields))
        repo.insert({
          localId: v.id,
          serverId: v.id,
          opId: `op-${n++}`,
          action: 'update',
          data: {
            kind: 'field',
            conflictFields: [f],
            clientData: { [f]: ours[f] },
            serverData: { [f]: theirs[f] },
            baseData: { ...local.values },
            serverVersion: version,
          },
          baseVersion: v.version ?? 1,
          at,
        });
    }
  })();
  // Settled once before: "ACME Corp" against "Acme Corporation" is "Acme Corporation Ltd".
  new RememberedRepo(c.db).remember(
    [
      {
        field: 'company',
        key: KEY,
        ours: 'ACME Corp',
        theirs: 'Acme Corporation',
        result: 'Acme Corporation Ltd',
      },
    ],
    null,
    at,
  );
  const ids = (c.db.prepare('SELECT id FROM conflicts ORDER BY id').all() as { id: number }[]).map(
    (r) => r.id,
  );
  return { core: c, ids };
}

describe('remembered values in a bulk apply', () => {
  it('are read as they stood when the run began, though an earlier page of it taught another', async () => {
    const built = build();
    core = built.core;
    const [c1, c2, c3] = built.ids;
    // The first record's company conflict is decided ours (it teaches "ACME Corp" for the pair,
    // written when its second conflict starts a new page); the second's takes the remembered value.
    const drafts = [
      [c1, { strategy: 'client_wins' }],
      [c2, { strategy: 'server_wins' }],
      [
        c3,
        {
          strategy: 'manual',
          picks: { company: { kind: 'typed', value: 'Acme Corporation Ltd' } },
        },
      ],
    ] as const;
    for (const [id, resolution] of drafts)
      await core.call('conflicts:setDraft', { target: { ids: [id!] }, resolution });

    const everything = { filter: {} } as const;
    const preview = await core.call('conflicts:preview', {
      target: everything,
      decision: { type: 'drafts' },
    });
    expect(preview).toMatchObject({ resolvable: 3, remembered: 1 });
    const { batch, ...applied } = await core.call('conflicts:apply', {
      target: everything,
      decision: { type: 'drafts' },
    });
    expect(applied).toEqual(preview);
    expect(batch?.count).toBe(3);
    const audit = (
      core.db
        .prepare("SELECT conflict_id, detail FROM audit WHERE action = 'resolve' ORDER BY id")
        .all() as { conflict_id: number; detail: string }[]
    ).map((a) => [a.conflict_id, (JSON.parse(a.detail) as { remembered?: string[] }).remembered]);
    expect(audit).toEqual([
      [c1, undefined],
      [c2, undefined],
      [c3, ['company']],
    ]);
    // The latest decision on the pair is the one remembered now.
    expect(new RememberedRepo(core.db).lookup([KEY]).get(KEY)?.result).toBe('Acme Corporation Ltd');
  });
});
