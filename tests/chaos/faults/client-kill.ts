import { CHUNKS, type Fault } from '../scenario';

/** The CLI is SIGKILLed as the k-th chunk goes out or as its (committed) answer comes back. */
export const clientKill: Fault = {
  name: 'client-kill',
  async inject(ctx, rng) {
    const index = rng.int(1, CHUNKS);
    const when = rng.pick(['request', 'response'] as const);
    const run = ctx.sync();
    ctx.proxy.arm({
      route: 'bulk-sync',
      index,
      action: { kind: 'hook', when, dropResponse: true, run: async () => run.kill('SIGKILL') },
    });
    const r = await run.done;
    ctx.notes.push(
      ctx.proxy.fired()
        ? `fired: SIGKILL at chunk ${index} ${when} (${r.signal ?? r.code})`
        : `chunk ${index}`,
    );
  },
};
