import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './harness/axe';
import { expect, test } from './harness/fixtures';

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

test.describe('accessibility', () => {
  test.use({ mirrored: 40, conflicts: 25 });

  test('every screen and dialog passes axe with no serious or critical violation', async ({
    app,
  }) => {
    // Ten full axe scans: each takes seconds on a busy 2-core machine.
    test.setTimeout(300_000);
    const { page } = app;
    await expect(page.getByTestId('visitor-count')).toHaveText('40 visitors');
    await expectNoSeriousA11yViolations(page, 'visitors');
    await page.getByTestId('visitor-rows').getByRole('row').first().click();
    await expect(page.getByRole('complementary')).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'visitors with the record panel');
    await page.getByRole('button', { name: 'Choose columns' }).click();
    await expectNoSeriousA11yViolations(page, 'the column chooser');
    await page.keyboard.press('Escape');

    await nav(page, 'Conflicts').click();
    await expect(page.getByTestId('conflict-count')).toContainText('25 conflicts match');
    await page.locator('[data-conflict-id]').first().click();
    await expectNoSeriousA11yViolations(page, 'conflicts with the detail pane');
    // Ours and theirs are told apart by a word and a line style, not by colour alone.
    const pair = page.locator('[data-conflict-id] .side-pair').first();
    await expect(pair.locator('mark.side-ours')).toContainText(/^ours /i);
    await expect(pair.locator('mark.side-theirs')).toContainText(/^theirs /i);
    expect(
      await pair
        .locator('mark')
        .evaluateAll((ms) => ms.map((m) => getComputedStyle(m).textDecorationStyle)),
    ).toEqual(['solid', 'dashed']);
    // The workspace's Base column: the base value of each conflicting field, before ours and theirs.
    await page.getByRole('checkbox', { name: 'Show base' }).check();
    await expect(
      page
        .getByRole('table', { name: 'Conflicts' })
        .getByRole('columnheader', { name: /Base ▸ ours vs theirs/ }),
    ).toBeVisible();
    await expect(pair.locator('.side-base')).toContainText(/^base /i);
    const focusedId = Number(
      await page.locator('[data-conflict-id]').first().getAttribute('data-conflict-id'),
    );
    const [stored] = app.sql<{ base_data: string | null; conflict_fields: string }>(
      'SELECT base_data, conflict_fields FROM conflicts WHERE id = ?',
      focusedId,
    );
    const field = (JSON.parse(stored!.conflict_fields) as string[])[0]!;
    const baseValue = (JSON.parse(stored!.base_data ?? '{}') as Record<string, unknown>)[field];
    expect(typeof baseValue).toBe('string');
    await expect(pair.locator('.side-base')).toContainText(baseValue as string);
    await app.shot('conflicts-base-column');
    await expectNoSeriousA11yViolations(page, 'conflicts with the base column');
    await page.getByRole('button', { name: /Select all .* matching/ }).click();
    await page.getByRole('button', { name: 'Theirs', exact: true }).click();
    const preview = page.getByRole('dialog', { name: 'Preview of the bulk apply' });
    await expect(preview.getByTestId('preview-resolvable')).toHaveText('25');
    await expectNoSeriousA11yViolations(page, 'the bulk preview dialog');
    await preview.getByLabel('Rule name').fill('Everything: theirs');
    await preview.getByRole('button', { name: 'Save as rule' }).click();
    await expect(preview.getByRole('status')).toContainText('Saved “Everything: theirs”');
    await page.keyboard.press('Escape');
    await expect(preview).toBeHidden();
    await page.getByRole('button', { name: 'Rules & memory…' }).click();
    await page.getByRole('button', { name: 'Edit…' }).click();
    const ruleDialog = page.getByRole('dialog', { name: 'Edit rule' });
    await ruleDialog.getByRole('radio', { name: /^Automatic/ }).check();
    await ruleDialog.getByRole('button', { name: 'Dry run…' }).click();
    await expect(ruleDialog.getByTestId('edit-dry-run')).toContainText(
      'would resolve 25 conflicts',
    );
    await expectNoSeriousA11yViolations(page, 'the saved rule editor');
    await page.keyboard.press('Escape');
    await expect(ruleDialog).toBeHidden();
    const panel = page.getByRole('dialog', { name: 'Rules and memory' });
    await expect(panel).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await page.getByRole('button', { name: 'Rule per field…' }).click();
    await expectNoSeriousA11yViolations(page, 'the rule editor');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await expectNoSeriousA11yViolations(page, 'the shortcut sheet');
    await page.keyboard.press('Escape');

    await nav(page, 'Sync').click();
    await expectNoSeriousA11yViolations(page, 'sync');
    await nav(page, 'Retry queue').click();
    await expect(page.getByTestId('queue-role')).not.toHaveText('Checking your role…');
    await expectNoSeriousA11yViolations(page, 'retry queue');
    await nav(page, 'Settings').click();
    await expectNoSeriousA11yViolations(page, 'settings');
  });
});

test.describe('accessibility of the first run', () => {
  test.use({ firstRun: true });

  test('the welcome screen passes axe, and its forms are reached in order with the keyboard', async ({
    app,
  }) => {
    const { page } = app;
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'welcome');
    // Focus moves in reading order and is visible where it lands.
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    await expect(focused).toBeVisible();
    const outline = await focused.evaluate((el) => {
      const s = getComputedStyle(el);
      return s.outlineStyle !== 'none' || s.boxShadow !== 'none';
    });
    expect(outline).toBe(true);
    await app.shot('welcome-focus');
  });
});
