import { describe, expect, it } from 'vitest';
import {
  firstMatchingRule,
  RuleDecisionSchema,
  RuleMatchSchema,
  ruleDecisionFor,
  ruleMatches,
  ruleResolution,
  type RuleFacts,
} from '../../shared/resolve/saved-rules';
import {
  lookupKeys,
  pairKey,
  pairsToRemember,
  proposedResolution,
  rememberedFor,
  rememberedPicks,
  withRemembered,
} from '../../shared/resolve/remembered';
import { captureGapMs, DAY_MS, isStaleCapture, staleDefault } from '../../shared/resolve/stale';
import { resolveRecord } from '../../shared/resolve/strategies';
import type { ResolvableConflict } from '../../shared/resolve/types';
import { EMPTY_VALUES } from '../../shared/visitor';

const local = { ...EMPTY_VALUES, name: 'Ada', company: 'ACME Corp', title: 'Engineer' };

const conflict = (over: Partial<ResolvableConflict> = {}): ResolvableConflict => ({
  localId: 'l1',
  serverId: 's1',
  kind: 'field',
  conflictFields: ['company', 'title'],
  clientData: { company: 'ACME Corp', title: 'Lead' },
  serverData: { company: 'Acme Corporation', title: 'Head' },
  baseData: { ...local, company: 'Acme' },
  serverVersion: 4,
  local,
  ...over,
});

const facts = (over: Partial<RuleFacts> = {}): RuleFacts => ({
  kind: 'field',
  conflictFields: ['company', 'title'],
  company: 'ACME Corp',
  captureMethod: 'badge_scan',
  stale: false,
  ...over,
});

describe('saved rules: matching', () => {
  const match = (m: object) => RuleMatchSchema.parse(m);

  it('an empty match matches every conflict', () => {
    expect(ruleMatches(match({}), facts())).toBe(true);
    expect(ruleMatches(match({}), facts({ kind: 'update_deleted', conflictFields: [] }))).toBe(
      true,
    );
  });

  it('kind, any of the fields, company part, capture method and the stale flag all must hold', () => {
    expect(ruleMatches(match({ kinds: ['field'] }), facts())).toBe(true);
    expect(ruleMatches(match({ kinds: ['delete_modified'] }), facts())).toBe(false);
    expect(ruleMatches(match({ fields: ['phone', 'title'] }), facts())).toBe(true);
    expect(ruleMatches(match({ fields: ['phone'] }), facts())).toBe(false);
    expect(ruleMatches(match({ company: 'acme' }), facts())).toBe(true);
    expect(ruleMatches(match({ company: 'Globex' }), facts())).toBe(false);
    expect(ruleMatches(match({ captureMethod: 'BADGE_SCAN' }), facts())).toBe(true);
    expect(ruleMatches(match({ captureMethod: 'badge' }), facts())).toBe(false);
    expect(ruleMatches(match({ captureMethod: 'x' }), facts({ captureMethod: null }))).toBe(false);
    expect(ruleMatches(match({ stale: true }), facts())).toBe(false);
    expect(ruleMatches(match({ stale: true }), facts({ stale: true }))).toBe(true);
    expect(ruleMatches(match({ stale: false }), facts({ stale: true }))).toBe(false);
    expect(ruleMatches(match({ kinds: ['field'], fields: ['title'], stale: true }), facts())).toBe(
      false,
    );
  });

  it('the oldest enabled matching rule wins', () => {
    const rules = [
      { name: 'off', enabled: false, match: match({}) },
      { name: 'phones', enabled: true, match: match({ fields: ['phone'] }) },
      { name: 'titles', enabled: true, match: match({ fields: ['title'] }) },
      { name: 'any', enabled: true, match: match({}) },
    ];
    expect(firstMatchingRule(rules, facts())?.name).toBe('titles');
    expect(firstMatchingRule(rules.slice(0, 2), facts())).toBeNull();
  });

  it("decides as a bulk apply: a strategy as it is, the rule editor's format per conflict", () => {
    const c = conflict();
    expect(
      ruleResolution({ type: 'resolution', resolution: { strategy: 'server_wins' } }, c),
    ).toEqual({ strategy: 'server_wins' });
    const r = ruleResolution(
      { type: 'rules', rules: { fields: { title: 'client' }, default: 'server_wins' } },
      c,
    );
    expect(r.strategy).toBe('manual');
    const record = resolveRecord(c, r);
    expect(record.ok && record.value !== 'deleted' && record.value.title).toBe('Lead');
    expect(record.ok && record.value !== 'deleted' && record.value.company).toBe(
      'Acme Corporation',
    );
  });
});

describe('stale-capture guard', () => {
  it('measures how much earlier the client changed it than the server; unknown stays unknown', () => {
    expect(captureGapMs('2026-01-01T00:00:00Z', '2026-01-09T00:00:00Z')).toBe(8 * DAY_MS);
    expect(captureGapMs('2026-01-09T00:00:00Z', '2026-01-01T00:00:00Z')).toBe(-8 * DAY_MS);
    expect(captureGapMs(null, '2026-01-01T00:00:00Z')).toBeNull();
    expect(captureGapMs('2026-01-01T00:00:00Z', null)).toBeNull();
    expect(captureGapMs('not a time', '2026-01-01T00:00:00Z')).toBeNull();
  });

  it('flags a gap at or past the threshold, never an unknown one', () => {
    expect(isStaleCapture(7 * DAY_MS, 7 * DAY_MS)).toBe(true);
    expect(isStaleCapture(7 * DAY_MS - 1, 7 * DAY_MS)).toBe(false);
    expect(isStaleCapture(null, 0)).toBe(false);
  });

  it("defaults to the server's values on the contested fields, the merge elsewhere", () => {
    const c = conflict({ clientData: { company: 'ACME Corp', title: 'Lead', phone: '+1' } });
    const d = staleDefault(c);
    expect(d).toEqual({
      strategy: 'manual',
      picks: { company: { kind: 'server' }, title: { kind: 'server' } },
    });
    const record = resolveRecord(c, d);
    expect(record.ok && record.value).toMatchObject({
      company: 'Acme Corporation',
      title: 'Head',
      phone: '+1', // uncontested: the client's change goes through
    });
    expect(staleDefault(conflict({ kind: 'update_deleted', serverData: null }))).toEqual({
      strategy: 'server_wins',
    });
  });
});

describe('remembered values', () => {
  it('learns the result per contested field under its (ours, theirs) pair', () => {
    const c = conflict();
    const record = resolveRecord(c, {
      strategy: 'manual',
      picks: { company: { kind: 'server' }, title: { kind: 'typed', value: 'Head of Lead' } },
    });
    if (!record.ok) throw new Error(record.error.message);
    expect(pairsToRemember(c, record.value)).toEqual([
      {
        field: 'company',
        key: pairKey('company', 'ACME Corp', 'Acme Corporation'),
        ours: 'ACME Corp',
        theirs: 'Acme Corporation',
        result: 'Acme Corporation',
      },
      {
        field: 'title',
        key: pairKey('title', 'Lead', 'Head'),
        ours: 'Lead',
        theirs: 'Head',
        result: 'Head of Lead',
      },
    ]);
    expect(pairsToRemember(c, 'deleted')).toEqual([]);
    expect(pairsToRemember(conflict({ kind: 'update_deleted', serverData: null }), local)).toEqual(
      [],
    );
  });

  it("finds it again for another record with the same pair; '' and null are one", () => {
    const other = conflict({
      localId: 'l2',
      local: { ...local, name: 'Grace' },
      clientData: { company: 'ACME Corp', title: '' },
      serverData: { company: 'Acme Corporation', title: null },
    });
    expect(lookupKeys(other)).toEqual([
      { field: 'company', key: pairKey('company', 'ACME Corp', 'Acme Corporation') },
      { field: 'title', key: pairKey('title', null, null) },
    ]);
    expect(pairKey('title', '', null)).toBe(pairKey('title', null, undefined));
    expect(pairKey('title', 'a', 'b')).not.toBe(pairKey('title', 'b', 'a'));
  });

  it('proposes remembered results as typed picks on top of the default, marked', () => {
    const c = conflict();
    const p = proposedResolution(c, {
      strategies: { title: 'client_wins' },
      stale: false,
      remembered: { company: 'Acme Corporation', phone: 'x' },
    });
    expect(p).toEqual({
      resolution: {
        strategy: 'manual',
        picks: {
          title: { kind: 'client' },
          company: { kind: 'typed', value: 'Acme Corporation' },
        },
      },
      remembered: ['company'],
      stale: false,
    });
    // A stale capture starts from the server's values; a remembered value still goes on top.
    expect(
      proposedResolution(c, { strategies: {}, stale: true, remembered: { title: 'Chief' } }),
    ).toEqual({
      resolution: {
        strategy: 'manual',
        picks: { company: { kind: 'server' }, title: { kind: 'typed', value: 'Chief' } },
      },
      remembered: ['title'],
      stale: true,
    });
    expect(proposedResolution(c, { strategies: {}, stale: false, remembered: {} })).toBeNull();
  });
});

describe('remembered values a rule applies', () => {
  const sides = (r: ReturnType<typeof resolveRecord>) => {
    if (!r.ok || r.value === 'deleted') throw new Error('no record');
    return r.value;
  };

  it("takes precedence over a strategy's pick on its fields only; the rest is the strategy's record", () => {
    const c = conflict({ clientData: { company: 'ACME Corp', title: 'Lead', phone: '+1' } });
    for (const strategy of ['server_wins', 'client_wins', 'merge'] as const) {
      const plain = sides(resolveRecord(c, { strategy }));
      const r = withRemembered(c, { strategy }, { company: 'Acme Corp (kept)' });
      expect(r.remembered).toEqual(['company']);
      expect(r.resolution.strategy).toBe('manual');
      expect(sides(resolveRecord(c, r.resolution))).toEqual({
        ...plain,
        company: 'Acme Corp (kept)',
      });
    }
  });

  it("keeps a manual decision's other picks; ignores uncontested fields and deletion conflicts", () => {
    const c = conflict();
    const manual = {
      strategy: 'manual',
      picks: { company: { kind: 'client' }, title: { kind: 'server' } },
    } as const;
    expect(withRemembered(c, manual, { title: 'Chief', phone: '+9' })).toEqual({
      resolution: {
        strategy: 'manual',
        picks: { company: { kind: 'client' }, title: { kind: 'typed', value: 'Chief' } },
      },
      remembered: ['title'],
    });
    expect(withRemembered(c, manual, {})).toEqual({ resolution: manual, remembered: [] });
    const gone = conflict({ kind: 'update_deleted', serverData: null });
    expect(withRemembered(gone, { strategy: 'client_wins' }, { company: 'x' })).toEqual({
      resolution: { strategy: 'client_wins' },
      remembered: [],
    });
  });

  it('a rule uses them only when it says so', () => {
    const c = conflict();
    const theirs = { type: 'resolution', resolution: { strategy: 'server_wins' } } as const;
    const found = { company: 'Acme Corp (kept)' };
    expect(ruleDecisionFor(theirs, c, found)).toEqual({
      resolution: { strategy: 'server_wins' },
      remembered: [],
    });
    const withIt = ruleDecisionFor({ ...theirs, remembered: true }, c, found);
    expect(withIt.remembered).toEqual(['company']);
    expect(ruleResolution({ ...theirs, remembered: true }, c, found)).toEqual(withIt.resolution);
    expect(sides(resolveRecord(c, withIt.resolution))).toMatchObject({
      company: 'Acme Corp (kept)',
      title: 'Head',
    });
  });

  it('finds the results for a conflict from a look-up by pair key', () => {
    const c = conflict();
    const found = new Map([[pairKey('title', 'Lead', 'Head'), 'Chief']]);
    expect(rememberedFor(c, found)).toEqual({ title: 'Chief' });
    expect(rememberedFor(c, new Map())).toEqual({});
  });

  it('tells which picks of a decision are the remembered results', () => {
    const c = conflict();
    const r = {
      strategy: 'manual',
      picks: {
        company: { kind: 'typed', value: 'Acme Corporation' },
        title: { kind: 'typed', value: 'Typed by hand' },
      },
    } as const;
    expect(rememberedPicks(c, r, { company: 'Acme Corporation', title: 'Chief' })).toEqual([
      'company',
    ]);
    expect(rememberedPicks(c, { strategy: 'merge' }, { company: 'Acme Corporation' })).toEqual([]);
  });

  it('reads decisions stored before the flag existed, and stores it only when set', () => {
    const old = { type: 'rules', rules: { fields: { title: 'server' }, default: 'merge' } };
    expect(RuleDecisionSchema.parse(old)).toEqual(old);
    expect(RuleDecisionSchema.parse({ ...old, remembered: true })).toEqual({
      ...old,
      remembered: true,
    });
    expect(RuleDecisionSchema.safeParse({ ...old, remembered: 'yes' }).success).toBe(false);
  });
});
