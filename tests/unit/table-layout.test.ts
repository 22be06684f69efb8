import { describe, expect, it } from 'vitest';
import {
  clampWidth,
  gridTemplate,
  moveColumn,
  moveColumnTo,
  resolveLayout,
  setHidden,
  toStored,
  type ColumnSpec,
} from '../../renderer/src/paging/table-layout';
import { applyPatch, defaultSettings, loadSettings } from '../../shared/settings';

const SPECS: ColumnSpec[] = [
  { id: 'name', label: 'Name', width: 160, required: true },
  { id: 'company', label: 'Company', width: 140 },
  { id: 'email', label: 'Email', width: 200 },
  { id: 'phone', label: 'Phone', width: 120 },
];

describe('table layout', () => {
  it('without a stored layout, the table shows its columns as declared', () => {
    const l = resolveLayout(SPECS, undefined);
    expect(l.order).toEqual(['name', 'company', 'email', 'phone']);
    expect([...l.hidden]).toEqual([]);
    expect(l.widths).toEqual({ name: 160, company: 140, email: 200, phone: 120 });
    expect(gridTemplate(l, ['34px'])).toBe('34px 160px 140px 200px minmax(120px, 1fr)');
  });

  it('an older layout never breaks a newer table: unknown columns go, new ones take their place', () => {
    const l = resolveLayout(SPECS, {
      order: ['email', 'gone', 'name', 'email'],
      hidden: ['gone', 'company'],
      widths: { gone: 90, email: 260 },
    });
    // company and phone were not in the stored order: each goes after its declared neighbour.
    expect(l.order).toEqual(['email', 'phone', 'name', 'company']);
    expect([...l.hidden]).toEqual(['company']);
    expect(l.widths.email).toBe(260);
    expect(l.widths).not.toHaveProperty('gone');
  });

  it('a required column is never hidden, even by a stored layout', () => {
    expect([...resolveLayout(SPECS, { order: [], hidden: ['name'], widths: {} }).hidden]).toEqual(
      [],
    );
    const l = resolveLayout(SPECS, undefined);
    expect(setHidden(SPECS, l, 'name', true)).toBe(l);
    expect([...setHidden(SPECS, l, 'email', true).hidden]).toEqual(['email']);
  });

  it('moves among the visible columns and by dropping one header on another', () => {
    const l = setHidden(SPECS, resolveLayout(SPECS, undefined), 'company', true);
    // email moves up past the hidden company, next to name.
    expect(moveColumn(l, 'email', -1).order).toEqual(['email', 'company', 'name', 'phone']);
    expect(moveColumn(l, 'name', -1)).toBe(l);
    expect(moveColumnTo(l, 'phone', 'name').order).toEqual(['phone', 'name', 'company', 'email']);
    expect(moveColumnTo(l, 'name', 'email').order).toEqual(['company', 'email', 'name', 'phone']);
    expect(gridTemplate(l)).toBe('160px 200px minmax(120px, 1fr)');
  });

  it('widths stay within bounds and only what differs from the defaults is stored', () => {
    expect(clampWidth(5)).toBe(48);
    expect(clampWidth(99_999)).toBe(1200);
    const l = resolveLayout(SPECS, undefined);
    const stored = toStored(SPECS, { ...l, widths: { ...l.widths, phone: 180 } });
    expect(stored).toEqual({
      order: ['name', 'company', 'email', 'phone'],
      hidden: [],
      widths: { phone: 180 },
    });
  });

  it('is kept in the settings: patched per table, read back after a restart', () => {
    const layout = { order: ['phone', 'name'], hidden: ['email'], widths: { phone: 180 } };
    const patched = applyPatch(defaultSettings(), { tables: { visitors: layout } });
    expect(patched.success).toBe(true);
    const reread = loadSettings(JSON.parse(JSON.stringify(patched.data)));
    expect(reread.problems).toEqual([]);
    expect(reread.settings.tables).toEqual({ visitors: layout });
    // A settings file from before table layouts reads as no table shaped yet.
    const { tables: _tables, ...older } = defaultSettings();
    expect(loadSettings(older).settings.tables).toEqual({});
    expect(loadSettings(older).problems).toEqual([]);
  });

  it('a broken stored layout is named and that table falls back to its default columns', () => {
    const r = loadSettings({
      ...defaultSettings(),
      tables: { visitors: { order: 'name' }, nope: { order: [], hidden: [], widths: {} } },
    });
    expect(r.settings.tables).toEqual({});
    expect(r.problems.join('\n')).toMatch(/tables\.visitors: .*default columns/);
    expect(r.problems.join('\n')).toMatch(/tables\.nope: is not a table/);
    const bad = applyPatch(defaultSettings(), {
      tables: { queue: { order: [], hidden: [], widths: { code: 10 } } },
    });
    expect(bad.success).toBe(false);
  });
});
