// Plain values, no schema: the window's first script reads this (the Visitors
// screen's filter), and zod builds its schemas when imported.

/** Where a visitor's record stands with the server. */
export const VISITOR_SYNC_STATES = ['synced', 'pending', 'conflict', 'failed'] as const;
