import { describe, expect, it } from 'vitest';
import { VisitorCreateDataSchema, VisitorPatchSchema, toValues } from '../../../shared/visitor';
import { fieldEquals } from '../../../shared/diff';
import {
  DEFAULT_EDIT_FIELDS,
  createRng,
  generateEdit,
  generateVisitors,
} from '../../../server/seed';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('seed generator', () => {
  it('is deterministic for a seed value, ids included', () => {
    expect(generateVisitors(200, 42)).toEqual(generateVisitors(200, 42));
  });

  it('differs between seed values', () => {
    const a = generateVisitors(20, 1);
    const b = generateVisitors(20, 2);
    expect(a.map((v) => v.id)).not.toEqual(b.map((v) => v.id));
  });

  it('a longer run starts with the shorter one', () => {
    expect(generateVisitors(500, 7).slice(0, 100)).toEqual(generateVisitors(100, 7));
  });

  it('every visitor is valid for the shared create schema, with unique uuid ids', () => {
    const visitors = generateVisitors(2000, 3);
    const ids = new Set(visitors.map((v) => v.id));
    expect(ids.size).toBe(visitors.length);
    for (const v of visitors) {
      expect(v.id).toMatch(UUID_RE);
      const parsed = VisitorCreateDataSchema.safeParse(v.data);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
  });

  it('is realistic: names, companies, emails, methods and capture times are filled most of the time', () => {
    const visitors = generateVisitors(1000, 5).map((v) => v.data);
    const share = (f: (d: (typeof visitors)[number]) => unknown) =>
      visitors.filter((d) => f(d)).length / visitors.length;
    expect(share((d) => /^\S+ \S/.test(d.name))).toBe(1);
    expect(share((d) => d.company)).toBeGreaterThan(0.8);
    expect(share((d) => d.email && /@/.test(d.email))).toBeGreaterThan(0.7);
    expect(share((d) => d.phone)).toBeGreaterThan(0.4);
    expect(share((d) => d.interests.length > 0)).toBeGreaterThan(0.6);
    expect(share((d) => d.notes)).toBeGreaterThan(0.3);
    expect(new Set(visitors.map((d) => d.captureMethod))).toEqual(
      new Set(['business_card', 'event_badge', 'manual', 'qr_code']),
    );
    expect(share((d) => d.capturedAt && !Number.isNaN(Date.parse(d.capturedAt)))).toBe(1);
  });
});

describe('generateEdit', () => {
  it('changes 1-3 allowed fields to valid, different values, deterministically', () => {
    const visitors = generateVisitors(300, 9);
    const rngA = createRng(11);
    const rngB = createRng(11);
    for (const v of visitors) {
      const values = toValues(v.data);
      const edit = generateEdit(rngA, values);
      expect(generateEdit(rngB, values)).toEqual(edit);
      const fields = Object.keys(edit);
      expect(fields.length).toBeGreaterThanOrEqual(1);
      expect(fields.length).toBeLessThanOrEqual(3);
      for (const f of fields) {
        expect(DEFAULT_EDIT_FIELDS).toContain(f);
        expect(fieldEquals(edit[f as keyof typeof edit], values[f as keyof typeof values])).toBe(
          false,
        );
      }
      expect(VisitorPatchSchema.safeParse(edit).success).toBe(true);
    }
  });

  it('respects a restricted field list', () => {
    const rng = createRng(1);
    for (const v of generateVisitors(50, 1)) {
      expect(Object.keys(generateEdit(rng, toValues(v.data), ['title']))).toEqual(['title']);
    }
  });
});
