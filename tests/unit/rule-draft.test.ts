import { describe, expect, it } from 'vitest';
import type { SavedRuleView } from '../../shared/ipc/conflicts-contract';
import { RuleMatchSchema } from '../../shared/resolve/saved-rules';
import {
  checkDraft,
  draftOf,
  dryRunKey,
  editState,
  needsDryRun,
  patchOf,
} from '../../renderer/src/conflicts/rule-draft';

const rule = (over: Partial<SavedRuleView> = {}): SavedRuleView => ({
  id: 7,
  name: 'Titles: theirs',
  match: RuleMatchSchema.parse({ kinds: ['field'], fields: ['title'] }),
  decision: { type: 'resolution', resolution: { strategy: 'server_wins' } },
  mode: 'automatic',
  enabled: true,
  matched: 3,
  summary: 'field, on title → server wins',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('the rule dialog: editing a saved rule', () => {
  it('starts from the saved rule, its decision in the editor’s format', () => {
    expect(draftOf(rule())).toEqual({
      name: 'Titles: theirs',
      match: rule().match,
      rules: { fields: {}, default: 'server_wins' },
      rulesTouched: false,
      remembered: false,
      mode: 'automatic',
    });
    expect(
      draftOf(
        rule({
          decision: { type: 'resolution', resolution: { strategy: 'merge' }, remembered: true },
        }),
      ).remembered,
    ).toBe(true);
  });

  it('an unchanged draft changes nothing; the decision stays as saved until the grid is touched', () => {
    const r = rule();
    const d = draftOf(r);
    const checked = checkDraft(r, d);
    expect(checked.ok && patchOf(r, checked.rule)).toEqual({});
    // Ticking "remembered values" keeps the saved decision and adds the flag.
    const flagged = checkDraft(r, { ...d, remembered: true });
    expect(flagged.ok && patchOf(r, flagged.rule)).toEqual({
      decision: { type: 'resolution', resolution: { strategy: 'server_wins' }, remembered: true },
    });
    const grid = checkDraft(r, {
      ...d,
      rules: { fields: { title: 'client' }, default: 'merge' },
      rulesTouched: true,
    });
    expect(grid.ok && patchOf(r, grid.rule)).toEqual({
      decision: { type: 'rules', rules: { fields: { title: 'client' }, default: 'merge' } },
    });
  });

  it('the match is compared as sets, so the order fields were ticked in is no change', () => {
    const r = rule({ match: RuleMatchSchema.parse({ fields: ['title', 'company'] }) });
    const d = { ...draftOf(r), match: RuleMatchSchema.parse({ fields: ['company', 'title'] }) };
    const checked = checkDraft(r, d);
    expect(checked.ok && patchOf(r, checked.rule)).toEqual({});
    const wider = checkDraft(r, {
      ...d,
      match: { ...d.match, company: 'Acme', stale: true, captureMethod: 'badge_scan' },
    });
    expect(wider.ok && patchOf(r, wider.rule)).toEqual({
      match: {
        kinds: [],
        fields: ['company', 'title'],
        company: 'Acme',
        captureMethod: 'badge_scan',
        stale: true,
      },
    });
  });

  it('checks with the schema a rule saved from a bulk apply is checked with, in words', () => {
    const r = rule();
    const d = draftOf(r);
    expect(checkDraft(r, { ...d, name: '   ' })).toEqual({
      ok: false,
      errors: ['Name: a rule needs a name'],
    });
    const long = checkDraft(r, { ...d, match: { ...d.match, company: 'x'.repeat(201) } });
    expect(long.ok).toBe(false);
    expect(!long.ok && long.errors[0]).toMatch(/^Company contains: /);
    // Names are trimmed as on saving.
    const trimmed = checkDraft(r, { ...d, name: '  Titles  ' });
    expect(trimmed.ok && trimmed.rule.name).toBe('Titles');
  });

  it('an automatic rule with a new match or decision waits for its own dry run', () => {
    const r = rule();
    const d = draftOf(r);
    expect(needsDryRun(r, { name: 'x' }, 'automatic')).toBe(false);
    expect(needsDryRun(r, { match: r.match }, 'automatic')).toBe(true);
    expect(needsDryRun(r, { match: r.match }, 'proposed')).toBe(false);
    expect(needsDryRun(rule({ mode: 'proposed' }), {}, 'automatic')).toBe(true);

    const changed = { ...d, match: { ...d.match, fields: ['title' as const, 'phone' as const] } };
    const before = editState(r, changed, null);
    expect(before).toMatchObject({ needsDryRun: true, dryRunShown: false, canSave: false });
    const preview = {
      targeted: 2,
      resolvable: 2,
      recordsChanging: 2,
      operations: 0,
      byStrategy: { server_wins: 2 },
      remembered: 0,
      skipped: 0,
      skippedReasons: [],
      samples: [],
      throughId: 9,
    };
    const after = editState(r, changed, { key: before.key!, preview, error: null });
    expect(after).toMatchObject({ dryRunShown: true, canSave: true });
    // Another change after the dry run: that one no longer counts.
    const again = { ...changed, match: { ...changed.match, company: 'Acme' } };
    expect(editState(r, again, { key: before.key!, preview, error: null })).toMatchObject({
      dryRunShown: false,
      canSave: false,
    });
    // Saved as proposed instead: no dry run needed.
    expect(editState(r, { ...changed, mode: 'proposed' }, null)).toMatchObject({
      needsDryRun: false,
      canSave: true,
    });
    expect(dryRunKey({ match: r.match, decision: r.decision })).toBe(
      dryRunKey({ match: { ...r.match }, decision: { ...r.decision } }),
    );
  });
});
