import { z } from 'zod';
import { MAX_RANGE_ROWS } from './range-limit';

/**
 * Text that crosses the IPC boundary: bounded, well-formed Unicode (a lone
 * surrogate cannot be stored or compared sensibly) and free of NUL. Cursors,
 * ids and search text come from the window; none of them is ever megabytes.
 */
export function boundedText(max: number, opts: { trim?: boolean; min?: number } = {}) {
  const base = opts.trim ? z.string().trim() : z.string();
  return base
    .max(max, { message: `must be at most ${max} characters`, abort: true })
    .min(opts.min ?? 0, 'is required')
    .refine((s) => s.isWellFormed(), 'contains malformed Unicode (a lone surrogate)')
    .refine((s) => !s.includes('\u0000'), 'contains a NUL character');
}

/** The sort key a keyset cursor carries: the longest sortable value (an email) and some. */
export const CursorKeySchema = boundedText(1_000);

export { MAX_RANGE_ROWS } from './range-limit';

/**
 * Rows [offset, offset + limit) of a table under its query: the part of a
 * Shift-click range that is not loaded in the window, asked of the core by
 * position so that it selects the rows the person saw between the two clicks.
 */
export const PositionsSchema = z.strictObject({
  offset: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(MAX_RANGE_ROWS),
});
