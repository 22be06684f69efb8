import { randomUUID } from 'node:crypto';
import { ADMIN } from '../processes';
import type { Fault } from '../scenario';

/** Records another device creates before the sync, so its pull has 3 pages of 50 to read. */
const OTHER = 150;

/**
 * A pull interrupted mid-page: the sync pulls before it pushes, so another
 * device first creates 150 records on the server (3 change pages of 50, each
 * 10–18 kB); the k-th page is cut after N bytes. The faulted sync reads that
 * page again from the same cursor within --max-wait, so it itself ends well.
 */
export const pullCut: Fault = {
  name: 'pull-cut',
  async inject(ctx, rng) {
    const now = new Date().toISOString();
    const operations = Array.from({ length: OTHER }, (_, i) => ({
      action: 'create',
      localId: randomUUID(),
      opId: randomUUID(),
      timestamp: now,
      data: { name: `Other device s${ctx.seed} #${i}`, email: `other.${i}@example.org` },
    }));
    const r = await fetch(`${ctx.server.url}/api/visitors/bulk-sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operations }),
    });
    if (!r.ok) throw new Error(`another device's creates: HTTP ${r.status} ${await r.text()}`);

    const index = rng.int(1, 3);
    const afterBytes = rng.int(200, 6_000);
    ctx.proxy.arm({ route: 'changes', index, action: { kind: 'cut', afterBytes } });
    const s = await ctx.sync().done;
    ctx.expect(
      s.code === 0,
      `the faulted sync exited ${s.code} (expected 0: the cut page read again within the run): ${s.stderr.trim().split('\n').at(-1)}`,
    );
    ctx.notes.push(
      ctx.proxy.fired()
        ? `fired: change page ${index} cut after ${afterBytes} bytes (sync exit ${s.code}${s.code === 0 ? '' : `: ${s.stderr.trim().split('\n').at(-1)}`})`
        : `page ${index}`,
    );
  },
};
