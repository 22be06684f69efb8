import Database from 'better-sqlite3';
import type { Fault } from '../scenario';

/**
 * One operation, picked at random, makes the server refuse every chunk that
 * carries it (HTTP 500, nothing applied) until the server is fixed. The rest
 * must get through around it; after the fix the operator retries it.
 */
export const poison: Fault = {
  name: 'poison',
  async inject(ctx, rng) {
    const db = new Database(ctx.clientDb, { readonly: true });
    const ops = db.prepare('SELECT local_id FROM outbox ORDER BY seq').all() as {
      local_id: string;
    }[];
    db.close();
    const { local_id: localId } = ops[rng.int(0, ops.length - 1)]!;
    await ctx.faults({ refuseChunks: { localIdPrefix: localId, status: 500 } });
    const r = await ctx.sync().done;
    const summary = JSON.parse(r.stdout || '{}') as { failed?: number };
    ctx.notes.push(
      `fired: poison ${localId.slice(0, 8)}…, ${summary.failed ?? '?'} failed (sync exit ${r.code})`,
    );
  },
};
