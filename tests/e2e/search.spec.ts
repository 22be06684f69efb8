import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';

const rows = (page: Page) => page.getByTestId('visitor-rows').getByRole('row');

test.describe('visitors search and filters', () => {
  test.use({ mirrored: 300 });

  test('finds words in any field by prefix, filters by sync state, capture method and date, sorts by Phone', async ({
    app,
  }) => {
    const { page } = app;
    await expect(page.getByTestId('visitor-count')).toHaveText('300 visitors');

    // A phone number's digits (a field the old search never looked at).
    const [one] = app.sql<{ name: string; phone: string }>(
      'SELECT name, phone FROM visitors ORDER BY local_id LIMIT 1',
    );
    const digits = one!.phone.split('-').at(-1)!;
    const withDigits = app.sql<{ n: number }>(
      "SELECT count(*) AS n FROM visitors WHERE phone LIKE '%-' || ?",
      digits,
    )[0]!.n;
    await page.getByLabel('Search visitors').fill(digits.slice(0, 3));
    await expect(rows(page).filter({ hasText: one!.name }).first()).toBeVisible();
    await page.getByLabel('Search visitors').fill(digits);
    await expect(page.getByTestId('visitor-count')).toHaveText(
      `${withDigits} visitor${withDigits === 1 ? '' : 's'}`,
    );
    await app.shot('search-phone');

    // Notes: "booth" is only ever in the notes.
    const booth = app.sql<{ n: number }>(
      "SELECT count(*) AS n FROM visitors WHERE notes LIKE '%booth%'",
    )[0]!.n;
    await page.getByLabel('Search visitors').fill('boo');
    await expect(page.getByTestId('visitor-count')).toHaveText(`${booth} visitors`);
    await page.getByLabel('Search visitors').fill('');
    await expect(page.getByTestId('visitor-count')).toHaveText('300 visitors');

    // Edit one visitor: it is the only one waiting to sync.
    await rows(page).first().click();
    const panel = page.getByRole('complementary');
    const edited = await panel.getByLabel('Name').inputValue();
    await panel.getByLabel('Title').fill('Chief Importer');
    await panel.getByRole('button', { name: /Save/ }).click();
    await expect(page.getByTestId('pending-total')).toHaveText('1 pending change');
    await page.getByLabel('Sync state').selectOption('pending');
    await expect(page.getByTestId('visitor-count')).toHaveText('1 visitor');
    await expect(rows(page).first()).toContainText(edited);
    await page.getByLabel('Sync state').selectOption('synced');
    await expect(page.getByTestId('visitor-count')).toHaveText('299 visitors');
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // Capture method, then a capture date range (the fixtures are captured on 1 December 2023).
    const manual = app.sql<{ n: number }>(
      "SELECT count(*) AS n FROM visitors WHERE capture_method = 'manual'",
    )[0]!.n;
    await page.getByLabel('Capture method').selectOption('manual');
    await expect(page.getByTestId('visitor-count')).toHaveText(`${manual} visitors`);
    await app.shot('filter-method');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Captured from').fill('2023-12-03');
    await expect(page.getByTestId('visitor-count')).toHaveText('0 visitors');
    await page.getByLabel('Captured from').fill('2023-11-30');
    await page.getByLabel('to', { exact: true }).fill('2023-12-02');
    await expect(page.getByTestId('visitor-count')).toHaveText('300 visitors');
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // Phone is sortable like every other column.
    const phone = page.getByRole('columnheader', { name: /Phone/ });
    await phone.click();
    await phone.click();
    await expect(phone).toHaveAttribute('aria-sort', 'descending');
    const top = app.sql<{ phone: string }>(
      "SELECT phone FROM visitors ORDER BY ifnull(phone, '') COLLATE NOCASE DESC, local_id DESC LIMIT 1",
    )[0]!.phone;
    await expect(rows(page).first()).toContainText(top);
    const interests = page.getByRole('columnheader', { name: /Interests/ });
    await interests.click();
    await expect(interests).toHaveAttribute('aria-sort', 'ascending');
    await app.shot('sorted-phone-interests');
  });
});
