import { join } from 'node:path';
import { ROOT } from '../processes';
import type { Fault } from '../scenario';

/** The client's clock runs 24 h ahead or behind for the whole push (see ../clock-skew.mjs). */
export const clockSkew: Fault = {
  name: 'clock-skew',
  async inject(ctx, rng) {
    const hours = rng.pick([24, -24]);
    const hook = join(ROOT, 'tests/chaos/clock-skew.mjs');
    const r = await ctx.sync({
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${hook}`.trim(),
      CHAOS_CLOCK_OFFSET_MS: String(hours * 3_600_000),
    }).done;
    ctx.notes.push(`fired: client clock ${hours > 0 ? '+' : ''}${hours} h (sync exit ${r.code})`);
  },
};
