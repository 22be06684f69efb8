import { z } from 'zod';

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
