import type { Locator } from '@playwright/test';
import { expect, test } from './harness/fixtures';

/**
 * A Shift-click range covers every row between the two clicks, loaded in the
 * window or not: after a jump in the scrollbar the rows in between were never
 * loaded, and the bulk action must still act on exactly them.
 */
const N = 8_000;
const count = (n: number) => n.toLocaleString('en-US');

/** A row on screen after a jump, once its page has landed: its position in the table. */
async function loadedRowIndex(body: Locator, nth: number): Promise<number> {
  await expect(body.locator('.vtable-row.loading')).toHaveCount(0);
  const row = body.locator('[data-conflict-id]').nth(nth);
  return Number(await row.getAttribute('aria-rowindex')) - 2;
}

test.describe('a Shift-click range over rows not loaded', () => {
  test.use({ conflicts: N });

  test('conflicts: jump far, Shift-click, and the selection and the apply cover exactly the range', async ({
    app,
  }) => {
    test.setTimeout(180_000);
    const { page } = app;
    await page.getByRole('button', { name: 'Conflicts', exact: true }).click();
    const countText = page.getByTestId('conflict-count');
    await expect(countText).toContainText(`${count(N)} conflicts match`);

    // Sorted by name, descending (the first click on it): an order (with ties broken by id) is not the ids'.
    const visitor = page.getByRole('columnheader', { name: /^Visitor/ });
    await visitor.click();
    await expect(visitor).toHaveAttribute('aria-sort', 'descending');

    const body = page.getByTestId('conflicts-scroll');
    const anchor = 2;
    await body.locator(`[aria-rowindex="${anchor + 2}"]`).click();
    await expect(countText).toContainText('· 1 selected');

    // A jump: the rows between the top and here are never loaded.
    await body.evaluate((el) => (el.scrollTop = el.scrollHeight * 0.8));
    const to = await loadedRowIndex(body, 3);
    expect(to).toBeGreaterThan(5_000);
    await body.locator(`[aria-rowindex="${to + 2}"]`).click({ modifiers: ['Shift'] });
    const size = to - anchor + 1;
    await expect(countText).toContainText(`· ${count(size)} selected`);
    await app.shot('range-selected');

    // The rows at those positions of the name order, as SQLite has them.
    const expected = app
      .sql<{ id: number }>(
        `SELECT id FROM conflicts WHERE status = 'open'
         ORDER BY visitor_name COLLATE NOCASE DESC, id DESC LIMIT ? OFFSET ?`,
        size,
        anchor,
      )
      .map((r) => r.id);
    expect(expected).toHaveLength(size);

    await page.getByRole('button', { name: 'Theirs', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Preview of the bulk apply' });
    await expect(dialog.getByTestId('preview-resolvable')).toHaveText(count(size), {
      timeout: 60_000,
    });
    await app.shot('range-preview');
    await dialog.getByRole('button', { name: `Apply to ${count(size)} conflicts` }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Resolved/ })).toContainText(
      `Resolved ${count(size)} conflicts`,
      { timeout: 120_000 },
    );
    const resolved = app
      .sql<{ id: number }>("SELECT id FROM conflicts WHERE status = 'resolved' ORDER BY id")
      .map((r) => r.id);
    expect(resolved).toEqual([...expected].sort((a, b) => a - b));
  });
});

test.describe('a Shift-click range over visitors not loaded', () => {
  test.use({ mirrored: N });

  test('visitors: jump far, Shift-click, and the bulk edit changes exactly the range', async ({
    app,
  }) => {
    test.setTimeout(180_000);
    const { page } = app;
    await expect(page.getByTestId('visitor-count')).toHaveText(`${count(N)} visitors`);
    const body = page.getByTestId('visitor-rows');
    const selected = page.getByTestId('visitor-selected');
    const anchor = 1;
    await body.locator(`[aria-rowindex="${anchor + 2}"]`).click();
    await expect(selected).toHaveText('1 selected');

    await body.evaluate((el) => (el.scrollTop = el.scrollHeight * 0.7));
    await expect(body.locator('.vtable-row.loading')).toHaveCount(0);
    const row = body.locator('[data-local-id]').nth(3);
    const to = Number(await row.getAttribute('aria-rowindex')) - 2;
    expect(to).toBeGreaterThan(5_000);
    await row.click({ modifiers: ['Shift'] });
    const size = to - anchor + 1;
    await expect(selected).toHaveText(`${count(size)} selected`);

    // The visitors at those positions of the table's order (name, then local id).
    const expected = app
      .sql<{ local_id: string }>(
        `SELECT local_id FROM visitors WHERE deleted = 0
         ORDER BY name COLLATE NOCASE ASC, local_id ASC LIMIT ? OFFSET ?`,
        size,
        anchor,
      )
      .map((r) => r.local_id);

    await page.getByRole('button', { name: `Edit ${count(size)} selected…` }).click();
    const dialog = page.getByRole('dialog', { name: /Edit .* selected visitors/ });
    await dialog.getByLabel('Field').selectOption('company');
    await dialog.getByLabel('New value').fill('Range Co');
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await expect(dialog.getByTestId('bulk-changed')).toHaveText(count(size), { timeout: 60_000 });
    await dialog.getByRole('button', { name: `Apply to ${count(size)} visitors` }).click();
    await expect(dialog).toBeHidden({ timeout: 120_000 });
    const changed = app
      .sql<{ local_id: string }>(
        "SELECT local_id FROM visitors WHERE company = 'Range Co' ORDER BY local_id",
      )
      .map((r) => r.local_id);
    expect(changed).toEqual([...expected].sort());
  });
});
