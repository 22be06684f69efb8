import { test as base, expect, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StartConfig } from '../../../electron/core/host/start-config';
import type { SyncSettings } from '../../../electron/core/sync/engine';
import { DEFAULT_SYNC_SETTINGS } from '../../../electron/core/sync/engine';
import {
  coreConfig,
  mirrorInto,
  removeDir,
  spawnCoreProcess,
  type CoreProcess,
} from '../../fixtures/core-process';
import { seedConflicts } from '../../fixtures/conflicts';
import { makeCore } from '../../fixtures/core';
import { makeVisitors } from '../../fixtures/visitors';
import { serveDesktopLink } from '../../../electron/core/desktop/desktop-serve';
import type { UpdateOffer } from '../../../shared/ipc/updates-contract';
import { connectPage } from './page-core';
import { serveDir } from './static-server';
import { startSyncServer, type RunningServer } from './sync-server';

const root = join(import.meta.dirname, '../../..');
const rendererDir = join(root, 'out/renderer');

/** The core process behind the page, which a test may kill and start again on the same files. */
export interface PageCore extends CoreProcess {
  /** SIGKILL: the window's calls in flight fail, new ones wait (it shows "reconnecting"). */
  crash(): Promise<void>;
  /** A new core process on the same files, and a new port for the page, as main does. */
  restart(): Promise<void>;
}

export interface ConsoleApp {
  page: Page;
  /** The core's own process: calls from the test go over a message channel, like the page's. */
  core: PageCore;
  /** Reads the SQLite file through its own connection. */
  sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): T[];
  /** What the core asked of the desktop (main's side), in order: only with `updateFeed`. */
  desktop: { asked: string[]; told: string[] };
  /** Saves a screenshot of what the test just checked, under test-results/e2e/. */
  shot(name: string): Promise<void>;
  /**
   * What the next open dialog answers (a file's path, or null for Cancel);
   * needs the `desktop` option, where the harness plays main's desktop link.
   */
  pickFile(path: string | null): void;
}

export const SEED = 3;

/**
 * The console as it runs in Electron, minus Electron: the built renderer in
 * Chromium, window.api built by the preload's own client code, every call
 * carried to the core's own process (the same entry main starts as a
 * utilityProcess) over a real message channel, on a real SQLite file.
 */
export const test = base.extend<{
  mirrored: number;
  /** Field conflicts written into the database before the core starts (seedConflicts). */
  conflicts: number;
  syncSettings: Partial<SyncSettings>;
  serverSeed: number;
  firstRun: boolean;
  /** Background syncs (interval, due retries) on from the start, as in the app. */
  background: boolean;
  /** Overrides of the core's start (e.g. a database file that will not open). */
  coreStart: Partial<StartConfig>;
  /** A desktop link answered by the harness (open dialogs through `app.pickFile`). */
  desktop: boolean;
  /**
   * With a feed, the harness plays main's side of the desktop link as the
   * packaged app does with electron-updater: a check answers this release
   * (null: the console is the newest), a download succeeds at once, and
   * every ask and tell is recorded in `app.desktop`.
   */
  updateFeed: { offer: UpdateOffer | null } | null;
  /** A glob of the built window's files the page cannot fetch, as from a damaged install. */
  unreachableAssets: string | null;
  syncServer: RunningServer;
  app: ConsoleApp;
}>({
  /** How many visitors the mirror holds at start, from makeVisitors(n, SEED). */
  mirrored: [0, { option: true }],
  conflicts: [0, { option: true }],
  /** Overrides of the core's SyncSettings (e.g. a small chunkSize to watch a run progress). */
  syncSettings: [{}, { option: true }],
  /** How many visitors the reference server generates at start, for tests that use syncServer. */
  serverSeed: [0, { option: true }],
  /** Start as a fresh install (the welcome screen); by default the console is already set up. */
  firstRun: [false, { option: true }],
  background: [false, { option: true }],
  coreStart: [{}, { option: true }],
  desktop: [false, { option: true }],
  updateFeed: [null, { option: true }],
  unreachableAssets: [null, { option: true }],
  /** The reference sync server (server/index.ts), started only for the tests that ask for it. */
  syncServer: async ({ serverSeed }, use) => {
    const srv = await startSyncServer(serverSeed ? { seed: serverSeed } : {});
    await use(srv);
    await srv.stop();
  },
  app: async (
    {
      page,
      mirrored,
      conflicts,
      syncSettings,
      firstRun,
      background,
      coreStart,
      desktop,
      updateFeed,
      unreachableAssets,
    },
    use,
    testInfo,
  ) => {
    if (!existsSync(join(rendererDir, 'index.html')))
      throw new Error('Build the renderer first: npm run build');
    const config = coreConfig({
      firstRun,
      background,
      desktop,
      ...(Object.keys(syncSettings).length
        ? { syncSettings: { ...DEFAULT_SYNC_SETTINGS, ...syncSettings } }
        : {}),
      ...coreStart,
      ...(updateFeed ? { desktop: true, updates: true } : {}),
    });
    if (mirrored) mirrorInto(config.dbPath, makeVisitors(mirrored, SEED));
    if (conflicts) {
      const seeding = makeCore({ dbPath: config.dbPath });
      seedConflicts(seeding, conflicts);
      seeding.close();
    }

    const picks: (string | null)[] = [];
    let core = spawnCoreProcess(config);
    // Main's side of the desktop link, as the packaged app serves it: open dialogs answered
    // through app.pickFile, an update feed when the test gives one, every ask and tell recorded.
    const desktopLog = { asked: [] as string[], told: [] as string[] };
    const serveDesktop = (c: CoreProcess) =>
      serveDesktopLink(
        {
          post: (data) => c.sendUnannounced('desktop', data),
          listen: (listener) => (c.listen('desktop', listener), () => undefined),
        },
        {
          answer(ask) {
            desktopLog.asked.push(ask.op);
            if (ask.op === 'chooseOpenPath') return Promise.resolve(picks.shift() ?? null);
            if (ask.op === 'updateCheck') return Promise.resolve(updateFeed?.offer ?? null);
            return Promise.resolve(ask.op === 'updateDownload' ? true : null);
          },
          tell: (t) => void desktopLog.told.push(t.op),
          warn: (m) => void desktopLog.told.push(`refused: ${m}`),
        },
      );
    if (config.desktop) serveDesktop(core);
    const link = await connectPage(page, core);
    await core.started;
    const crash = async () => {
      await core.kill('SIGKILL');
      await page.evaluate(() => window.__vrcDisconnect());
    };
    const restart = async () => {
      core = spawnCoreProcess(config);
      if (config.desktop) serveDesktop(core);
      link.attach(core);
      await core.started;
      await page.evaluate(() => window.__vrcConnect());
    };
    // The current process's members (a restart swaps the process), plus crash and restart.
    const appCore = new Proxy({} as PageCore, {
      get: (_target, key) =>
        key === 'crash' ? crash : key === 'restart' ? restart : Reflect.get(core, key),
    });

    const server = await serveDir(rendererDir);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    if (unreachableAssets) await page.route(`${server.url}${unreachableAssets}`, (r) => r.abort());
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
      core: appCore,
      desktop: desktopLog,
      sql(query, ...params) {
        const db = new Database(config.dbPath, { readonly: true });
        try {
          return db.prepare(query).all(...params) as never;
        } finally {
          db.close();
        }
      },
      pickFile(path) {
        picks.push(path);
      },
      async shot(name) {
        const path = join(shotsDir, `${slug}--${name}.png`);
        await page.screenshot({ path });
        await testInfo.attach(name, { path, contentType: 'image/png' });
      },
    });
    expect(errors, 'uncaught errors in the page').toEqual([]);
    await server.close();
    await core.stop();
    removeDir(config.dir);
  },
});

export { expect };
