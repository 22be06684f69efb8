/**
 * Server time for lastModified and syncTimestamp.
 *
 * The seed's conflict rule compares a record's lastModified with the client's
 * lastSyncTimestamp, so the two must be strictly ordered: every write gets a
 * time strictly after every timestamp handed out before (even within one
 * millisecond, or when the wall clock steps back), and a syncTimestamp is never
 * earlier than any write before it. Then "changed after my lastSyncTimestamp"
 * means exactly "changed after my last sync response".
 */
export class ServerClock {
  private last: number;

  constructor(
    private readonly now: () => number = Date.now,
    last = 0,
  ) {
    this.last = last;
  }

  /** A time for a write: strictly after everything issued so far. */
  stamp(): number {
    const t = Math.max(this.now(), this.last + 1);
    this.last = t;
    return t;
  }

  /** A time to report (syncTimestamp): not before anything issued so far. */
  observe(): number {
    const t = Math.max(this.now(), this.last);
    this.last = t;
    return t;
  }

  /**
   * The lowest time a later stamp() can return, promised: no stamp after
   * this call is below it (the mark a PostgreSQL write transaction holds).
   * Unlike observe(), it does not push the next stamp past it.
   */
  nextStampFloor(): number {
    const t = Math.max(this.now(), this.last + 1);
    this.last = Math.max(this.last, t - 1);
    return t;
  }

  /** The wall clock now, without issuing anything. */
  wallMs(): number {
    return this.now();
  }

  /** Never issue a time at or before `ms` (e.g. the newest lastModified on disk). */
  advancePast(ms: number): void {
    if (ms > this.last) this.last = ms;
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
