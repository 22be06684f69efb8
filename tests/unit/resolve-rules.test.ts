import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromConflictData } from '../../shared/resolve/conflict';
import { previewResolution } from '../../shared/resolve/preview';
import { applyRules, resolutionFromRules } from '../../shared/resolve/rules';
import {
  FieldRulesSchema,
  type FieldRules,
  type ResolvableConflict,
} from '../../shared/resolve/types';
import { EMPTY_VALUES, type VisitorValues } from '../../shared/visitor';

const LOCAL: VisitorValues = {
  ...EMPTY_VALUES,
  name: 'Ada',
  title: 'VP Marketing',
  phone: '+1-555-0123',
  interests: ['marketing', 'digital'],
  notes: 'ours',
};

/** Scenario 3's shape: title, phone, interests and notes all in conflict. */
const conflict: ResolvableConflict = fromConflictData({
  localId: 'l1',
  serverId: 's1',
  data: {
    clientData: {
      title: 'VP Marketing',
      phone: '+1-555-0123',
      interests: ['marketing', 'digital'],
      notes: 'ours',
    },
    serverData: {
      title: 'CMO',
      phone: '+1-555-0124',
      interests: ['marketing', 'strategy'],
      notes: 'theirs',
    },
    conflictFields: ['title', 'phone', 'interests', 'notes'],
    serverVersion: 12,
    kind: 'field',
  },
  local: LOCAL,
});

// "for phone take ours, for interests merge, for title theirs"
const RULE: FieldRules = {
  fields: { phone: 'client', interests: 'merged', title: 'server' },
  default: 'server_wins',
};

describe('resolutionFromRules / applyRules', () => {
  it('turns the rule into picks; the fields it does not name take the default', () => {
    const r = resolutionFromRules(conflict, RULE);
    expect(r.strategy).toBe('manual');
    if (r.strategy !== 'manual') return;
    expect(r.picks.phone).toEqual({ kind: 'client' });
    expect(r.picks.interests).toEqual({ kind: 'merged' });
    expect(r.picks.title).toEqual({ kind: 'server' });
    expect(r.picks.notes).toEqual({ kind: 'server' }); // default server_wins
  });

  it('previews the rule: phone ours, interests merged, title and notes theirs', () => {
    const p = applyRules(conflict, RULE);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.record).toMatchObject({
      title: 'CMO',
      phone: '+1-555-0123',
      interests: ['marketing', 'digital', 'strategy'],
      notes: 'theirs',
    });
    expect(p.value.operation).toEqual({
      action: 'update',
      serverId: 's1',
      data: { phone: '+1-555-0123', interests: ['marketing', 'digital', 'strategy'] },
      baseVersion: 12,
    });
  });

  it.each(['server_wins', 'client_wins', 'merge'] as const)(
    'a conflict none of whose fields the rule names gets the default strategy itself (%s)',
    (def) => {
      const r = resolutionFromRules(conflict, { fields: { email: 'client' }, default: def });
      expect(r).toEqual({ strategy: def });
    },
  );

  it('the rule only speaks for conflicting fields: a non-conflicting field takes the default', () => {
    const c = { ...conflict, conflictFields: ['title' as const] };
    const r = resolutionFromRules(c, {
      fields: { title: 'server', phone: 'server' },
      default: 'client_wins',
    });
    expect(r.strategy === 'manual' && r.picks.phone).toEqual({ kind: 'client' });
  });

  it.each(['server_wins', 'client_wins', 'merge'] as const)(
    'update_deleted and delete_modified take the default strategy alone (%s)',
    (def) => {
      for (const kind of ['update_deleted', 'delete_modified'] as const) {
        expect(resolutionFromRules({ ...conflict, kind }, { ...RULE, default: def })).toEqual({
          strategy: def,
        });
      }
    },
  );

  it('on a deleted-on-server record a server_wins default removes it; a merge re-creates it', () => {
    const gone = { ...conflict, kind: 'update_deleted' as const, serverData: null };
    const removed = applyRules(gone, RULE);
    expect(removed.ok && removed.value.localEffect).toBe('remove');
    const kept = applyRules(gone, { ...RULE, default: 'merge' });
    expect(kept.ok && kept.value.operation?.action).toBe('create');
  });

  it('FieldRulesSchema accepts the rule and refuses a manual default or an unknown field', () => {
    expect(FieldRulesSchema.parse(RULE)).toEqual(RULE);
    expect(FieldRulesSchema.safeParse({ ...RULE, default: 'manual' }).success).toBe(false);
    expect(
      FieldRulesSchema.safeParse({ fields: { age: 'client' }, default: 'merge' }).success,
    ).toBe(false);
  });

  it('a rule naming no field equals its default strategy (property)', () => {
    const kinds = fc.constantFrom('client', 'server', 'merged') as fc.Arbitrary<
      'client' | 'server' | 'merged'
    >;
    fc.assert(
      fc.property(
        fc.constantFrom('server_wins', 'client_wins', 'merge') as fc.Arbitrary<
          FieldRules['default']
        >,
        fc.record({ email: kinds, company: kinds }, { requiredKeys: [] }),
        (def, fields) => {
          // email and company are not in conflict here
          expect(applyRules(conflict, { fields, default: def })).toEqual(
            previewResolution(conflict, { strategy: def }),
          );
        },
      ),
    );
  });

  it('a rule with every conflicting field set to the default’s pick equals the default (property)', () => {
    const pickOf = { server_wins: 'server', client_wins: 'client', merge: 'merged' } as const;
    fc.assert(
      fc.property(
        fc.constantFrom('server_wins', 'client_wins', 'merge') as fc.Arbitrary<
          FieldRules['default']
        >,
        (def) => {
          const k = pickOf[def];
          const fields = { title: k, phone: k, interests: k, notes: k };
          const a = applyRules(conflict, { fields, default: def });
          const b = previewResolution(conflict, { strategy: def });
          expect(a.ok && b.ok && a.value.record).toEqual(b.ok && b.value.record);
          expect(a.ok && b.ok && a.value.operation).toEqual(b.ok && b.value.operation);
        },
      ),
    );
  });
});
