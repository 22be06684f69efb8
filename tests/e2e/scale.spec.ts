import { expect, test } from './harness/fixtures';

const N = 200_000;

test.describe('200 000 visitors', () => {
  test.use({ mirrored: N });

  test('scrolls to the end, sorts and searches without the window ever holding the set', async ({
    app,
  }) => {
    const { page } = app;
    await expect(page.getByTestId('visitor-count')).toHaveText('200,000 visitors');
    const body = page.getByTestId('visitor-rows');
    const rows = body.getByRole('row');
    await expect(rows.first()).not.toHaveClass(/loading/);
    await app.shot('top');

    // Jump to the end: the last row arrives, and only a screenful of rows is in the DOM.
    await body.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const lastRow = body.locator(`[aria-rowindex="${N + 1}"]`);
    await expect(lastRow).toBeVisible();
    await expect(lastRow).not.toHaveClass(/loading/);
    const expectedLast = app.sql<{ name: string }>(
      'SELECT name FROM visitors WHERE deleted = 0 ORDER BY name COLLATE NOCASE DESC, local_id DESC LIMIT 1',
    )[0]!.name;
    await expect(lastRow).toContainText(expectedLast);
    expect(await rows.count()).toBeLessThan(80);
    await app.shot('bottom');

    // Scroll through the middle in steps; every row on screen gets filled in.
    for (const fraction of [0.25, 0.5, 0.75]) {
      await body.evaluate((el, f) => (el.scrollTop = el.scrollHeight * f), fraction);
      await expect(body.locator('.vtable-row.loading')).toHaveCount(0);
    }

    // Sort by email, descending: the first row is SQLite's first.
    await body.evaluate((el) => (el.scrollTop = 0));
    const email = page.getByRole('columnheader', { name: /Email/ });
    await email.click();
    await email.click();
    await expect(email).toHaveAttribute('aria-sort', 'descending');
    const topEmail = app.sql<{ email: string }>(
      "SELECT email FROM visitors WHERE deleted = 0 ORDER BY ifnull(email, '') COLLATE NOCASE DESC, local_id DESC LIMIT 1",
    )[0]!.email;
    await expect(rows.first()).toContainText(topEmail);
    await app.shot('sorted-by-email');

    // Search across name, company and email.
    await page.getByLabel('Search visitors').fill('lovelace');
    const matches = app.sql<{ n: number }>(
      "SELECT count(*) AS n FROM visitors WHERE deleted = 0 AND (name LIKE '%lovelace%' OR company LIKE '%lovelace%' OR email LIKE '%lovelace%')",
    )[0]!.n;
    expect(matches).toBeGreaterThan(1000);
    await expect(page.getByTestId('visitor-count')).toHaveText(
      `${matches.toLocaleString('en-US')} visitors`,
    );
    await expect(rows.first()).toContainText(/lovelace/i);
    await app.shot('search');
  });
});
