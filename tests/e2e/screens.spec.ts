import { expect, test } from './harness/fixtures';

const SCREEN_CODE = /\/assets\/(Conflicts|Sync|Queue|Import|Settings)Screen-[\w-]+\.js$/;

test.describe('screens kept in chunks of their own', () => {
  test.use({ mirrored: 300 });

  test('the other screens are fetched ahead once the window is idle, and each opens', async ({
    app,
  }) => {
    const { page } = app;
    await expect(page.getByRole('row').nth(1)).toBeVisible();
    // Fetched without any click: a screen shown later does not wait for its code.
    await expect
      .poll(
        () =>
          page.evaluate(
            (src) =>
              performance.getEntriesByType('resource').filter((e) => new RegExp(src).test(e.name))
                .length,
            SCREEN_CODE.source,
          ),
        { timeout: 10_000 },
      )
      .toBe(5);

    // The Visitors screen's record panel and bulk edit dialog too (chunks of their own).
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              performance
                .getEntriesByType('resource')
                .filter((e) => /\/assets\/(RecordPanel|BulkEditDialog)-[\w-]+\.js$/.test(e.name))
                .length,
          ),
        { timeout: 10_000 },
      )
      .toBe(2);
    await page.getByRole('button', { name: 'New visitor' }).click();
    await expect(page.getByRole('heading', { name: 'New visitor', level: 2 })).toBeVisible();
    await page.getByRole('button', { name: 'Close panel' }).click();

    const nav = page.getByRole('navigation', { name: 'Screens' });
    const opens: [string, RegExp | string][] = [
      ['Conflicts', 'No open conflicts'],
      ['Sync', 'Sync'],
      ['Retry queue', 'Retry queue'],
      ['Import', 'Import visitors'],
      ['Settings', 'Settings'],
    ];
    for (const [button, heading] of opens) {
      await nav.getByRole('button', { name: button, exact: true }).click();
      await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    }
    await nav.getByRole('button', { name: 'Visitors', exact: true }).click();
    await expect(page.getByRole('row').nth(1)).toBeVisible();
  });
});

test.describe('a screen whose code cannot be fetched', () => {
  test.use({ mirrored: 50, unreachableAssets: 'assets/QueueScreen-*.js' });

  test('says so in its place, in words; the other screens go on working', async ({ app }) => {
    const { page } = app;
    await expect(page.getByRole('row').nth(1)).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Screens' });
    await nav.getByRole('button', { name: 'Retry queue', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect(
      alert.getByRole('heading', { name: 'The Retry queue screen cannot be shown' }),
    ).toBeVisible();
    await expect(alert).toContainText(
      /Its code could not be read from the installed console \(QueueScreen-[\w-]+\.js\)\./,
    );
    await expect(alert).toContainText('Your data is safe: nothing was changed.');
    await expect(alert).not.toContainText(/\bat \S+:\d+:\d+/); // no stack trace
    await app.shot('queue-unavailable');

    await nav.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();
    await nav.getByRole('button', { name: 'Visitors', exact: true }).click();
    await expect(page.getByRole('row').nth(1)).toBeVisible();
  });
});

test.describe('a panel whose code cannot be fetched', () => {
  test.use({ mirrored: 50, unreachableAssets: 'assets/RecordPanel-*.js' });

  test('says so in the panel, in words; the table goes on working', async ({ app }) => {
    const { page } = app;
    await expect(page.getByRole('row').nth(1)).toBeVisible();
    await page.getByRole('button', { name: 'New visitor' }).click();
    const alert = page.getByRole('alert');
    await expect(
      alert.getByRole('heading', { name: 'The Visitor record panel cannot be shown' }),
    ).toBeVisible();
    await expect(alert).toContainText(
      /Its code could not be read from the installed console \(RecordPanel-[\w-]+\.js\)\./,
    );
    await expect(alert).toContainText('if this panel still cannot be shown, reinstall');
    await app.shot('record-panel-unavailable');
    await alert.getByRole('button', { name: 'Close' }).click();
    await expect(alert).toHaveCount(0);
    await page.getByLabel('Search visitors').fill('zzz-nobody');
    await expect(page.getByTestId('visitor-count')).toHaveText('0 visitors');
  });
});
