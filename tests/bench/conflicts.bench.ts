import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';
import { seedConflicts } from '../fixtures/conflicts';
import { makeCore } from '../fixtures/core';
import { connectPage } from '../e2e/harness/page-core';
import { serveDir } from '../e2e/harness/static-server';
import { coreConfig, removeDir, spawnCoreProcess } from '../fixtures/core-process';
import { type Benchmark, median } from './harness';

const SCROLL_N = Number(process.env.SCROLL_N ?? 100_000);
const root = join(import.meta.dirname, '../..');
const rendererDir = join(root, 'out/renderer');

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * Scrolls `selector` through its height, one step per frame; returns each
 * frame's duration (ms) and, for each step, how many "Loading…" lines were in
 * the viewport when the frame began to draw (read after the scroll position,
 * which lays the page out anyway, so counting adds no layout of its own).
 */
const SCROLL_SCRIPT = `async (selector, marks) => {
  const el = document.querySelector(selector);
  const frames = [];
  const blank = [];
  const steps = 240;
  const max = el.scrollHeight - el.clientHeight;
  const loadingInView = () => {
    const box = el.getBoundingClientRect();
    let n = 0;
    for (const line of el.querySelectorAll('.loading')) {
      const r = line.getBoundingClientRect();
      if (r.bottom > box.top && r.top < box.bottom) n++;
    }
    return n;
  };
  let last = performance.now();
  for (let i = 0; i < steps; i++) {
    if (marks) performance.mark('step-' + i); // frame boundaries for trace-frames.ts
    // mostly a steady wheel-like scroll, every 40th frame a jump (dragging the scrollbar)
    el.scrollTop = i % 40 === 39 ? Math.random() * max : el.scrollTop + 400;
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    blank.push(loadingInView());
    last = now;
  }
  return { frames, blank };
}`;

/**
 * How far apart (rows) the sweep's jumps land: a jump brings its window and
 * the 200 rows below it (fetch-plan.ts), three blocks of 100, so jumps 300
 * rows apart load every block of the table once.
 */
const SWEEP_STEP = 300;

/**
 * Jumps `selector` from top to bottom, `step` rows at a time (rows are of
 * equal height, `rows` of them), and after each jump waits until the rows in
 * the viewport are drawn (no "Loading…" line in view): every row of the table
 * has then been loaded into the renderer once. Returns the number of jumps.
 */
const SWEEP_SCRIPT = `async (selector, rows, step) => {
  const el = document.querySelector(selector);
  const rowHeight = el.scrollHeight / rows;
  const max = el.scrollHeight - el.clientHeight;
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const loaded = () => {
    const box = el.getBoundingClientRect();
    let rowsInView = 0;
    // a row's line, drawn in full or pending (its rows are in, drawn as the scroll rests)
    for (const line of el.querySelectorAll('.loading, .pending, [data-conflict-id]')) {
      const r = line.getBoundingClientRect();
      if (r.bottom <= box.top || r.top >= box.bottom) continue;
      if (line.classList.contains('loading')) return false;
      rowsInView++;
    }
    return rowsInView > 0;
  };
  let jumps = 0;
  for (let row = 0; ; row += step) {
    el.scrollTop = Math.min(max, row * rowHeight);
    jumps++;
    const t0 = performance.now();
    do {
      await frame();
      if (performance.now() - t0 > 15000) throw new Error('rows at ' + row + ' never loaded');
    } while (!loaded());
    if (el.scrollTop >= max) return jumps;
  }
}`;

interface Scroll {
  frames: number[];
  blank: number[];
}

export const benchmarks: Benchmark[] = [
  {
    name: `renderer: first rows and scrolling ${SCROLL_N.toLocaleString('en-US')} conflicts`,
    async run() {
      // Always built afresh: an out/ left from older sources measured the old
      // renderer (a whole --full run's T7 rows once came from a stale build).
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
        // The renderer's heap after a forced collection: what the window holds, not garbage.
        const cdp = await page.context().newCDPSession(page);
        const heapMb = async () => {
          await cdp.send('HeapProfiler.collectGarbage');
          const { usedSize } = await cdp.send('Runtime.getHeapUsage');
          return usedSize / (1024 * 1024);
        };
        const heapAtStart = await heapMb();

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

        // T7_TRACE=<file>: a Chromium trace of this scroll, to read with trace-frames.ts
        // (tracing costs the renderer time of its own: not for the figures).
        const trace = process.env.T7_TRACE;
        if (trace)
          await browser.startTracing(page, {
            path: trace,
            categories: [
              'devtools.timeline',
              'disabled-by-default-devtools.timeline',
              'disabled-by-default-v8.cpu_profiler',
              'v8',
              'blink.user_timing',
              'toplevel',
            ],
          });
        const { frames, blank } = (await page.evaluate(
          `(${SCROLL_SCRIPT})('[data-testid=conflicts-scroll]', ${trace ? 'true' : 'false'})`,
        )) as Scroll;
        // T7_STEPS=1: each step's "Loading…" lines in view, a jump marked by |.
        if (process.env.T7_STEPS)
          console.error(blank.map((n, i) => (i % 40 === 39 ? '|' : '') + n).join(' '));
        if (trace) await browser.stopTracing();
        // Baseline: the same scroll over an empty element of the same height.
        const { frames: rawFrames } = (await page.evaluate(`(() => {
          const d = document.createElement('div');
          d.id = 'bench-plain';
          d.style.cssText = 'position:fixed;inset:0;overflow:auto;z-index:99;background:#fff';
          const inner = document.createElement('div');
          inner.style.height = document.querySelector('[data-testid=conflicts-scroll]').scrollHeight + 'px';
          d.appendChild(inner);
          document.body.appendChild(d);
          return (${SCROLL_SCRIPT})('#bench-plain');
        })()`)) as Scroll;
        await page.evaluate(`document.getElementById('bench-plain').remove()`);
        // The scroll above passes ~2 400 rows and six jumps' worth: to measure the heap
        // "after scrolling them all", jump through the whole table first (after the frame
        // figures, so they measure the same scroll as ever), each jump's rows loaded.
        const sweepStart = performance.now();
        const sweepJumps = (await page.evaluate(
          `(${SWEEP_SCRIPT})('[data-testid=conflicts-scroll]', ${SCROLL_N}, ${SWEEP_STEP})`,
        )) as number;
        if (process.env.T7_STEPS)
          console.error(
            `sweep: ${sweepJumps} jumps in ${Math.round(performance.now() - sweepStart)} ms`,
          );
        // After every row was loaded once: the blocks kept are those near the viewport.
        const heapAfter = await heapMb();
        const label = 'same steps over an empty scroller of equal height';
        return [
          {
            id: 'T7-first',
            name: `time to first rows (${SCROLL_N.toLocaleString('en-US')} conflicts)`,
            value: median(firstRows),
            unit: 'ms',
            baseline: median(dataMs),
            baselineLabel: 'count + first page over the same bridge, no render',
            target: { valueAtMost: 200 },
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
            // One frame at 60 Hz, pages arriving included (every step scrolls 400 px into rows not yet loaded).
            target: { valueAtMost: 16.7 },
          },
          {
            id: 'T7-max',
            name: 'scroll frame time max',
            value: Math.max(...frames),
            unit: 'ms',
            baseline: Math.max(...rawFrames),
            baselineLabel: label,
          },
          {
            id: 'T7-blank',
            name: 'scroll steps showing "Loading…" lines in the viewport',
            value: blank.filter((n) => n > 0).length,
            unit: 'steps',
            baseline: Math.floor(blank.length / 40),
            baselineLabel: 'jumps in the scroll (a jump step cannot have its rows yet)',
          },
          {
            id: 'T7-heap',
            name: `renderer heap after loading them all (${sweepJumps} jumps, top to bottom)`,
            value: Math.round(heapAfter * 10) / 10,
            unit: 'MB',
            baseline: Math.round(heapAtStart * 10) / 10,
            baselineLabel: 'the same window before opening the conflicts',
            target: { valueAtMost: 150 },
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
