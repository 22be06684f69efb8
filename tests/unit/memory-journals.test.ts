import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { journalsInMemory } from '../../electron/core/db/memory-journals';

const open: Database.Database[] = [];
afterEach(() => open.splice(0).forEach((db) => db.close()));

function db(): Database.Database {
  const d = new Database(':memory:');
  open.push(d);
  return d;
}
const tempStore = (d: Database.Database) => d.pragma('temp_store', { simple: true }) as number;

describe('statement journals in memory while bulk writers run', () => {
  it('sets memory, and puts back what was set before', () => {
    const d = db();
    d.pragma('temp_store = FILE');
    const done = journalsInMemory(d);
    expect(tempStore(d)).toBe(2);
    done();
    expect(tempStore(d)).toBe(1);
  });

  it('holders that overlap in any order: the setting goes back only after the last', () => {
    const d = db();
    const run = journalsInMemory(d); // a sync run
    const job = journalsInMemory(d); // a job that starts during it
    run(); // the run ends first
    expect(tempStore(d)).toBe(2);
    run(); // twice is once
    expect(tempStore(d)).toBe(2);
    job();
    expect(tempStore(d)).toBe(0);
  });

  it('each connection is counted on its own', () => {
    const [a, b] = [db(), db()];
    const doneA = journalsInMemory(a);
    const doneB = journalsInMemory(b);
    doneA();
    expect([tempStore(a), tempStore(b)]).toEqual([0, 2]);
    doneB();
    expect(tempStore(b)).toBe(0);
  });
});
