import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplyResult, BulkPreview } from '../../shared/ipc/conflicts-contract';
import type { JobProgress } from '../../shared/ipc/jobs-contract';
import type { Channel, RequestIn } from '../../shared/ipc/contract';
import { openDatabase } from '../../electron/core/db/open';
import { DEFAULT_SYNC_SETTINGS } from '../../electron/core/sync/engine';
import { serveDesktopLink } from '../../electron/core/desktop/desktop-serve';
import { seedConflicts } from '../fixtures/conflicts';
import { makeCore } from '../fixtures/core';
import {
  coreConfig,
  mirrorInto,
  removeDir,
  spawnCoreProcess,
  type CoreProcess,
} from '../fixtures/core-process';
import { makeVisitors, rng } from '../fixtures/visitors';
import { percentile, type Benchmark, type BenchRow } from './harness';
import { writeCsv } from './import.bench';

/**
 * "Reads never wait behind long writes": the core in its own process (as the
 * app runs it), a visitors page and a conflicts page asked for one after the
 * other while a long job runs, each page's latency measured from this
 * process over the message channel. The baseline is the same pages with the
 * core idle. Each job also reports its progress gaps (the longest time
 * between two progress events while it ran).
 */

const VISITORS = 200_000;
const CONFLICTS = 50_000;
const PUSH = 50_000;
const IMPORT = 100_000;
const TOKEN = 'bench-admin';
const root = join(import.meta.dirname, '../..');

const RULE = {
  type: 'rules',
  rules: { fields: { phone: 'client', title: 'server' }, default: 'merge' },
} as const;

/** Pages at random places of both tables, one after the other, until `busy()` says stop. */
async function pageLatencies(core: CoreProcess, busy: () => boolean, atMost = 400) {
  const random = rng(9);
  const ms: number[] = [];
  const ask = async <C extends Channel>(channel: C, request: RequestIn<C>) => {
    const t0 = performance.now();
    await core.call(channel, request);
    ms.push(performance.now() - t0);
  };
  while (busy() && ms.length < atMost) {
    await ask('visitors:page', { offset: Math.floor(random() * (VISITORS - 100)), limit: 100 });
    await ask('conflicts:page', { offset: Math.floor(random() * 1000), limit: 100 });
  }
  return ms;
}

/** The longest gap between two progress events of the job that started after `from`. */
function progressGap(core: CoreProcess, from: number, times: number[]): number {
  const seen = times.slice(from);
  let gap = 0;
  for (let i = 1; i < seen.length; i++) gap = Math.max(gap, seen[i]! - seen[i - 1]!);
  return gap;
}

async function during<T>(core: CoreProcess, work: Promise<T>) {
  let running = true;
  const latencies = pageLatencies(core, () => running, 100_000);
  let result: T;
  try {
    result = await work;
  } catch (err) {
    // The job failed: stop asking for pages (the core is about to stop) and report the job's error.
    running = false;
    await latencies.catch(() => undefined);
    throw err;
  }
  running = false;
  return { result, ms: await latencies };
}

/** Why a bulk run decided fewer conflicts than it should have, in words. */
function shortOf(what: string, r: BulkPreview, batch?: ApplyResult['batch']): string | null {
  if (r.resolvable === CONFLICTS && batch !== null) return null;
  const reasons = r.skippedReasons.map((s) => `${s.count} × ${s.reason}`).join('; ');
  return (
    `the ${what} decided ${r.resolvable} of ${CONFLICTS} conflicts (${r.targeted} targeted, ` +
    `${batch === null ? 'no batch recorded, so nothing to undo' : `${r.skipped} skipped`})` +
    (reasons ? `: ${reasons}` : '')
  );
}

/** How many visitors a console database file holds. */
function mirrorSize(dbPath: string): number {
  const db = openDatabase(dbPath);
  try {
    return (db.prepare('SELECT count(*) AS n FROM visitors').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The reference server in a process of its own (so it does not share this event loop). */
async function serverProcess(
  db: string,
  seed: number,
): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(
    process.execPath,
    [
      'scripts/run-compiled.mjs',
      'server',
      'server/cli.ts',
      '--port',
      '0',
      '--db',
      db,
      '--seed',
      String(seed),
      '--max-operations',
      '1000',
    ],
    {
      cwd: root,
      env: { ...process.env, VISITOR_SYNC_TOKENS: `${TOKEN}:admin` },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
  return { url, proc };
}

const row = (id: string, what: string, ms: number[], idle: number[]): BenchRow => ({
  id,
  name: what,
  value: percentile(ms, 95),
  unit: 'ms (p95)',
  baseline: percentile(idle, 95),
  baselineLabel: `the same pages with the core idle (${ms.length} pages measured during the job)`,
  target: { valueAtMost: 250 },
});

export const benchmarks: Benchmark[] = [
  {
    name: 'page latency while the core works (bulk apply, preview, undo)',
    async run() {
      const cfg = coreConfig();
      const seeding = makeCore({ dbPath: cfg.dbPath });
      seedConflicts(seeding, CONFLICTS);
      seeding.close();
      // The other visitors take the ids after the conflicted ones (srv-00050000 on): makeVisitors
      // numbers from srv-00000000, so its first 50 000 would overwrite the conflicted records with
      // their version 1, the server's version 2 unseen, and the apply would skip every conflict.
      mirrorInto(cfg.dbPath, makeVisitors(VISITORS, 77).slice(CONFLICTS));
      const mirrored = mirrorSize(cfg.dbPath);
      if (mirrored !== VISITORS) {
        removeDir(cfg.dir);
        throw new Error(`the mirror holds ${mirrored} visitors, the bench pages over ${VISITORS}`);
      }
      const core = spawnCoreProcess(cfg);
      const times: number[] = [];
      const progressAt = () => times.length;
      let watch: ReturnType<typeof setInterval> | undefined;
      try {
        await core.started;
        core.events.length = 0;
        const target = { filter: {} };
        await pageLatencies(core, () => true, 40); // warm-up
        const idle = await pageLatencies(core, () => true, 400);
        watch = setInterval(() => {
          while (core.events.length) {
            const e = core.events.shift()!;
            if (e.event === 'jobs:progress' && (e.payload as JobProgress).state === 'running')
              times.push(performance.now());
          }
        }, 1);

        let from = progressAt();
        const preview = await during(
          core,
          core.call('conflicts:preview', { target, decision: RULE }),
        );
        const previewGap = progressGap(core, from, times);
        const previewShort = shortOf('preview', preview.result);
        if (previewShort) throw new Error(previewShort);
        from = progressAt();
        const apply = await during(core, core.call('conflicts:apply', { target, decision: RULE }));
        const applyGap = progressGap(core, from, times);
        // The undo below undoes this apply's batch: without one it would only say "There is no
        // bulk apply to undo."
        const applyShort = shortOf('apply', apply.result, apply.result.batch);
        if (applyShort) throw new Error(applyShort);
        from = progressAt();
        const undo = await during(core, core.call('conflicts:undo', {}));
        const undoGap = progressGap(core, from, times);
        if (undo.result.batch.id !== apply.result.batch!.id || undo.result.reopened !== CONFLICTS)
          throw new Error(
            `the undo reopened ${undo.result.reopened} of ${CONFLICTS} conflicts (batch ${undo.result.batch.id}, the apply's was ${apply.result.batch!.id})`,
          );
        const gap = Math.max(previewGap, applyGap, undoGap);
        return [
          row(
            'P-apply',
            `a page while a bulk apply over ${CONFLICTS.toLocaleString('en-US')} conflicts runs`,
            apply.ms,
            idle,
          ),
          row('P-preview', 'a page while its preview (dry run) runs', preview.ms, idle),
          row('P-undo', 'a page while its undo runs', undo.ms, idle),
          {
            id: 'P-progress',
            name: 'longest gap between two progress events of a bulk job',
            value: gap,
            unit: 'ms',
            baseline: 250,
            baselineLabel: 'the promise: progress at least every 250 ms',
            target: { valueAtMost: 250 },
          },
        ];
      } finally {
        clearInterval(watch);
        await core.stop();
        removeDir(cfg.dir);
      }
    },
  },
  {
    name: 'page latency while the core syncs (first mirror, push)',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'vrc-bench-sync-'));
      const srv = await serverProcess(join(dir, 'server.sqlite'), VISITORS);
      const settings = { ...DEFAULT_SYNC_SETTINGS, requestTimeoutMs: 120_000 };
      const cfg = coreConfig({ syncSettings: settings });
      const core = spawnCoreProcess(cfg);
      try {
        await core.started;
        // The idle figure on a mirror of the same size, measured after the first sync.
        await core.call('sync:connect', { serverUrl: srv.url, token: TOKEN });
        const mirror = await during(core, core.call('sync:start', {}));
        await pageLatencies(core, () => true, 40);
        const idle = await pageLatencies(core, () => true, 400);
        // The local changes through the app's own edit path, from a second connection (faster
        // than 50 000 calls over the channel; the core process sees them as any edit).
        const editor = makeCore({ dbPath: cfg.dbPath });
        for (let i = 0; i < PUSH; i++)
          await editor.call('visitors:create', {
            values: { name: `Pushed ${i}`, email: `p${i}@bench.example`, interests: ['x'] },
          });
        editor.close();
        const push = await during(core, core.call('sync:start', {}));
        if (mirror.result.pulled < VISITORS) throw new Error(`mirrored ${mirror.result.pulled}`);
        if (push.result.created !== PUSH) throw new Error(`pushed ${push.result.created}`);
        return [
          row(
            'P-mirror',
            `a page while the first mirror of ${VISITORS.toLocaleString('en-US')} visitors runs`,
            mirror.ms,
            idle,
          ),
          row(
            'P-push',
            `a page while a push of ${PUSH.toLocaleString('en-US')} operations runs`,
            push.ms,
            idle,
          ),
        ];
      } finally {
        await core.stop();
        removeDir(cfg.dir);
        srv.proc.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'page latency while the core imports (100 000 rows)',
    async run() {
      const cfg = coreConfig({ desktop: true });
      mirrorInto(cfg.dbPath, makeVisitors(VISITORS, 5));
      const csv = join(cfg.dir, 'import.csv');
      await writeCsv(csv, IMPORT);
      const core = spawnCoreProcess(cfg);
      // Main's side of the desktop link: the open dialog answers with the file, as a person picks it.
      serveDesktopLink(
        {
          post: (data) => core.sendUnannounced('desktop', data),
          listen: (listener) => (core.listen('desktop', listener), () => undefined),
        },
        {
          answer: (ask) => Promise.resolve(ask.op === 'chooseOpenPath' ? csv : null),
          tell: () => undefined,
          warn: () => undefined,
        },
      );
      try {
        await core.started;
        await pageLatencies(core, () => true, 40);
        const idle = await pageLatencies(core, () => true, 400);
        const picked = await core.call('import:pick', {});
        if (picked.kind !== 'chosen') throw new Error('the import file was not picked');
        const { fileId, mapping } = picked.inspection;
        const run = await during(core, core.call('import:run', { fileId, mapping }));
        if (run.result.created !== IMPORT) throw new Error(`imported ${run.result.created}`);
        return [
          row(
            'P-import',
            `a page while an import of ${IMPORT.toLocaleString('en-US')} rows (CSV, in the app) runs`,
            run.ms,
            idle,
          ),
        ];
      } finally {
        await core.stop();
        removeDir(cfg.dir);
      }
    },
  },
];
