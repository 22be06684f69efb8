import type { VisitorPatch } from '../../../shared/visitor';

/** A mirrored record the demo may touch. */
export interface DemoRow {
  localId: string;
  serverId: string;
  title: string | null;
  company: string | null;
}

/** What "other devices" do on the server (POST /api/admin/visitors entries). */
export type ServerChange =
  { id: string; data: Record<string, unknown> } | { id: string; delete: true };

export interface DemoPlan {
  /** Edits made in this console, waiting in the outbox. */
  localEdits: { localId: string; patch: VisitorPatch }[];
  localDeletes: string[];
  /** New visitors captured in this console; the first is made to fail twice on the server (retries). */
  localCreates: { name: string; company: string; interests: string[] }[];
  /** Changes "another device" makes to the same records meanwhile: these are the conflicts. */
  serverChanges: ServerChange[];
}

/** How many of each the demo shows; small enough to read, large enough to look like a day's work. */
export const DEMO_SHAPE = {
  titleConflicts: 12,
  deletedOnServer: 3,
  cleanEdits: 10,
  deleteModified: 1,
  creates: 3,
} as const;

const SERVER_TITLES = [
  'Director of Partnerships',
  'Head of Procurement',
  'VP Operations',
  'Chief of Staff',
];

/**
 * The demo's scripted day, from the first mirrored records. Pure and
 * deterministic, so the conflicts a newcomer sees are always the same kinds:
 * - the same field (title) changed here and on the server: field conflicts;
 * - edited here, deleted on the server: update_deleted;
 * - deleted here, edited on the server: delete_modified;
 * - edits nobody else touched: they just sync.
 */
export function planDemo(rows: readonly DemoRow[]): DemoPlan {
  const s = DEMO_SHAPE;
  const need = s.titleConflicts + s.deletedOnServer + s.cleanEdits + s.deleteModified;
  if (rows.length < need) throw new RangeError(`the demo needs ${need} mirrored visitors`);
  const plan: DemoPlan = { localEdits: [], localDeletes: [], localCreates: [], serverChanges: [] };
  let i = 0;
  for (let n = 0; n < s.titleConflicts; n++, i++) {
    const r = rows[i]!;
    plan.localEdits.push({ localId: r.localId, patch: { title: 'Confirmed at the front desk' } });
    plan.serverChanges.push({
      id: r.serverId,
      data: { title: SERVER_TITLES[n % SERVER_TITLES.length]! },
    });
  }
  for (let n = 0; n < s.deletedOnServer; n++, i++) {
    const r = rows[i]!;
    plan.localEdits.push({
      localId: r.localId,
      patch: { phone: `+1-555-01${String(n).padStart(2, '0')}` },
    });
    plan.serverChanges.push({ id: r.serverId, delete: true });
  }
  for (let n = 0; n < s.cleanEdits; n++, i++) {
    const r = rows[i]!;
    plan.localEdits.push({
      localId: r.localId,
      patch: { notes: `Met at the booth on day ${n + 1}; wants the product sheet.` },
    });
  }
  for (let n = 0; n < s.deleteModified; n++, i++) {
    const r = rows[i]!;
    plan.localDeletes.push(r.localId);
    plan.serverChanges.push({ id: r.serverId, data: { company: `${r.company ?? 'Acme'} Group` } });
  }
  const names = ['Ada Brightwater', 'Tomás Okafor', 'Mei Lindqvist'];
  for (let n = 0; n < s.creates; n++)
    plan.localCreates.push({
      name: names[n % names.length]!,
      company: 'Walk-in',
      interests: ['demo'],
    });
  return plan;
}
