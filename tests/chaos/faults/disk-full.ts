import { CHUNKS, type Fault } from '../scenario';

/** The client database's own disk: far more than the run needs (a few MB), small enough to fill at once. */
const DISK_BYTES = 8 * 1024 * 1024;

/**
 * The client's disk fills up mid-push: the database lives on a small tmpfs
 * (mounted by the scenario, unmounted after), and as chunk k goes out or its
 * answer comes back a filler file takes all of it but 0–8 KB. The faulted
 * `sync` must stop and say so in words (no stack trace, not `internal`), with
 * no run left "running"; once the filler is removed the next `sync` must go
 * through (exit 0). The checker then reads both databases as for any fault.
 */
export const diskFull: Fault = {
  name: 'disk-full',
  clientDiskBytes: DISK_BYTES,
  async inject(ctx, rng) {
    const disk = ctx.disk;
    if (!disk) throw new Error('disk-full: the scenario did not put the client on a tmpfs');
    const index = rng.int(1, CHUNKS);
    const when = rng.pick(['request', 'response'] as const);
    const leave = rng.int(0, 8) * 1024;
    let freeBefore = 0;
    let freeAfter = 0;
    ctx.proxy.arm({
      route: 'bulk-sync',
      index,
      action: {
        kind: 'hook',
        when,
        run: async () => {
          freeBefore = disk.free();
          freeAfter = disk.fill(leave);
        },
      },
    });
    const r = await ctx.sync().done;
    const fired = ctx.proxy.fired();
    disk.unfill();

    const summary = parseSummary(r.stdout);
    const said = summary?.lastError ?? wordsOnStderr(r.stderr);
    ctx.expect(fired, `the disk was never filled (chunk ${index} did not come)`);
    ctx.expect(r.code !== 0, 'the faulted sync exited 0 on a full disk');
    ctx.expect(
      said?.code === 'disk_full',
      `the faulted sync did not say the disk is full: ${said ? `[${said.code}] ${said.message}` : r.stderr.trim().slice(-300)}`,
    );
    ctx.expect(!/\n\s+at /.test(r.stderr), `a stack trace on stderr: ${r.stderr.slice(-500)}`);
    // Every run of the faulted sync came to an end (none left "running").
    ctx.expect(
      (summary?.runs ?? []).every((run) => run.outcome !== null),
      'a run of the faulted sync has no outcome',
    );

    // The space is back: the next sync finishes what the full disk stopped.
    const next = await ctx.sync().done;
    ctx.expect(
      next.code === 0,
      `the sync after the disk was freed exited ${next.code}: ${next.stderr.trim().split('\n').at(-1)}`,
    );
    ctx.notes.push(
      fired
        ? `fired: disk full at chunk ${index} ${when}, ${Math.round(freeBefore / 1024)} KB free -> ${Math.round(freeAfter / 1024)} KB (sync exit ${r.code}${said ? ` [${said.code}]` : ''}; next sync exit ${next.code})`
        : `chunk ${index}`,
    );
  },
};

interface Said {
  code: string;
  message: string;
}

function parseSummary(
  stdout: string,
): { lastError: Said | null; runs: { outcome: string | null }[] } | null {
  try {
    return JSON.parse(stdout) as { lastError: Said | null; runs: { outcome: string | null }[] };
  } catch {
    return null;
  }
}

/** `error: <words> [code]`, as the CLI says what stopped it before a summary. */
function wordsOnStderr(stderr: string): Said | null {
  const m = /^error: (.*) \[([a-z_]+)\]$/m.exec(stderr);
  return m ? { code: m[2]!, message: m[1]! } : null;
}
