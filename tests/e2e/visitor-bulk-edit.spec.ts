import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './harness/axe';
import { expect, test } from './harness/fixtures';

const rows = (page: Page) => page.getByTestId('visitor-rows').getByRole('row');
const selected = (page: Page) => page.getByTestId('visitor-selected');
const dialog = (page: Page) => page.getByRole('dialog', { name: /Edit .* selected visitors/ });

test.describe('visitors: multi-select and bulk edit', () => {
  test.use({ mirrored: 60 });

  test('select by click, Shift-click, Ctrl-click and all matching; preview, apply, undo', async ({
    app,
  }) => {
    test.setTimeout(120_000);
    const { page } = app;
    await expect(page.getByTestId('visitor-count')).toHaveText('60 visitors');
    await expect(selected(page)).toHaveText('None selected');

    // Click, Shift-click a range, Ctrl-click one out of it.
    await rows(page).nth(0).click();
    await expect(selected(page)).toHaveText('1 selected');
    await rows(page)
      .nth(4)
      .click({ modifiers: ['Shift'] });
    await expect(selected(page)).toHaveText('5 selected');
    await rows(page)
      .nth(2)
      .click({ modifiers: ['Control'] });
    await expect(selected(page)).toHaveText('4 selected');
    const picked = await rows(page).evaluateAll((rs) =>
      rs
        .filter((r) => r.getAttribute('aria-selected') === 'true')
        .map((r) => r.getAttribute('data-local-id')!),
    );
    expect(picked).toHaveLength(4);

    // Set Company on those four: previewed with a count and samples, then applied.
    await page.getByRole('button', { name: 'Edit 4 selected…' }).click();
    await dialog(page).getByLabel('Field').selectOption('company');
    await dialog(page).getByLabel('New value').fill('Bulk Co');
    await expect(dialog(page).getByRole('button', { name: /^Apply/ })).toBeDisabled();
    await dialog(page).getByRole('button', { name: 'Preview' }).click();
    await expect(dialog(page).getByTestId('bulk-changed')).toHaveText('4');
    await expect(
      dialog(page).getByRole('table', { name: 'Sample of before and after' }).getByRole('row'),
    ).toHaveCount(5);
    await app.shot('bulk-edit-preview');
    await expectNoSeriousA11yViolations(page, 'the bulk edit dialog');
    // A change to the form asks for a new preview before anything can be applied.
    await dialog(page).getByLabel('New value').fill('Bulk Co.');
    await expect(dialog(page).getByRole('button', { name: /^Apply/ })).toBeDisabled();
    await dialog(page).getByLabel('New value').fill('Bulk Co');
    await dialog(page).getByRole('button', { name: 'Preview' }).click();
    await dialog(page).getByRole('button', { name: 'Apply to 4 visitors' }).click();
    await expect(dialog(page)).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'visitors changed' })).toContainText(
      'Set Company to "Bulk Co": 4 visitors changed, queued to sync.',
    );
    const companyOps = app.sql<{ local_id: string; action: string; data: string }>(
      'SELECT local_id, action, data FROM outbox ORDER BY local_id',
    );
    expect(companyOps.map((o) => o.local_id)).toEqual([...picked].sort());
    for (const o of companyOps) {
      expect(o.action).toBe('update');
      expect(JSON.parse(o.data)).toEqual({ company: 'Bulk Co' });
    }
    await expect(rows(page).filter({ hasText: 'Bulk Co' })).toHaveCount(4);

    // All matching, minus one unticked: set Notes on 59.
    await page.getByRole('button', { name: 'Select all 60 matching' }).click();
    await expect(selected(page)).toHaveText('60 selected');
    const spared = await rows(page).nth(10).getAttribute('data-local-id');
    await rows(page).nth(10).getByRole('checkbox').uncheck();
    await expect(selected(page)).toHaveText('59 selected');
    await page.getByRole('button', { name: 'Edit 59 selected…' }).click();
    await dialog(page).getByLabel('Field').selectOption('notes');
    await dialog(page).getByLabel('New value').fill('Met at the fair');
    await dialog(page).getByRole('button', { name: 'Preview' }).click();
    await expect(dialog(page).getByTestId('bulk-changed')).toHaveText('59');
    await dialog(page).getByRole('button', { name: 'Apply to 59 visitors' }).click();
    await expect(dialog(page)).toBeHidden();
    expect(
      app.sql<{ n: number; ids: number }>(
        'SELECT count(*) AS n, count(DISTINCT local_id) AS ids FROM outbox',
      ),
    ).toEqual([{ n: 59, ids: 59 }]); // one operation per visitor: the four company edits joined
    expect(
      app.sql<{ notes: string | null }>('SELECT notes FROM visitors WHERE local_id = ?', spared),
    ).not.toEqual([{ notes: 'Met at the fair' }]);

    // An edit that would break a record is refused with the reason, before anything is written.
    await page.getByRole('button', { name: 'Edit 59 selected…' }).click();
    await dialog(page).getByLabel('Field').selectOption('name');
    await dialog(page).getByLabel('Clear').check();
    await dialog(page).getByRole('button', { name: 'Preview' }).click();
    await expect(dialog(page).getByTestId('bulk-skipped')).toHaveText('59');
    await expect(dialog(page).getByRole('list', { name: 'Left out' })).toContainText(
      'name: is required',
    );
    await expect(dialog(page).getByRole('button', { name: /^Apply/ })).toBeDisabled();
    await app.shot('bulk-edit-refused');
    await page.keyboard.press('Escape');
    await expect(dialog(page)).toBeHidden();

    // Undo while unsent: the notes go, the company edits stay, each alone again.
    await page.getByRole('button', { name: 'Undo “Set Notes to "Met at the fair"”' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Undone' })).toContainText(
      '59 visitors put back',
    );
    expect(
      app.sql<{ n: number }>(`SELECT count(*) AS n FROM visitors WHERE notes = 'Met at the fair'`),
    ).toEqual([{ n: 0 }]);
    const left = app.sql<{ data: string }>('SELECT data FROM outbox ORDER BY local_id');
    expect(left.map((o) => JSON.parse(o.data))).toEqual(
      Array.from({ length: 4 }, () => ({ company: 'Bulk Co' })),
    );
    await app.shot('bulk-edit-undone');
  });
});
