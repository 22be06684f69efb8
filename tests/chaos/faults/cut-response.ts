import { CHUNKS, type Fault } from '../scenario';

/** The connection is cut after N bytes of the k-th bulk-sync response (headers or body). */
export const cutResponse: Fault = {
  name: 'cut-response',
  async inject(ctx, rng) {
    const index = rng.int(1, CHUNKS);
    const afterBytes = rng.int(1, 700);
    ctx.proxy.arm({ route: 'bulk-sync', index, action: { kind: 'cut', afterBytes } });
    const r = await ctx.sync().done;
    ctx.notes.push(
      ctx.proxy.fired()
        ? `fired: chunk ${index} cut after ${afterBytes} bytes (sync exit ${r.code})`
        : `chunk ${index}`,
    );
  },
};
