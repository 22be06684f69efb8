import { chromium, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';
import { makeVisitors } from '../fixtures/visitors';
import { connectPage } from '../e2e/harness/page-core';
import { serveDir } from '../e2e/harness/static-server';
import { coreConfig, mirrorInto, removeDir, spawnCoreProcess } from '../fixtures/core-process';
import { type Benchmark, median } from './harness';

const VISITORS = 200_000;
const RUNS = 7;
const root = join(import.meta.dirname, '../..');
const rendererDir = join(root, 'out/renderer');

/** Opens `url` in a fresh page and resolves with the ms until `painted` holds, a frame later. */
async function openUntil(
  browser: Browser,
  url: string,
  painted: string,
  prepare: (page: Page) => Promise<unknown> = async () => undefined,
): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  try {
    await prepare(page);
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    // Polled every frame; the frame after the element is there is the one that painted it.
    // (A script string, as the window's CSP allows no eval and tsx's helpers are not in the page.)
    await page.evaluate(`new Promise((resolve, reject) => {
      const until = performance.now() + 30000;
      const check = () => {
        if (document.querySelector(${JSON.stringify(painted)}))
          requestAnimationFrame(() => resolve(0));
        else if (performance.now() > until) reject(new Error('not painted within 30 s'));
        else requestAnimationFrame(check);
      };
      check();
    })`);
    return performance.now() - t0;
  } finally {
    await page.close();
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: `the first window: ${VISITORS.toLocaleString('en-US')} visitors painted after the core is ready`,
    async run() {
      // Built afresh, so the figures are the sources' (conflicts.bench.ts says why).
      execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore' });
      // Undone in reverse whatever happens, so a failed start leaves no core process behind.
      const undo: (() => unknown)[] = [];
      try {
        const config = coreConfig();
        undo.push(() => removeDir(config.dir));
        mirrorInto(config.dbPath, makeVisitors(VISITORS, 1));
        const core = spawnCoreProcess(config);
        undo.push(() => core.stop());
        const blankDir = mkdtempSync(join(tmpdir(), 'vrc-blank-'));
        undo.push(() => removeDir(blankDir));
        writeFileSync(join(blankDir, 'index.html'), '<!doctype html><p id="ready">Ready</p>');
        await core.started;
        const [app, blank] = await Promise.all([serveDir(rendererDir), serveDir(blankDir)]);
        undo.push(() => Promise.all([app.close(), blank.close()]));
        const browser = await chromium.launch({
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS,
        });
        undo.push(() => browser.close());
        // One of each first: the browser's own first page costs it more than any later one.
        await openUntil(browser, blank.url, '#ready');
        await openUntil(browser, app.url, '[data-local-id]', (p) => connectPage(p, core));
        const appMs: number[] = [];
        const blankMs: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          blankMs.push(await openUntil(browser, blank.url, '#ready'));
          appMs.push(
            await openUntil(browser, app.url, '[data-local-id]', (p) => connectPage(p, core)),
          );
        }
        return [
          {
            id: 'S3-window',
            name: `a new window, from load to the Visitors screen's first rows painted (${VISITORS.toLocaleString('en-US')} mirrored, core already running; median of ${RUNS})`,
            value: median(appMs),
            unit: 'ms',
            baseline: median(blankMs),
            baselineLabel: 'the same browser opening a one-line static page, to its first paint',
            target: { valueAtMost: 1000 },
          },
        ];
      } finally {
        for (const step of undo.reverse()) await step();
      }
    },
  },
];
