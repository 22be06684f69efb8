import { CHUNKS, type Fault } from '../scenario';

/** The server is SIGKILLed at the k-th chunk, then started again on the same file after a pause. */
export const serverKill: Fault = {
  name: 'server-kill',
  async inject(ctx, rng) {
    const index = rng.int(1, CHUNKS);
    const when = rng.pick(['request', 'response'] as const);
    const downMs = rng.int(0, 1_500);
    ctx.proxy.arm({
      route: 'bulk-sync',
      index,
      action: {
        kind: 'hook',
        when,
        dropResponse: true,
        run: async () => {
          await ctx.server.kill();
          ctx.background.push(
            new Promise((r) => setTimeout(r, downMs)).then(() => ctx.server.restart()),
          );
        },
      },
    });
    const r = await ctx.sync().done;
    ctx.notes.push(
      ctx.proxy.fired()
        ? `fired: server SIGKILL at chunk ${index} ${when}, down ${downMs} ms (sync exit ${r.code})`
        : `chunk ${index}`,
    );
  },
};
