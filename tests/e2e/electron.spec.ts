import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

test.describe('the packaged shell (Electron)', () => {
  test.skip(
    whyMissing !== '',
    `Electron is not installed on this machine (${whyMissing}); installs here use ELECTRON_SKIP_BINARY_DOWNLOAD=1 because the binary cannot be downloaded. Run on a machine with internet to exercise the real shell.`,
  );

  test('opens the console with the preload bridge, creates a visitor through real IPC', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'vrc-electron-'));
    const app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [root],
      env: { ...process.env, ELECTRON_RENDERER_URL: '', VRC_USER_DATA: userData },
    });
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveTitle('Visitor Reconciliation Console');
      // The renderer sees the typed client and nothing of Node.
      expect(
        await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require),
      ).toBe('undefined');
      await page.getByRole('button', { name: 'New visitor' }).click();
      await page.getByLabel('Name').fill('Electron Visitor');
      await page.getByRole('button', { name: 'Create visitor' }).click();
      await expect(page.getByTestId('pending-total')).toHaveText('1 pending change');
      await page.screenshot({ path: join(root, 'test-results/e2e/electron--created.png') });
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
