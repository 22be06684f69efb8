import { chromium } from '@playwright/test';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';
import { seedConflicts } from '../fixtures/conflicts';
import { makeCore, type TestCore } from '../fixtures/core';
import { connectPage } from '../e2e/harness/page-core';
import { serveDir } from '../e2e/harness/static-server';
import { coreConfig, removeDir, spawnCoreProcess } from '../fixtures/core-process';
import { type Benchmark, median } from './harness';

const APPLY_N = 50_000;
const SCROLL_N = Number(process.env.SCROLL_N ?? 100_000);
const root = join(import.meta.dirname, '../..');
const rendererDir = join(root, 'out/renderer');

const RULE = {
  type: 'rules',
  rules: { fields: { phone: 'client', title: 'server' }, default: 'merge' },
} as const;

async function call(core: TestCore, channel: string, request: unknown): Promise<unknown> {
  const r = await dispatch(core.handlers, channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
}

/**
 * The least any apply must write for these conflicts, as raw SQL in one
 * transaction: each visitor's values, one outbox row, the conflict closed.
 */
function rawApply(dbPath: string): number {
  const db = new Database(dbPath);
  const conflicts = db
    .prepare(
      "SELECT id, local_id, client_data, server_version FROM conflicts WHERE status = 'open'",
    )
    .all() as { id: number; local_id: string; client_data: string; server_version: number }[];
  const setVisitor = db.prepare(
    'UPDATE visitors SET phone = ?, dirty = 1, updated_at = ? WHERE local_id = ?',
  );
  const addOp =
    db.prepare(`INSERT INTO outbox (op_id, action, local_id, data, base_version, op_timestamp, created_at, updated_at)
    VALUES (?, 'update', ?, ?, ?, ?, ?, ?)`);
  const close = db.prepare(
    "UPDATE conflicts SET status = 'resolved', resolved_at = ? WHERE id = ?",
  );
  const t0 = performance.now();
  db.transaction(() => {
    const at = new Date().toISOString();
    for (const c of conflicts) {
      const phone = (JSON.parse(c.client_data) as { phone: string }).phone;
      setVisitor.run(phone, at, c.local_id);
      addOp.run(`raw-${c.id}`, c.local_id, JSON.stringify({ phone }), c.server_version, at, at, at);
      close.run(at, c.id);
    }
  })();
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Scrolls `selector` through its height, one step per frame; returns each frame's duration (ms). */
const SCROLL_SCRIPT = `async (selector) => {
  const el = document.querySelector(selector);
  const frames = [];
  const steps = 240;
  const max = el.scrollHeight - el.clientHeight;
  let last = performance.now();
  for (let i = 0; i < steps; i++) {
    // mostly a steady wheel-like scroll, every 40th frame a jump (dragging the scrollbar)
    el.scrollTop = i % 40 === 39 ? Math.random() * max : el.scrollTop + 400;
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  return frames;
}`;

export const benchmarks: Benchmark[] = [
  {
    name: `apply one bulk rule to ${APPLY_N.toLocaleString('en-US')} conflicts`,
    async run() {
      const core = makeCore();
      seedConflicts(core, APPLY_N);
      const target = { filter: {} };
      let t0 = performance.now();
      const preview = (await call(core, 'conflicts:preview', { target, decision: RULE })) as {
        resolvable: number;
      };
      const previewMs = performance.now() - t0;
      if (preview.resolvable !== APPLY_N) throw new Error(`preview resolved ${preview.resolvable}`);
      t0 = performance.now();
      const applied = (await call(core, 'conflicts:apply', { target, decision: RULE })) as {
        resolvable: number;
      };
      const applyMs = performance.now() - t0;
      if (applied.resolvable !== APPLY_N) throw new Error(`apply resolved ${applied.resolvable}`);
      t0 = performance.now();
      await call(core, 'conflicts:undo', {});
      const undoMs = performance.now() - t0;
      core.dispose();

      const rawCore = makeCore();
      seedConflicts(rawCore, APPLY_N);
      const rawPath = rawCore.dbPath;
      rawCore.close();
      const baseline = rawApply(rawPath);
      rawCore.dispose();
      const label = 'raw SQL: visitor UPDATE + outbox INSERT + conflict UPDATE per row, one tx';
      return [
        {
          id: 'T6',
          name: 'bulk rule apply (one tx)',
          value: applyMs,
          unit: 'ms',
          baseline,
          baselineLabel: label,
        },
        {
          id: 'T6-preview',
          name: 'bulk rule preview (dry run)',
          value: previewMs,
          unit: 'ms',
          baseline,
          baselineLabel: label,
        },
        {
          id: 'T6-undo',
          name: 'undo of that apply',
          value: undoMs,
          unit: 'ms',
          baseline,
          baselineLabel: label,
        },
      ];
    },
  },
  {
    name: `renderer: first rows and scrolling ${SCROLL_N.toLocaleString('en-US')} conflicts`,
    async run() {
      if (!existsSync(join(rendererDir, 'index.html')))
        execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore' });
      // The conflicts in a database file, then the core's own process on it, as in the app.
      const config = coreConfig();
      const seeding = makeCore({ dbPath: config.dbPath });
      seedConflicts(seeding, SCROLL_N);
      seeding.close();
      const core = spawnCoreProcess(config);
      await core.started;
      const server = await serveDir(rendererDir);
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
        await connectPage(page, core);
        await page.goto(server.url);
        await page.getByRole('button', { name: 'Conflicts', exact: true }).waitFor();

        // The data alone: the same count + first page over the same channel, no rendering.
        // (Page scripts are strings: tsx's helpers do not exist in the page.)
        const dataMs: number[] = [];
        for (let i = 0; i < 5; i++)
          dataMs.push(
            (await page.evaluate(`(async () => {
              const t0 = performance.now();
              await Promise.all([
                window.api.invoke('conflicts:count', {}),
                window.api.invoke('conflicts:page', { offset: 0, limit: 100 }),
              ]);
              return performance.now() - t0;
            })()`)) as number,
          );

        // Time to first rows: click → the first conflict row painted.
        const firstRows: number[] = [];
        for (let i = 0; i < 5; i++) {
          await page.getByRole('button', { name: 'Visitors', exact: true }).click();
          firstRows.push(
            (await page.evaluate(`new Promise((resolve) => {
              const t0 = performance.now();
              const done = () => {
                if (document.querySelector('[data-conflict-id]'))
                  requestAnimationFrame(() => resolve(performance.now() - t0));
                else requestAnimationFrame(done);
              };
              [...document.querySelectorAll('nav button')]
                .find((b) => b.textContent === 'Conflicts')
                .dispatchEvent(new MouseEvent('click', { bubbles: true }));
              requestAnimationFrame(done);
            })`)) as number,
          );
        }

        const frames = (await page.evaluate(
          `(${SCROLL_SCRIPT})('[data-testid=conflicts-scroll]')`,
        )) as number[];
        // Baseline: the same scroll over an empty element of the same height.
        const rawFrames = (await page.evaluate(`(() => {
          const d = document.createElement('div');
          d.id = 'bench-plain';
          d.style.cssText = 'position:fixed;inset:0;overflow:auto;z-index:99;background:#fff';
          const inner = document.createElement('div');
          inner.style.height = document.querySelector('[data-testid=conflicts-scroll]').scrollHeight + 'px';
          d.appendChild(inner);
          document.body.appendChild(d);
          return (${SCROLL_SCRIPT})('#bench-plain');
        })()`)) as number[];
        const label = 'same steps over an empty scroller of equal height';
        return [
          {
            id: 'T7-first',
            name: `time to first rows (${SCROLL_N.toLocaleString('en-US')} conflicts)`,
            value: median(firstRows),
            unit: 'ms',
            baseline: median(dataMs),
            baselineLabel: 'count + first page over the same bridge, no render',
          },
          {
            id: 'T7-p50',
            name: 'scroll frame time p50',
            value: percentile(frames, 50),
            unit: 'ms',
            baseline: percentile(rawFrames, 50),
            baselineLabel: label,
          },
          {
            id: 'T7-p95',
            name: 'scroll frame time p95',
            value: percentile(frames, 95),
            unit: 'ms',
            baseline: percentile(rawFrames, 95),
            baselineLabel: label,
          },
          {
            id: 'T7-max',
            name: 'scroll frame time max',
            value: Math.max(...frames),
            unit: 'ms',
            baseline: Math.max(...rawFrames),
            baselineLabel: label,
          },
        ];
      } finally {
        await browser.close();
        await server.close();
        await core.stop();
        removeDir(config.dir);
      }
    },
  },
];
