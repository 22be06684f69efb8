import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

test.describe('formats in the OS locale', () => {
  // A German desktop in Berlin: the console must not show en-US numbers or zone-less times.
  test.use({ locale: 'de-DE', timezoneId: 'Europe/Berlin', mirrored: 12, conflicts: 1_500 });

  test('numbers and dates follow the locale; audit times carry their zone; capturedAt is entered in a named zone', async ({
    app,
  }) => {
    const { page } = app;
    await nav(page, 'Conflicts').click();
    // 1.500, not 1,500.
    await expect(page.getByTestId('conflict-count')).toContainText('1.500 conflicts match');
    await expect(page.getByRole('button', { name: /Select all 1\.500 matching/ })).toBeVisible();

    // Resolve one: its audit entry says when, with the zone.
    const first = page.locator('[data-conflict-id]').first();
    const name = (await first.getByRole('cell').nth(1).innerText()).trim();
    await first.click();
    await page.keyboard.press('T'); // theirs for the whole record
    await page
      .getByRole('complementary', { name: 'Conflict detail' })
      .getByRole('button', { name: /Apply this/ })
      .click();
    await expect(page.getByRole('status')).toContainText(`Resolved ${name}`);
    await expect(page.getByTestId('conflict-count')).toContainText('1.499 conflicts match');

    await nav(page, 'Visitors').click();
    await page.getByLabel('Search visitors').fill(name);
    await page
      .getByTestId('visitor-rows')
      .getByRole('row')
      .filter({ hasText: name })
      .first()
      .click();
    const when = page
      .getByRole('region', { name: 'Decision history' })
      .getByTestId('audit-entry')
      .first()
      .locator('time');
    // German month names and the Central European zone (MEZ in winter, MESZ in summer).
    await expect(when).toHaveText(/\d{2}:\d{2}:\d{2} (MEZ|MESZ)/);
    await app.shot('audit-time-with-zone');

    // capturedAt: typed as read in New York, stored as the same instant in UTC.
    const panel = page.getByRole('complementary');
    await expect(panel.getByLabel('Time zone of “Captured at”')).toHaveValue('Europe/Berlin');
    await panel.getByLabel('Captured at', { exact: true }).fill('2026-07-01T09:30:00');
    await panel.getByLabel('Time zone of “Captured at”').selectOption('America/New_York');
    await app.shot('captured-at-zone');
    await panel.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(
        () =>
          app.sql<{ captured_at: string }>(
            'SELECT captured_at FROM visitors WHERE name = ?',
            name,
          )[0]?.captured_at,
      )
      .toBe('2026-07-01T13:30:00.000Z');
  });
});
