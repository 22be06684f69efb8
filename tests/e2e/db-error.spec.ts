import { test, expect, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreConfig, spawnCoreProcess, type CoreProcess } from '../fixtures/core-process';
import { expectNoSeriousA11yViolations } from './harness/axe';
import { connectPage } from './harness/page-core';
import { serveDir } from './harness/static-server';

/**
 * The console's database will not open: the window shows what happened and
 * what to do (not a white window). The problem comes from a real failed open
 * of a real file, in the core's own process, through the same start-up path
 * the app's core process takes.
 */
const root = join(import.meta.dirname, '../..');
let core: CoreProcess | null = null;

async function openWith(page: Page, dir: string) {
  core = spawnCoreProcess(coreConfig({ dir }));
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
    await expect(page.getByRole('listitem').first()).toContainText(
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
