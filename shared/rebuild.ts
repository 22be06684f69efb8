import { z } from 'zod';

/**
 * What a rebuild of a damaged console database did (`npm run cli -- rebuild`,
 * or "Rebuild from the server" on the damaged-database screen): where the
 * damaged file was kept, what local work was salvaged from it and put back
 * on top of a fresh mirror of the server, and what could not be read.
 */

/** The tables that hold local work the server does not have, in the order they are salvaged. */
export const SALVAGED_TABLES = [
  'outbox',
  'outbox_archive',
  'conflicts',
  'resolve_rules',
  'remembered_values',
] as const;
export type SalvagedTable = (typeof SALVAGED_TABLES)[number];
export const SalvagedTableSchema = z.enum(SALVAGED_TABLES);

/** Rows of one table that could not be read (or read back as something that is not a row of it). */
export const UnreadableSchema = z.object({
  table: SalvagedTableSchema,
  /** How many; null when the table could not be read at all and its size is unknown. */
  rows: z.number().int().nonnegative().nullable(),
  /** The opIds of unreadable operations, where an index of the table still names them. */
  opIds: z.array(z.string()),
});
export type Unreadable = z.infer<typeof UnreadableSchema>;

export const RebuildSummarySchema = z.object({
  /** The database, rebuilt (same path as before). */
  dbPath: z.string(),
  /** Where the damaged file is now (never deleted). */
  keptAs: z.string(),
  /** Every file kept: the database and its -wal and -shm when there were any. */
  keptFiles: z.array(z.string()),
  serverUrl: z.string(),
  /** Operations put back in the outbox, with their opIds, by status. */
  operations: z.object({
    total: z.number().int(),
    pending: z.number().int(),
    retrying: z.number().int(),
    failed: z.number().int(),
  }),
  /** Open conflicts put back. */
  conflicts: z.number().int(),
  /** Discarded operations put back in the archive. */
  archived: z.number().int(),
  rules: z.number().int(),
  remembered: z.number().int(),
  /** Per table; empty when every row was read. */
  unreadable: z.array(UnreadableSchema),
  /** The file's first 100 bytes (its header) were unreadable and were rebuilt to read the rest. */
  headerRepaired: z.boolean(),
  /** Visitors on show in the rebuilt mirror. */
  visitors: z.number().int(),
  /** Records the full pull received from the server. */
  pulled: z.number().int(),
  durationMs: z.number(),
});
export type RebuildSummary = z.infer<typeof RebuildSummarySchema>;

const TABLE_WORDS: Record<SalvagedTable, string> = {
  outbox: 'operations (outbox)',
  outbox_archive: 'discarded operations (archive)',
  conflicts: 'conflicts',
  resolve_rules: 'saved rules',
  remembered_values: 'remembered values',
};

const n = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** Rows that could not be read, in words: "none", or per table with the opIds an index still knows. */
export function describeUnreadable(unreadable: readonly Unreadable[]): string {
  if (unreadable.length === 0) return 'none';
  return unreadable
    .map((u) => {
      const rows =
        u.rows === null ? 'the whole table (how many rows is unknown)' : n(u.rows, 'row');
      const ids = u.opIds.length
        ? `; lost opIds: ${u.opIds.slice(0, 5).join(', ')}${u.opIds.length > 5 ? ` and ${u.opIds.length - 5} more` : ''}`
        : '';
      return `${TABLE_WORDS[u.table]}: ${rows}${ids}`;
    })
    .join('; ');
}

/** The summary as labelled lines, for the command line and the damaged-database screen alike. */
export function rebuildLines(s: RebuildSummary): [label: string, value: string][] {
  const extra = s.keptFiles.filter((f) => f !== s.keptAs).map((f) => f.slice(s.keptAs.length));
  const ops = s.operations;
  return [
    [
      'damaged file kept as',
      `${s.keptAs}${extra.length ? ` (with its ${extra.join(' and ')})` : ''}`,
    ],
    [
      'operations kept',
      `${n(ops.total, 'operation')} with their ids (${ops.pending} pending, ${ops.retrying} to retry, ${ops.failed} failed)`,
    ],
    ['conflicts kept', n(s.conflicts, 'open conflict')],
    ['rules kept', `${n(s.rules, 'saved rule')}, ${n(s.remembered, 'remembered value')}`],
    ['archive kept', n(s.archived, 'discarded operation')],
    ['could not be read', describeUnreadable(s.unreadable)],
    ['mirror rebuilt with', `${n(s.visitors, 'visitor')} from ${s.serverUrl}`],
  ];
}
