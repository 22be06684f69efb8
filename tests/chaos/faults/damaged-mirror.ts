import { quickCheck } from '../../../electron/core/db/damage-check';
import { checkpoint, mirrorObjects, overwrite, pageSize, pagesOf } from '../../fixtures/damage';
import { STAFF, cli } from '../processes';
import { CHUNKS, type Fault } from '../scenario';

/**
 * Bytes of the mirror (the visitors table and its indexes) overwritten on
 * disk, with operations pending and, from a seeded chunk on, some of them
 * applied by the server with the answer lost (the CLI killed as it came
 * back). The faulted sync must refuse the file in words; then `rebuild`
 * keeps it aside, salvages the outbox, mirrors the server afresh and puts
 * the operations back with their opIds, and the run's final sync sends them.
 */
export const damagedMirror: Fault = {
  name: 'damaged-mirror',
  async inject(ctx, rng) {
    // 0: before the push; k: the CLI dies as chunk k's (committed) answer comes back.
    const k = rng.int(0, CHUNKS);
    if (k > 0) {
      const run = ctx.sync();
      ctx.proxy.arm({
        route: 'bulk-sync',
        index: k,
        action: {
          kind: 'hook',
          when: 'response',
          dropResponse: true,
          run: async () => run.kill('SIGKILL'),
        },
      });
      await run.done;
      ctx.proxy.disarm();
    }

    // The file as the console left it (its -wal written back), then seeded bytes
    // of seeded pages overwritten, until SQLite's own check sees the damage: a byte
    // of a value changed silently is not damage a console can notice.
    checkpoint(ctx.clientDb);
    const size = pageSize(ctx.clientDb);
    const pages = pagesOf(ctx.clientDb, mirrorObjects(ctx.clientDb));
    const hit = new Set<string>();
    let spans = 0;
    for (let round = 0; round < 20; round++) {
      const count = rng.int(1, 4);
      for (let i = 0; i < count; i++) {
        const p = rng.pick(pages);
        const length = rng.int(8, 512);
        const offset = rng.next() < 0.5 ? 0 : rng.int(0, size - length - 100);
        overwrite(ctx.clientDb, p.pageno, () => rng.next(), { offset, length, size });
        hit.add(`${p.name}#${p.pageno}`);
        spans++;
      }
      if (quickCheck(ctx.clientDb).length > 0) break;
    }

    const refused = await ctx.sync().done;
    const words = /^error: The database file .* is damaged/m.test(refused.stderr);
    const trace = /\n\s+at /.test(refused.stderr);
    const moment = k === 0 ? 'before the push' : `after chunk ${k} was applied (answer lost)`;
    if (refused.code === 0 || !words || trace) {
      ctx.notes.push(
        `NOT refused in words ${moment}: sync exit ${refused.code}, ${refused.stderr.slice(-300)}`,
      );
      return;
    }

    const rebuilt = await cli([
      'rebuild',
      '--db',
      ctx.clientDb,
      '--server',
      ctx.proxy.url,
      '--token',
      STAFF,
      '--json',
      '--quiet',
    ]).done;
    if (rebuilt.code !== 0)
      throw new Error(`rebuild exited ${rebuilt.code}: ${rebuilt.stderr.slice(-2000)}`);
    const summary = JSON.parse(rebuilt.stdout) as {
      operations: { total: number; retrying: number };
      unreadable: unknown[];
    };
    ctx.notes.push(
      `fired: ${spans} span${spans === 1 ? '' : 's'} over ${hit.size} page${hit.size === 1 ? '' : 's'} (${[...new Set([...hit].map((h) => h.split('#')[0]))].join(', ')}) ${moment}; sync refused (exit ${refused.code}); rebuild kept ${summary.operations.total} operations (${summary.operations.retrying} to retry), ${summary.unreadable.length} tables with unreadable rows`,
    );
  },
};
