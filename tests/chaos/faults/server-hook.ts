import { CHUNKS, type Ctx, type Fault } from '../scenario';
import type { Rng } from '../rng';

/**
 * Faults of the server's own hooks (server/faults.ts), armed through the admin
 * API at the moment the k-th bulk-sync reaches the server, so they hit that one.
 */
function atChunk(name: string, body: (rng: Rng) => { hooks: unknown; what: string }): Fault {
  return {
    name,
    async inject(ctx: Ctx, rng: Rng) {
      const index = rng.int(1, CHUNKS);
      const { hooks, what } = body(rng);
      ctx.proxy.arm({
        route: 'bulk-sync',
        index,
        action: { kind: 'hook', when: 'request', run: () => ctx.faults(hooks) },
      });
      const r = await ctx.sync().done;
      ctx.notes.push(
        ctx.proxy.fired()
          ? `fired: ${what} from chunk ${index} (sync exit ${r.code})`
          : `chunk ${index}`,
      );
    },
  };
}

export const unavailable = atChunk('503-then-ok', (rng) => {
  const count = rng.int(1, 3);
  return {
    hooks: { failRequests: { count, status: 503, retryAfterSeconds: 0 } },
    what: `${count}× 503`,
  };
});

export const tooMany = atChunk('429-retry-after', (rng) => {
  const count = rng.int(1, 2);
  return {
    hooks: { failRequests: { count, status: 429, retryAfterSeconds: 1 } },
    what: `${count}× 429 Retry-After: 1`,
  };
});

export const commitReset = atChunk('commit-reset', (rng) => {
  const count = rng.int(1, 2);
  return {
    hooks: { dropResponses: { count } },
    what: `${count}× applied, committed, connection cut`,
  };
});
