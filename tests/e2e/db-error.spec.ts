import { test, expect, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSettings } from '../../shared/settings';
import { makeCore } from '../fixtures/core';
import { coreConfig, spawnCoreProcess, type CoreProcess } from '../fixtures/core-process';
import { checkpoint, overwriteHeader } from '../fixtures/damage';
import { rng } from '../fixtures/visitors';
import { expectNoSeriousA11yViolations } from './harness/axe';
import { connectPage } from './harness/page-core';
import { serveDir } from './harness/static-server';
import { STAFF_TOKEN, startSyncServer } from './harness/sync-server';

/**
 * The console's database will not open: the window shows what happened and
 * what to do (not a white window). The problem comes from a real failed open
 * of a real file, in the core's own process, through the same start-up path
 * the app's core process takes.
 */
const root = join(import.meta.dirname, '../..');
let core: CoreProcess | null = null;

async function openWith(page: Page, dir: string, settings?: unknown) {
  core = spawnCoreProcess(coreConfig({ dir, ...(settings ? { settings } : {}) }));
  expect(await core.started).toMatchObject({ t: 'started', ok: false });
  await connectPage(page, core);
  const server = await serveDir(join(root, 'out/renderer'));
  await page.goto(server.url);
  return server;
}

test.describe('database problem screen', () => {
  let dir: string;
  test.beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vrc-dberr-'));
  });
  test.afterEach(async () => {
    await core?.stop();
    core = null;
    rmSync(dir, { recursive: true, force: true });
  });

  test('a damaged database file: what happened, what to do, and the actions', async ({ page }) => {
    const dbPath = join(dir, 'visitors.sqlite');
    writeFileSync(
      dbPath,
      'this is not a SQLite database, just text that took its place'.repeat(100),
    );
    const server = await openWith(page, dir);
    const alert = page.getByRole('alert');
    await expect(page.getByRole('heading', { name: 'The database file is damaged' })).toBeVisible();
    await expect(alert).toContainText('is damaged or is not a console database');
    await expect(alert).toContainText(dbPath);
    await expect(page.getByRole('listitem').first()).toContainText('Rebuild from the server');
    await expect(page.getByRole('listitem').nth(1)).toContainText(
      'move visitors.sqlite somewhere safe',
    );
    await expect(page.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Try again' }).click();
    // No desktop shell under test: the screen says what to do instead of failing silently.
    await expect(page.getByRole('status')).toHaveText('Restart the console by hand.');
    await expect(page.getByRole('button', { name: 'Open the data folder' })).toBeVisible();
    await page.screenshot({ path: join(root, 'test-results/e2e/db-error--damaged.png') });
    await expectNoSeriousA11yViolations(page, 'the database problem screen');
    expect(existsSync(dbPath)).toBe(true); // nothing was deleted or overwritten
    await server.close();
  });

  test('a damaged file: rebuilt from the server, the unsynced edits kept, the console opens on it', async ({
    page,
  }) => {
    const srv = await startSyncServer({ seed: 40 });
    const dbPath = join(dir, 'visitors.sqlite');
    // A console that mirrored the server and holds edits not synced yet.
    const before = makeCore({ dbPath });
    before.sync.configure({ serverUrl: srv.url, token: STAFF_TOKEN });
    await before.sync.sync();
    const [a, b] = before.repos.visitors.page({
      search: '',
      sort: { column: 'name', direction: 'asc' },
      offset: 0,
      limit: 2,
    }).rows;
    await before.call('visitors:update', { localId: a!.localId, patch: { title: 'Kept title' } });
    await before.call('visitors:update', { localId: b!.localId, patch: { notes: 'Kept notes' } });
    await before.call('visitors:create', { values: { name: 'Kept Newcomer' } });
    before.dispose();
    // Then its header is overwritten: the file will not open at all.
    checkpoint(dbPath);
    overwriteHeader(dbPath, rng(5));

    const server = await openWith(page, dir, {
      ...defaultSettings(),
      welcomeDone: true,
      connection: { kind: 'server', serverUrl: srv.url },
    });
    await expect(page.getByRole('heading', { name: 'The database file is damaged' })).toBeVisible();
    await page
      .getByRole('button', { name: 'Rebuild from the server, keeping unsynced edits' })
      .click();
    // No keychain under test: the token was never saved, so the screen asks for it.
    await expect(page.getByTestId('rebuild-error')).toContainText('is not saved on this computer');
    await page.getByLabel('Token for the sync server').fill(STAFF_TOKEN);
    await page.getByRole('button', { name: 'Rebuild with this token' }).click();

    await expect(page.getByRole('heading', { name: 'The database was rebuilt' })).toBeVisible();
    const summary = page.getByTestId('rebuild-summary');
    await expect(summary).toContainText('3 operations with their ids (3 pending');
    await expect(summary).toContainText('could not be read');
    await expect(summary).toContainText('none');
    await expect(summary).toContainText('41 visitors');
    await page.screenshot({ path: join(root, 'test-results/e2e/db-error--rebuilt.png') });
    await expectNoSeriousA11yViolations(page, 'the rebuilt database summary');
    // The damaged file is kept beside the rebuilt one, never deleted.
    const kept = readdirSync(dir).filter((f) => /^visitors\.sqlite\.damaged-\d{8}T\d{6}Z$/.test(f));
    expect(kept).toHaveLength(1);
    await expect(summary).toContainText(join(dir, kept[0]!));

    await page.getByRole('button', { name: 'Open the console' }).click();
    await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
    // The unsynced edits are on the mirror, and queued for the next sync.
    expect(await core!.call('visitors:get', { localId: a!.localId })).toMatchObject({
      title: 'Kept title',
      dirty: true,
      pending: 'update',
    });
    await expect(page.getByText('Kept Newcomer')).toBeVisible();
    await server.close();
    await srv.stop();
  });

  test('a database from a newer console: update, or move it aside', async ({ page }) => {
    const dbPath = join(dir, 'visitors.sqlite');
    const db = new Database(dbPath);
    db.pragma('user_version = 999');
    db.close();
    const server = await openWith(page, dir);
    await expect(
      page.getByRole('heading', {
        name: 'The database was written by a newer version of the console',
      }),
    ).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('schema 999');
    await expect(page.getByRole('alert')).toContainText(
      'Install the newer version of the console again',
    );
    await page.screenshot({ path: join(root, 'test-results/e2e/db-error--newer.png') });
    await server.close();
  });
});
