import { CHUNKS, TIMEOUT_MS, type Fault } from '../scenario';

/** The k-th bulk-sync is applied, but its response never arrives: the client's timeout fires. */
export const stall: Fault = {
  name: 'stall',
  async inject(ctx, rng) {
    const index = rng.int(1, CHUNKS);
    ctx.proxy.arm({ route: 'bulk-sync', index, action: { kind: 'stall' } });
    const r = await ctx.sync().done;
    ctx.notes.push(
      ctx.proxy.fired()
        ? `fired: chunk ${index} response held past the ${TIMEOUT_MS} ms timeout (sync exit ${r.code})`
        : `chunk ${index}`,
    );
  },
};
