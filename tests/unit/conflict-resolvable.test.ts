import { describe, expect, it } from 'vitest';
import type { ConflictRow } from '../../electron/core/conflicts/conflicts-repo';
import { resolutionFor, resolvableOf } from '../../electron/core/conflicts/resolvable';
import type { VisitorRecord } from '../../electron/core/visitors/visitors-repo';
import { conflictSides } from '../../shared/resolve/conflict';
import { previewResolution } from '../../shared/resolve/preview';
import { EMPTY_VALUES, type VisitorValues } from '../../shared/visitor';

const base: VisitorValues = {
  ...EMPTY_VALUES,
  name: 'Ada Lovelace',
  company: 'Analytical',
  title: 'Engineer',
  phone: '+1-555-0000',
  interests: ['math'],
};

const conflict = (over: Partial<ConflictRow> = {}): ConflictRow => ({
  id: 1,
  localId: 'l1',
  serverId: 's1',
  opId: 'op1',
  action: 'update',
  kind: 'field',
  conflictFields: ['title'],
  clientData: { title: 'Ours' },
  serverData: { title: 'Theirs' },
  baseData: { ...base },
  baseVersion: 3,
  serverVersion: 4,
  status: 'open',
  createdAt: 't',
  name: 'Ada Lovelace',
  company: 'Analytical',
  draft: null,
  draftRule: null,
  batchId: null,
  captureGapMs: null,
  ...over,
});

const visitor = (over: Partial<VisitorRecord> = {}): VisitorRecord => ({
  localId: 'l1',
  serverId: 's1',
  serverVersion: 3,
  values: { ...base, title: 'Ours' },
  base: { ...base },
  dirty: true,
  deleted: false,
  lastModified: null,
  createdAt: 't',
  updatedAt: 't',
  ...over,
});

describe('a stored conflict as the resolver reads it', () => {
  it('takes theirs from the merge base, not from local edits still unsent', () => {
    // The phone was edited locally after the conflict and is not on the server.
    const v = visitor({ values: { ...base, title: 'Ours', phone: '+1-555-9999' } });
    const rc = resolvableOf(conflict(), v, { phone: '+1-555-9999' });
    const sides = conflictSides(rc);
    expect(sides.server).toMatchObject({ title: 'Theirs', phone: '+1-555-0000' });
    expect(sides.client).toMatchObject({ title: 'Ours', phone: '+1-555-9999' });
    // client_wins therefore sends the later phone edit too: superseding its op loses nothing.
    const p = previewResolution(rc, { strategy: 'client_wins' });
    expect(p.ok && p.value.operation).toEqual({
      action: 'update',
      serverId: 's1',
      baseVersion: 4,
      data: { title: 'Ours', phone: '+1-555-9999' },
    });
    // server_wins sends nothing and puts the server's phone back.
    const s = previewResolution(rc, { strategy: 'server_wins' });
    expect(s.ok && s.value.operation).toBeNull();
    expect(s.ok && s.value.record).toMatchObject({ phone: '+1-555-0000', title: 'Theirs' });
  });

  it('a newer record pulled since the conflict is theirs, with its version', () => {
    const newer = { ...base, title: 'Theirs again', company: 'Moved Co' };
    const rc = resolvableOf(conflict(), visitor({ serverVersion: 6, base: newer }), {});
    expect(rc.serverVersion).toBe(6);
    expect(conflictSides(rc).server).toMatchObject({ title: 'Theirs again', company: 'Moved Co' });
  });

  it('keeps a deletion on the server as a deletion', () => {
    const rc = resolvableOf(
      conflict({ kind: 'update_deleted', serverData: null, conflictFields: [] }),
      visitor(),
      {},
    );
    expect(rc.serverData).toBeNull();
    const p = previewResolution(rc, { strategy: 'client_wins' });
    expect(p.ok && p.value.operation?.action).toBe('create');
  });

  it('gives each bulk decision type its resolution, or says why not', () => {
    const c = conflict();
    const rc = resolvableOf(c, visitor(), {});
    expect(resolutionFor(c, rc, { type: 'drafts' })).toEqual({
      ok: false,
      reason: 'No decision chosen yet',
    });
    const draft = { strategy: 'merge' } as const;
    expect(resolutionFor({ ...c, draft }, rc, { type: 'drafts' })).toEqual({
      ok: true,
      resolution: draft,
      remembered: [],
    });
    expect(
      resolutionFor(c, rc, {
        type: 'rules',
        rules: { fields: { title: 'server' }, default: 'client_wins' },
      }),
    ).toMatchObject({
      ok: true,
      resolution: { strategy: 'manual', picks: { title: { kind: 'server' } } },
    });
    expect(
      resolutionFor(c, rc, { type: 'resolution', resolution: { strategy: 'server_wins' } }),
    ).toEqual({ ok: true, resolution: { strategy: 'server_wins' }, remembered: [] });
  });

  it('takes remembered values only where the decision says so, and says for which fields', () => {
    const c = conflict({
      conflictFields: ['company', 'title'],
      clientData: { company: 'ACME Corp', title: 'Ours' },
      serverData: { company: 'Acme Corporation', title: 'Theirs' },
    });
    const rc = resolvableOf(c, visitor(), {});
    let lookups = 0;
    const remembered = () => {
      lookups++;
      return { company: 'Acme Corp (remembered)' };
    };
    const ours = { type: 'resolution', resolution: { strategy: 'client_wins' } } as const;
    // Not asked for: nothing is even looked up, and ours stays ours.
    expect(resolutionFor(c, rc, ours, remembered)).toEqual({
      ok: true,
      resolution: { strategy: 'client_wins' },
      remembered: [],
    });
    expect(lookups).toBe(0);

    const r = resolutionFor(c, rc, { ...ours, remembered: true }, remembered);
    expect(r).toMatchObject({ ok: true, remembered: ['company'] });
    if (!r.ok) throw new Error('decided');
    const p = previewResolution(rc, r.resolution);
    expect(
      p.ok && p.value.record !== 'deleted' && [p.value.record.company, p.value.record.title],
    ).toEqual(['Acme Corp (remembered)', 'Ours']);

    // A draft whose typed pick is the remembered value (a proposal applied as it was) says so too.
    const draft = {
      strategy: 'manual',
      picks: {
        company: { kind: 'typed', value: 'Acme Corp (remembered)' },
        title: { kind: 'server' },
      },
    } as const;
    expect(resolutionFor({ ...c, draft }, rc, { type: 'drafts' }, remembered)).toEqual({
      ok: true,
      resolution: draft,
      remembered: ['company'],
    });
    // A draft without a typed pick cannot hold a remembered value: not looked up.
    lookups = 0;
    resolutionFor({ ...c, draft: { strategy: 'merge' } }, rc, { type: 'drafts' }, remembered);
    expect(lookups).toBe(0);
  });
});
