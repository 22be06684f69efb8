import type { Db } from './open';

/**
 * Keeps SQLite's statement journals in memory (`temp_store = MEMORY`) until
 * the last of the returned functions is called, which puts back what was set
 * before.
 *
 * A statement that may stop halfway keeps the original of every page it
 * changes in a statement journal, and so does a savepoint. SQLite writes it
 * to a temporary file once it passes 64 KB, and every statement on the
 * visitors table takes one: the search index's triggers make it so, even for
 * one row and even while they are paused (measured on a table with one
 * trigger that never fires: 10.6 µs an upsert without it, 32.7 µs with it
 * and the journal on file, 11.6 µs in memory). Bulk writers (a sync run, an
 * import) spent up to half their time writing that file: a first mirror of
 * 200 000 visitors took 27–30 s instead of 15–17 s, an import ran at 4 700
 * rows/s instead of 9 000. Each journal lives for one statement or one
 * savepoint, so in memory it costs the pages that statement or savepoint
 * changes, not the run's. Not set for the whole connection: one statement
 * over a whole large table (a migration) would then hold its journal in
 * memory.
 */
export function journalsInMemory(db: Db): () => void {
  // Counted per connection: holders may overlap in any order (an import batch
  // runs during a sync run), and the setting goes back after the last one.
  const held = holders.get(db);
  if (held) held.count++;
  else {
    const before = db.pragma('temp_store', { simple: true }) as number;
    db.pragma('temp_store = MEMORY');
    // Counted only once set: a pragma that throws leaves nothing to put back.
    holders.set(db, { count: 1, before });
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const h = holders.get(db)!;
    if (--h.count > 0) return;
    holders.delete(db);
    db.pragma(`temp_store = ${h.before}`);
  };
}

const holders = new WeakMap<Db, { count: number; before: number }>();
