// Plain values, no schema: the window's first script reads this (every table's
// column resizing), and zod builds its schemas when imported.

/** Narrower than this a column shows nothing useful; wider than this it pushes the rest away. */
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 1200;
