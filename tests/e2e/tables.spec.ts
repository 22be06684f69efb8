import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

/** The column names of a table's header, in screen order. */
async function headers(page: Page, table: string): Promise<string[]> {
  const names = await page
    .getByRole('table', { name: table })
    .getByRole('columnheader')
    .allInnerTexts();
  return names.map((n) => n.replace(/[▲▼]/g, '').trim()).filter(Boolean);
}

async function widthOf(page: Page, table: string, column: string): Promise<number> {
  const box = await page
    .getByRole('table', { name: table })
    .getByRole('columnheader', { name: column })
    .boundingBox();
  return Math.round(box!.width);
}

test.describe('table shaping', () => {
  test.use({ mirrored: 40, conflicts: 30 });

  test('visitors: hide, reorder and resize columns; the layout is kept when the window opens again', async ({
    app,
  }) => {
    const { page } = app;
    await expect(page.getByTestId('visitor-count')).toHaveText('40 visitors');
    expect(await headers(page, 'Visitors')).toEqual([
      'Name',
      'Company',
      'Email',
      'Title',
      'Phone',
      'Interests',
      'Sync',
      'Changed',
    ]);

    // The chooser: a native modal dialog; Escape closes it and focus goes back to its button.
    const button = page.getByRole('button', { name: 'Choose columns' });
    await button.click();
    const chooser = page.getByRole('dialog', { name: 'Columns' });
    await expect(chooser).toBeVisible();
    await expect(chooser.getByRole('checkbox', { name: /Name/ })).toBeDisabled();
    await chooser.getByRole('checkbox', { name: 'Email' }).uncheck();
    await chooser.getByRole('button', { name: 'Move Phone up' }).click();
    await chooser.getByRole('button', { name: 'Move Phone up' }).click();
    await app.shot('visitors-column-chooser');
    await page.keyboard.press('Escape');
    await expect(chooser).toBeHidden();
    await expect(button).toBeFocused();
    expect(await headers(page, 'Visitors')).toEqual([
      'Name',
      'Phone',
      'Company',
      'Title',
      'Interests',
      'Sync',
      'Changed',
    ]);

    // Resize with the keyboard on the column's edge (and the mouse works the same handle).
    const before = await widthOf(page, 'Visitors', 'Company');
    const edge = page.getByRole('separator', { name: 'Width of Company' });
    await edge.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => widthOf(page, 'Visitors', 'Company')).toBe(before + 80);
    const phoneEdge = await page.getByTestId('resize-phone').boundingBox();
    await page.mouse.move(phoneEdge!.x + 3, phoneEdge!.y + 5);
    await page.mouse.down();
    await page.mouse.move(phoneEdge!.x + 63, phoneEdge!.y + 5, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => widthOf(page, 'Visitors', 'Phone')).toBe(130 + 60);

    // A cut cell shows its whole value on hover.
    const firstCompany = page
      .getByTestId('visitor-rows')
      .getByRole('row')
      .first()
      .getByRole('cell')
      .nth(2);
    await expect(firstCompany).toHaveAttribute('title', /\S/);
    await app.shot('visitors-shaped');

    // Kept in the settings (the core writes them to the settings file): the window opens again.
    await expect
      .poll(async () => (await app.core.call('settings:get', {})).settings.tables.visitors)
      .toMatchObject({ hidden: ['email'], widths: { company: 230, phone: 190 } });
    await page.reload();
    await expect(page.getByTestId('visitor-count')).toHaveText('40 visitors');
    await expect
      .poll(() => headers(page, 'Visitors'))
      .toEqual(['Name', 'Phone', 'Company', 'Title', 'Interests', 'Sync', 'Changed']);
    expect(await widthOf(page, 'Visitors', 'Company')).toBe(before + 80);
    await app.shot('visitors-layout-after-reopen');

    // Reset: back to the shipped columns.
    await page.getByRole('button', { name: 'Choose columns' }).click();
    await page.getByRole('button', { name: 'Reset to the default columns' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    await expect
      .poll(() => headers(page, 'Visitors'))
      .toEqual(['Name', 'Company', 'Email', 'Title', 'Phone', 'Interests', 'Sync', 'Changed']);
  });

  test('conflicts and retry queue: each table keeps a layout of its own', async ({ app }) => {
    const { page } = app;
    await nav(page, 'Conflicts').click();
    await expect(page.getByTestId('conflict-count')).toContainText('30 conflicts match');
    await page.getByRole('button', { name: 'Choose columns' }).click();
    const chooser = page.getByRole('dialog', { name: 'Columns' });
    await chooser.getByRole('checkbox', { name: 'Kind' }).uncheck();
    await chooser.getByRole('button', { name: 'Move Found up' }).click();
    await chooser.getByRole('button', { name: 'Done' }).click();
    expect(await headers(page, 'Conflicts')).toEqual([
      'Visitor',
      'Company',
      'Fields',
      'Ours vs theirs',
      'Capture',
      'Decision',
      'Found',
      'Preview',
    ]);
    // The sides of a cut conflict cell, in full on hover.
    await expect(page.locator('[data-conflict-id] .side-pair').first()).toHaveAttribute(
      'title',
      /ours .* · theirs /,
    );
    await app.shot('conflicts-shaped');

    await nav(page, 'Retry queue').click();
    const queueHeaders = () => headers(page, 'Failed and retrying operations');
    await expect.poll(queueHeaders).toContain('Attempts');
    await page.getByRole('button', { name: 'Choose columns' }).click();
    await page
      .getByRole('dialog', { name: 'Columns' })
      .getByRole('checkbox', { name: 'Attempts' })
      .uncheck();
    await page.keyboard.press('Escape');
    expect(await queueHeaders()).not.toContain('Attempts');
    await app.shot('queue-shaped');

    // The visitors table is untouched by the others' layouts.
    await nav(page, 'Visitors').click();
    expect(await headers(page, 'Visitors')).toContain('Email');
    await nav(page, 'Conflicts').click();
    expect(await headers(page, 'Conflicts')).not.toContain('Kind');
    // A layout is saved once it rests (400 ms after the last change), so the settings file is polled.
    const saved = async () =>
      Object.keys((await app.core.call('settings:get', {})).settings.tables).sort();
    await expect.poll(saved).toEqual(['conflicts', 'queue']);
  });
});
