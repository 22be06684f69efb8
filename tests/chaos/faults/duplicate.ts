import { CHUNKS, type Fault } from '../scenario';

/** The k-th bulk-sync request reaches the server twice, byte for byte (a retrying middlebox). */
export const duplicate: Fault = {
  name: 'duplicate-chunk',
  async inject(ctx, rng) {
    const index = rng.int(1, CHUNKS);
    ctx.proxy.arm({ route: 'bulk-sync', index, action: { kind: 'duplicate' } });
    const r = await ctx.sync().done;
    ctx.notes.push(
      ctx.proxy.fired()
        ? `fired: chunk ${index} delivered twice (sync exit ${r.code})`
        : `chunk ${index}`,
    );
  },
};
