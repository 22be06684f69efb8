import { z } from 'zod';

/** The console's tables whose columns a person shapes; each keeps its own layout. */
export const TABLE_IDS = ['visitors', 'conflicts', 'queue'] as const;
export const TableIdSchema = z.enum(TABLE_IDS);
export type TableId = z.infer<typeof TableIdSchema>;

/** Narrower than this a column shows nothing useful; wider than this it pushes the rest away. */
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 1200;

const ColumnIdSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a column name');

/**
 * How a person arranged one table: the columns' order, those hidden, and the
 * widths they dragged. Column names the table no longer has are ignored when
 * the layout is used (renderer/src/paging/table-layout.ts), so an older layout never breaks a table.
 */
export const TableLayoutSchema = z.strictObject({
  order: z.array(ColumnIdSchema).max(40),
  hidden: z.array(ColumnIdSchema).max(40),
  widths: z.record(ColumnIdSchema, z.number().int().min(MIN_COLUMN_WIDTH).max(MAX_COLUMN_WIDTH)),
});
export type TableLayout = z.infer<typeof TableLayoutSchema>;

export const TableLayoutsSchema = z.partialRecord(TableIdSchema, TableLayoutSchema);
export type TableLayouts = z.infer<typeof TableLayoutsSchema>;
