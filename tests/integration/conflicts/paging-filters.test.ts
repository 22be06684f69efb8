import { afterEach, describe, expect, it } from 'vitest';
import type { ConflictSort } from '../../../shared/ipc/conflicts-contract';
import { makeCore, type TestCore } from '../../fixtures/core';
import { seedConflicts } from '../../fixtures/conflicts';

let core: TestCore | undefined;
afterEach(() => {
  core?.dispose();
  core = undefined;
});

describe('workspace paging, filters and targets', () => {
  it('keyset paging walks every open conflict once, in order, for each sort (ties, mixed case, desc)', async () => {
    core = makeCore();
    seedConflicts(core, 60);
    // Ties and mixed case on name and company; two kinds.
    const names = ['alice', 'Alice', 'BOB', 'bob', 'Carol'];
    const companies = ['', 'Acme', 'acme', 'Zeta'];
    const ids = (
      core.db.prepare('SELECT id FROM conflicts ORDER BY id').all() as { id: number }[]
    ).map((r) => r.id);
    const upd = core.db.prepare(
      'UPDATE conflicts SET visitor_name = ?, company = ?, kind = ? WHERE id = ?',
    );
    ids.forEach((id, i) =>
      upd.run(names[i % 5], companies[i % 4], i % 3 ? 'field' : 'delete_modified', id),
    );
    const all = core.db
      .prepare('SELECT id, visitor_name AS name, company, kind FROM conflicts')
      .all() as { id: number; name: string; company: string; kind: string }[];
    const key = (col: ConflictSort['column'], r: (typeof all)[number]) =>
      col === 'name'
        ? r.name.toLowerCase()
        : col === 'company'
          ? r.company.toLowerCase()
          : col === 'kind'
            ? r.kind
            : '';
    for (const column of ['name', 'company', 'kind', 'createdAt'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const sign = direction === 'asc' ? 1 : -1;
        const expected = [...all]
          .sort((a, b) => {
            const ka = key(column, a);
            const kb = key(column, b);
            return (ka < kb ? -1 : ka > kb ? 1 : a.id - b.id) * sign;
          })
          .map((r) => r.id);
        const got: number[] = [];
        let after: { key: string; id: number } | undefined;
        for (let guard = 0; guard < 50; guard++) {
          const page = await core.call('conflicts:page', {
            sort: { column, direction },
            offset: got.length,
            limit: 7,
            ...(after ? { after } : {}),
          });
          got.push(...page.rows.map((r) => r.id));
          if (!page.last || page.rows.length < 7) break;
          after = page.last;
        }
        expect(got, `${column} ${direction}`).toEqual(expected);
      }
    }
  });

  it('exceptIds and the decided filter narrow a filter target', async () => {
    core = makeCore();
    seedConflicts(core, 10);
    const ids = (
      core.db.prepare('SELECT id FROM conflicts ORDER BY id').all() as { id: number }[]
    ).map((r) => r.id);
    await core.call('conflicts:setDraft', {
      target: { ids: ids.slice(0, 4) },
      resolution: { strategy: 'server_wins' },
    });
    expect((await core.call('conflicts:count', { filter: { decided: 'yes' } })).total).toBe(4);
    const p = await core.call('conflicts:preview', {
      target: { filter: { decided: 'yes' }, exceptIds: [ids[0]!] },
      decision: { type: 'drafts' },
    });
    expect(p).toMatchObject({ targeted: 3, resolvable: 3 });
  });

  it('free-text search matches values, not the JSON keys of the stored payloads', async () => {
    core = makeCore();
    seedConflicts(core, 5);
    // No name, company or value of either side contains "phone" (values are +1-555-…, +44-20-…).
    const values = core.db
      .prepare(
        `SELECT v.name, v.company, v.phone, v.title FROM visitors v JOIN conflicts c ON c.local_id = v.local_id`,
      )
      .all() as Record<string, string | null>[];
    expect(
      values.some((v) => Object.values(v).some((x) => x?.toLowerCase().includes('phone'))),
    ).toBe(false);
    const hits = await core.call('conflicts:count', { filter: { text: 'phone' } });
    expect(hits.total, 'every conflict matched on its JSON key "phone"').toBe(0);
  });

  it('apply of a previewed filter target does not resolve conflicts that arrived after the preview', async () => {
    core = makeCore();
    const visitors = seedConflicts(core, 6);
    const target = { filter: {}, exceptIds: [] };
    const decision = { type: 'resolution', resolution: { strategy: 'client_wins' } } as const;
    const preview = await core.call('conflicts:preview', { target, decision });
    expect(preview.resolvable).toBe(6);
    // A background sync records one more conflict while the preview dialog is open.
    const { ConflictsRepo } = await import('../../../electron/core/conflicts/conflicts-repo');
    const v = visitors[0]!;
    new ConflictsRepo(core.db).insert({
      localId: v.id,
      serverId: v.id,
      opId: 'arrived-later',
      action: 'update',
      data: {
        kind: 'field',
        conflictFields: ['email'],
        clientData: { email: 'ours@example.com' },
        serverData: { email: 'theirs@example.com' },
        // the version the mirror holds: decidable, so only the preview's bound keeps it out
        serverVersion: (v.version ?? 1) + 1,
      },
      baseVersion: v.version ?? 1,
      at: new Date().toISOString(),
    });
    // The person confirms the preview they saw: the window sends its bound back.
    const applied = await core.call('conflicts:apply', {
      target,
      decision,
      throughId: preview.throughId,
    });
    expect(applied.resolvable, 'apply did more than the confirmed preview showed').toBe(
      preview.resolvable,
    );
    // The newcomer is still open, for its own preview.
    expect(await core.call('conflicts:count', {})).toMatchObject({ open: 1 });
  });
});
