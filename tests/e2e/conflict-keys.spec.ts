import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';

/**
 * The keyboard keeps the focused conflict in view: a move asks the table to
 * scroll once per key press, even to the line it asked for last time, and a
 * new search forgets the old request instead of jumping back to it.
 */
test.use({ conflicts: 400 });

/** The workspace opened on the 400, with its list's lines by position and a scroll by screens. */
async function openWorkspace(page: Page) {
  await page.getByRole('button', { name: 'Conflicts', exact: true }).click();
  await expect(page.getByTestId('conflict-count')).toContainText('400 conflicts match');
  const body = page.getByTestId('conflicts-scroll');
  return {
    line: (i: number) => body.locator(`[aria-rowindex="${i + 2}"]`),
    scrollBy: (screens: number) =>
      body.evaluate((el, s) => (el.scrollTop = el.clientHeight * s), screens),
  };
}

test('conflicts: each key press scrolls its line into view, a new search forgets the old one', async ({
  app,
}) => {
  const { page } = app;
  const { line, scrollBy } = await openWorkspace(page);

  await page.getByLabel('Conflict workspace').focus();
  await page.keyboard.press('ArrowDown');
  await expect(line(0)).toHaveClass(/\bfocused\b/);

  // Scrolled away, ArrowUp at the top asks for the same line again: it comes back into view.
  await scrollBy(5);
  await expect(line(0)).toHaveCount(0);
  await page.keyboard.press('ArrowUp');
  await expect(line(0)).toBeInViewport();

  // Down far enough that the list scrolled, then back to the top by hand.
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
  await expect(line(40)).toBeInViewport();
  await scrollBy(0);
  await expect(line(0)).toBeInViewport();

  // A search that matches nothing, then none: the list starts at its top, not at line 40.
  const search = page.getByLabel('Search conflicts');
  await search.fill('no visitor is called this');
  await expect(
    page.getByRole('heading', { name: 'No conflict matches these filters' }),
  ).toBeVisible();
  await search.fill('');
  await expect(line(0)).toBeInViewport();
  await expect(line(40)).not.toBeInViewport();
  await app.shot('conflict-keys');
});

test('conflicts: after a new sort, the first key press scrolls its line into view', async ({
  app,
}) => {
  const { page } = app;
  const { line, scrollBy } = await openWorkspace(page);

  const workspace = page.getByLabel('Conflict workspace');
  await workspace.focus();
  await page.keyboard.press('ArrowDown');
  await expect(line(0)).toHaveClass(/\bfocused\b/);
  // A new order (the table stays, the list is asked anew), then scrolled away by hand.
  const visitor = page.getByRole('columnheader', { name: /^Visitor/ });
  await visitor.click();
  await expect(visitor).toHaveAttribute('aria-sort', 'descending');
  await scrollBy(5);
  await expect(line(0)).toHaveCount(0);
  await workspace.focus();
  await page.keyboard.press('ArrowDown');
  await expect(line(0)).toBeInViewport();
  await expect(line(0)).toHaveClass(/\bfocused\b/);
});
