import { test as base, expect, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../../electron/core/ipc/dispatch';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from '../../../electron/core/sync/engine';
import { makeCore, type TestCore } from '../../fixtures/core';
import { makeVisitors } from '../../fixtures/visitors';
import { serveDir } from './static-server';
import { startSyncServer, type RunningServer } from './sync-server';

const root = join(import.meta.dirname, '../../..');
const rendererDir = join(root, 'out/renderer');

let bridgeSource: string | undefined;
export function bridge(): string {
  bridgeSource ??= buildSync({
    entryPoints: [join(import.meta.dirname, 'bridge.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
  }).outputFiles[0]!.text;
  return bridgeSource;
}

export interface ConsoleApp {
  page: Page;
  core: TestCore;
  /** Reads the SQLite file through its own connection. */
  sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): T[];
  /** Saves a screenshot of what the test just checked, under test-results/e2e/. */
  shot(name: string): Promise<void>;
}

/**
 * The console as it runs in Electron, minus Electron: the built renderer in
 * Chromium, window.api built by the preload's own buildClient, every call
 * going through the core's dispatch and handler table on a real SQLite file.
 */
export const SEED = 3;

export const test = base.extend<{
  mirrored: number;
  syncSettings: Partial<SyncSettings>;
  serverSeed: number;
  firstRun: boolean;
  syncServer: RunningServer;
  app: ConsoleApp;
}>({
  /** How many visitors the mirror holds at start, from makeVisitors(n, SEED). */
  mirrored: [0, { option: true }],
  /** Overrides of the core's SyncSettings (e.g. a small chunkSize to watch a run progress). */
  syncSettings: [{}, { option: true }],
  /** How many visitors the reference server generates at start, for tests that use syncServer. */
  serverSeed: [0, { option: true }],
  /** Start as a fresh install (the welcome screen); by default the console is already set up. */
  firstRun: [false, { option: true }],
  /** The reference sync server (server/index.ts), started only for the tests that ask for it. */
  syncServer: async ({ serverSeed }, use) => {
    const srv = await startSyncServer(serverSeed ? { seed: serverSeed } : {});
    await use(srv);
    await srv.stop();
  },
  app: async ({ page, mirrored, syncSettings, firstRun }, use, testInfo) => {
    if (!existsSync(join(rendererDir, 'index.html')))
      throw new Error('Build the renderer first: npm run build');
    const settings: SyncSettings | null = Object.keys(syncSettings).length
      ? { ...DEFAULT_SYNC_SETTINGS, ...syncSettings }
      : null;
    const core = makeCore({
      firstRun,
      ...(settings ? { settings: () => settings } : {}),
      onEvent: (event, payload) => {
        page
          .evaluate(([e, p]) => window.__vrcEmit(e as never, p), [event, payload] as const)
          .catch(() => undefined);
      },
    });
    if (mirrored) core.mirror(makeVisitors(mirrored, SEED));
    const server = await serveDir(rendererDir);
    await page.exposeBinding('__vrcInvoke', (_source, channel: unknown, request: unknown) =>
      dispatch(core.handlers, channel, request),
    );
    await page.addInitScript({ content: bridge() });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server.url);
    const shotsDir = join(root, 'test-results', 'e2e');
    mkdirSync(shotsDir, { recursive: true });
    const slug = testInfo.titlePath
      .slice(1)
      .join(' ')
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase()
      .slice(0, 80);
    await use({
      page,
      core,
      sql(query, ...params) {
        const db = new Database(core.dbPath, { readonly: true });
        try {
          return db.prepare(query).all(...params) as never;
        } finally {
          db.close();
        }
      },
      async shot(name) {
        const path = join(shotsDir, `${slug}--${name}.png`);
        await page.screenshot({ path });
        await testInfo.attach(name, { path, contentType: 'image/png' });
      },
    });
    expect(errors, 'uncaught errors in the page').toEqual([]);
    await server.close();
    core.dispose();
  },
});

export { expect };
