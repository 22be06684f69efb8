// Plain values, no schema: the window's first script reads this, and zod builds its
// schemas when imported (bounded.ts builds the ones that use it).

/**
 * The most rows a Shift-click range may cover. A range's ids travel to the
 * window and back with the bulk action (100 000 local ids are ~4 MB); more
 * than this is "Select all matching", which sends the query, not the ids.
 */
export const MAX_RANGE_ROWS = 100_000;
