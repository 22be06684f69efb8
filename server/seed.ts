import type { VisitorCreateData, VisitorField, VisitorValues } from '../shared/visitor';
import { fieldEquals } from '../shared/diff';
import {
  CAPTURE_METHODS,
  COMPANIES,
  FIRST_NAMES,
  INTERESTS,
  LAST_NAMES,
  NOTE_SENTENCES,
  TITLES,
} from './seed-data';

/**
 * Deterministic generation of realistic visitors and edits: the same
 * seedValue gives the same records, ids included, on every machine.
 */

/** mulberry32: small, fast, good enough for test data (not for secrets). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

export const pick = <T>(rng: Rng, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)]!;

const chance = (rng: Rng, p: number) => rng() < p;

/** A uuid (v4 layout) drawn from the generator, so seeded ids are repeatable. */
export function rngUuid(rng: Rng): string {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(Math.floor(rng() * 256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const h = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function pickInterests(rng: Rng, min: number, max: number): string[] {
  const n = min + Math.floor(rng() * (max - min + 1));
  const out: string[] = [];
  while (out.length < n) {
    const i = pick(rng, INTERESTS);
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

function phone(rng: Rng): string {
  return `+1-555-${String(Math.floor(rng() * 10_000)).padStart(4, '0')}`;
}

function emailFor(first: string, last: string, domain: string): string {
  const local = `${first}.${last}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]/g, '');
  return `${local}@${domain}`;
}

function notes(rng: Rng): string {
  const n = 1 + Math.floor(rng() * 2);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pick(rng, NOTE_SENTENCES));
  return out.join(' ');
}

/** Captured during a three-day event starting 2025-03-04, 08:00-18:00 UTC. */
function capturedAt(rng: Rng): string {
  const day = Math.floor(rng() * 3);
  const minute = 8 * 60 + Math.floor(rng() * 600);
  const ms = Date.UTC(2025, 2, 4 + day, 0, minute, Math.floor(rng() * 60));
  return new Date(ms).toISOString();
}

export function generateVisitor(rng: Rng): VisitorCreateData {
  const first = pick(rng, FIRST_NAMES);
  const last = pick(rng, LAST_NAMES);
  const company = pick(rng, COMPANIES);
  const method = pick(rng, CAPTURE_METHODS);
  return {
    name: `${first} ${last}`,
    company: chance(rng, 0.92) ? company.name : null,
    email: chance(rng, 0.85) ? emailFor(first, last, company.domain) : null,
    title: chance(rng, 0.8) ? pick(rng, TITLES) : null,
    phone: chance(rng, 0.6) ? phone(rng) : null,
    interests: pickInterests(rng, 0, 4),
    notes: chance(rng, 0.5) ? notes(rng) : null,
    captureMethod: method,
    capturedAt: capturedAt(rng),
  };
}

export interface SeedVisitor {
  id: string;
  data: VisitorCreateData;
}

/** `count` visitors for `seedValue`; the same arguments always give the same list. */
export function generateVisitors(count: number, seedValue: number): SeedVisitor[] {
  const rng = createRng(seedValue);
  const out: SeedVisitor[] = [];
  for (let i = 0; i < count; i++) out.push({ id: rngUuid(rng), data: generateVisitor(rng) });
  return out;
}

/** What an edit may touch by default: the fields people correct at a booth. */
export const DEFAULT_EDIT_FIELDS: readonly VisitorField[] = [
  'company',
  'email',
  'title',
  'phone',
  'interests',
  'notes',
];

/** A new value for one field, different from the current one. */
export function editedValue(rng: Rng, field: VisitorField, current: VisitorValues): unknown {
  for (let attempt = 0; attempt < 8; attempt++) {
    let value: unknown;
    switch (field) {
      case 'name':
        value = `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_NAMES)}`;
        break;
      case 'company':
        value = pick(rng, COMPANIES).name;
        break;
      case 'email': {
        const [first = 'visitor', last = 'x'] = current.name.split(' ');
        value = emailFor(first, last, pick(rng, COMPANIES).domain);
        break;
      }
      case 'title':
        value = pick(rng, TITLES);
        break;
      case 'phone':
        value = phone(rng);
        break;
      case 'interests': {
        const next = current.interests.filter(() => chance(rng, 0.7));
        const add = pick(rng, INTERESTS);
        if (!next.includes(add) && next.length < 50) next.push(add);
        value = next;
        break;
      }
      case 'notes':
        value = current.notes
          ? `${current.notes} ${pick(rng, NOTE_SENTENCES)}`
          : pick(rng, NOTE_SENTENCES);
        if ((value as string).length > 10_000) value = pick(rng, NOTE_SENTENCES);
        break;
      case 'captureMethod':
        value = pick(rng, CAPTURE_METHODS);
        break;
      case 'capturedAt':
        value = capturedAt(rng);
        break;
    }
    if (!fieldEquals(value, current[field])) return value;
  }
  // Lists are small; fall back to something certainly different.
  if (field === 'interests')
    return [...current.interests.slice(0, 49), `topic ${Math.floor(rng() * 1e6)}`];
  if (field === 'capturedAt') {
    const base = current.capturedAt ? Date.parse(current.capturedAt) : Date.UTC(2025, 2, 4);
    return new Date(base + 60_000).toISOString();
  }
  return `${pick(rng, FIRST_NAMES)} ${Math.floor(rng() * 1e6)}`;
}

/** 1-3 fields of `fields` with new values, as another device would send. */
export function generateEdit(
  rng: Rng,
  current: VisitorValues,
  fields: readonly VisitorField[] = DEFAULT_EDIT_FIELDS,
): Partial<Record<VisitorField, unknown>> {
  const n = Math.min(fields.length, 1 + Math.floor(rng() * 3));
  const chosen: VisitorField[] = [];
  while (chosen.length < n) {
    const f = pick(rng, fields);
    if (!chosen.includes(f)) chosen.push(f);
  }
  const patch: Partial<Record<VisitorField, unknown>> = {};
  for (const f of chosen) patch[f] = editedValue(rng, f, current);
  return patch;
}
