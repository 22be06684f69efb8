import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The real app: Electron's main, the core in its utilityProcess, the
 * sandboxed window with its preload, talking over MessagePorts. Runs where
 * the Electron binary exists (the desktop CI workflow, a developer's
 * machine); elsewhere it skips and says why.
 */
const root = join(import.meta.dirname, '../..');

/** The path of the Electron binary, or why there is none. */
function electronBinary(): { path: string } | { missing: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown as string;
    return existsSync(path) ? { path } : { missing: `the Electron binary is not at ${path}` };
  } catch (err) {
    return { missing: (err as Error).message.split('\n')[0]! };
  }
}

const binary = electronBinary();
const whyMissing = 'missing' in binary ? binary.missing : '';
const electronPath = () => (binary as { path: string }).path;

async function launch(userData: string): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: electronPath(),
    args: [root],
    env: { ...process.env, ELECTRON_RENDERER_URL: '', VRC_USER_DATA: userData },
  });
}

/** A profile with `n` conflicts and the welcome done, written by Electron-as-Node (its ABI). */
function seededProfile(n: number): string {
  const userData = mkdtempSync(join(tmpdir(), 'vrc-electron-'));
  const script = join(userData, 'seed.mjs');
  buildSync({
    entryPoints: [join(import.meta.dirname, 'electron-seed.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: script,
    absWorkingDir: root,
    nodePaths: [join(root, 'node_modules')],
  });
  execFileSync(electronPath(), [script, userData, String(n)], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_PATH: join(root, 'node_modules') },
    stdio: 'inherit',
  });
  return userData;
}

const shot = (page: { screenshot(o: { path: string }): Promise<unknown> }, name: string) =>
  page.screenshot({ path: join(root, `test-results/e2e/electron--${name}.png`) });

test.describe('the packaged shell (Electron)', () => {
  test.skip(
    whyMissing !== '',
    `Electron is not installed on this machine (${whyMissing}); installs here use ELECTRON_SKIP_BINARY_DOWNLOAD=1 because the binary cannot be downloaded. The desktop CI workflow (.github/workflows/desktop.yml) runs this on Linux, Windows and macOS.`,
  );
  let userData = '';
  test.afterEach(() => rmSync(userData, { recursive: true, force: true }));

  test('starts with the preload API and nothing of Node; a forged channel is refused; the demo syncs with progress', async () => {
    userData = mkdtempSync(join(tmpdir(), 'vrc-electron-'));
    const app = await launch(userData);
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveTitle('Visitor Reconciliation Console');
      const surface = await page.evaluate(() => ({
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
        api: Object.keys(window.api ?? {}).sort(),
      }));
      expect(surface).toEqual({
        require: 'undefined',
        process: 'undefined',
        api: ['invoke', 'on'],
      });
      const forged = await page.evaluate(() =>
        window
          .api!.invoke('fs:readFile' as never, {} as never)
          .catch((e: { code: string }) => e.code),
      );
      expect(forged).toBe('unknown_channel');
      const badPayload = await page.evaluate(() =>
        window
          .api!.invoke('visitors:get', { localId: 42 } as never)
          .catch((e: { code: string }) => e.code),
      );
      expect(badPayload).toBe('invalid_request');

      await page.getByRole('button', { name: 'Try the demo' }).click();
      await expect(page.getByTestId('demo-ready')).toBeVisible({ timeout: 90_000 });
      await page.getByRole('button', { name: 'Open the console' }).click();
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: 'Sync' })
        .click();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await expect(page.getByRole('progressbar', { name: 'Sync progress' })).toBeVisible();
      await expect(page.getByTestId('progress-percent')).toHaveText('100%', { timeout: 60_000 });
      await shot(page, 'demo-synced');
    } finally {
      await app.close();
    }
  });

  test('a large bulk apply shows its progress while the table still scrolls', async () => {
    const N = 30_000;
    userData = seededProfile(N);
    const app = await launch(userData);
    try {
      const page = await app.firstWindow();
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: 'Conflicts' })
        .click();
      await expect(page.getByTestId('conflict-count')).toContainText('30,000 conflicts match');
      await page.getByRole('button', { name: /Select all .* matching/ }).click();
      await page.getByRole('button', { name: 'Rule per field…' }).click();
      await page
        .getByRole('dialog', { name: 'Rule per field' })
        .getByRole('button', { name: 'Preview rule' })
        .click();
      const dialog = page.getByRole('dialog', { name: 'Preview of the bulk apply' });
      await dialog
        .getByRole('button', { name: 'Apply to 30,000 conflicts' })
        .click({ timeout: 120_000 });
      const bar = page.getByTestId('job-bar');
      await expect(bar.getByTestId('job-progress')).toHaveText(/ of 30,000 conflicts/);
      // The window is not waiting on SQLite: it scrolls and new rows paint while the job runs.
      const scroller = page.getByTestId('conflicts-scroll');
      const firstRow = await page
        .locator('[data-conflict-id]')
        .first()
        .getAttribute('data-conflict-id');
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
      await expect
        .poll(() => page.locator('[data-conflict-id]').first().getAttribute('data-conflict-id'))
        .not.toBe(firstRow);
      await expect(bar).toBeVisible();
      await shot(page, 'apply-while-scrolling');
      await expect(page.getByText(/Resolved 30,000 conflicts/)).toBeVisible({ timeout: 300_000 });
    } finally {
      await app.close();
    }
  });

  test('a quit and relaunch keeps every change', async () => {
    userData = seededProfile(10);
    let app = await launch(userData);
    try {
      const page = await app.firstWindow();
      await page.getByRole('button', { name: 'New visitor' }).click();
      await page.getByRole('complementary').getByLabel('Name').fill('Kept Across Restarts');
      await page.getByRole('button', { name: 'Create visitor' }).click();
      await expect(page.getByTestId('pending-total')).toHaveText('1 pending change');
    } finally {
      await app.close();
    }
    app = await launch(userData);
    try {
      const page = await app.firstWindow();
      await page.getByLabel('Search visitors').fill('Kept Across');
      await expect(
        page
          .getByTestId('visitor-rows')
          .getByRole('row')
          .filter({ hasText: 'Kept Across Restarts' }),
      ).toHaveCount(1);
      await expect(page.getByTestId('pending-total')).toHaveText('1 pending change');
      await shot(page, 'relaunched');
    } finally {
      await app.close();
    }
  });
});
