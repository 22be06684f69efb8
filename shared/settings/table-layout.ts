import { z } from 'zod';
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from './column-widths';

/** The console's tables whose columns a person shapes; each keeps its own layout. */
export const TABLE_IDS = ['visitors', 'conflicts', 'queue'] as const;
export const TableIdSchema = z.enum(TABLE_IDS);
export type TableId = z.infer<typeof TableIdSchema>;

export { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from './column-widths';

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
