import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { expectNoSeriousA11yViolations } from './harness/axe';
import { ADMIN_TOKEN } from './harness/sync-server';

const OFFER = {
  version: '2.0.0',
  notes: 'Faster bulk apply.\nThe retry queue shows the next attempt per operation.',
};
const dialog = (page: Page) => page.getByRole('dialog');
const checks = (asked: string[]) => asked.filter((op) => op === 'updateCheck').length;

test.describe('updates', () => {
  test.describe('a release on the feed', () => {
    test.use({ updateFeed: { offer: OFFER } });

    test('checked at start, downloaded, its notes shown; installs only on "Restart and install"', async ({
      app,
    }) => {
      const { page, desktop } = app;
      await expect(dialog(page)).toBeVisible();
      await expect(dialog(page).getByRole('heading', { level: 2 })).toHaveText(
        'Version 2.0.0 is ready',
      );
      await expect(dialog(page).getByRole('region', { name: 'Release notes' })).toContainText(
        'The retry queue shows the next attempt per operation.',
      );
      expect(desktop.asked).toEqual(['updateCheck', 'updateDownload']);
      await expectNoSeriousA11yViolations(page, 'the update dialog');
      await app.shot('update-ready');

      await dialog(page).getByRole('button', { name: 'Later' }).click();
      await expect(dialog(page)).toHaveCount(0);
      expect(desktop.told).not.toContain('updateInstall');

      // The menu's "Check for Updates…" shows the ready update again, without a new check.
      app.core.control({ t: 'command', command: 'check-updates' });
      await expect(dialog(page)).toBeVisible();
      expect(checks(desktop.asked)).toBe(1);
      await dialog(page).getByRole('button', { name: 'Restart and install' }).click();
      await expect.poll(() => desktop.told).toContain('updateInstall');
    });
  });

  test.describe('no update while a sync runs', () => {
    test.use({
      updateFeed: { offer: null },
      serverSeed: 50,
      syncSettings: { chunkSize: 5 },
    });

    test('a check asked during a sync waits for the run to end', async ({ app, syncServer }) => {
      const { page, desktop } = app;
      await expect.poll(() => checks(desktop.asked)).toBe(1); // the start-up check: up to date
      await expect(dialog(page)).toHaveCount(0);
      await app.core.call('sync:connect', { serverUrl: syncServer.url, token: ADMIN_TOKEN });
      await app.core.call('sync:start', {});
      for (let i = 0; i < 20; i++)
        await app.core.call('visitors:create', { values: { name: `Guest ${i}`, interests: [] } });

      // 4 chunks, each answered 3 s late: the run is still under way while the check is asked,
      // even on a busy machine.
      syncServer.faults.set({ delayResponses: { count: 4, ms: 3000 } });
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: 'Sync', exact: true })
        .click();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled();
      app.core.control({ t: 'command', command: 'check-updates' });
      await expect(dialog(page)).toContainText('Waiting for the sync under way to end.');
      expect(checks(desktop.asked)).toBe(1);
      await expect(page.getByTestId('sync-indicator')).toContainText('Syncing');
      await app.shot('check-waits-for-sync');

      await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
      await expect(dialog(page).getByRole('heading', { level: 2 })).toHaveText('No update');
      expect(checks(desktop.asked)).toBe(2);
      await app.shot('up-to-date-after-sync');
      await dialog(page).getByRole('button', { name: 'Close' }).click();
      await expect(dialog(page)).toHaveCount(0);
    });
  });
});
