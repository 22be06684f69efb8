import { expect, test } from './harness/fixtures';

/**
 * The core in its own process, seen from the window: a long bulk apply shows
 * its progress with numbers and can be cancelled while the table still
 * pages; a core that dies comes back without losing anything.
 */
const N = 30_000;
const count = (n: number) => n.toLocaleString('en-US');

test.describe('a large bulk apply', () => {
  test.use({ conflicts: N });

  test('shows a progress bar with numbers, keeps the table usable, and Cancel leaves nothing applied', async ({
    app,
  }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'Conflicts', exact: true }).click();
    await expect(page.getByTestId('conflict-count')).toContainText(`${count(N)} conflicts match`);
    await page.getByRole('button', { name: /Select all .* matching/ }).click();
    await page.getByRole('button', { name: 'Rule per field…' }).click();
    const editor = page.getByRole('dialog', { name: 'Rule per field' });
    await editor.getByLabel('Rule for Phone').selectOption('client');
    await editor.getByRole('button', { name: 'Preview rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Preview of the bulk apply' });
    await expect(dialog.getByTestId('preview-resolvable')).toHaveText(count(N), {
      timeout: 120_000,
    });
    await dialog.getByRole('button', { name: `Apply to ${count(N)} conflicts` }).click();

    // The core works in one transaction; the window shows how far it got.
    const bar = page.getByTestId('job-bar');
    const numbers = bar.getByTestId('job-progress');
    await expect(numbers).toHaveText(new RegExp(`^[\\d,]+ of ${count(N)} conflicts`));
    await expect(bar.getByRole('progressbar')).toBeVisible();
    const first = Number((await numbers.textContent())!.split(' of ')[0]!.replace(/,/g, ''));
    await expect
      .poll(async () => Number((await numbers.textContent())!.split(' of ')[0]!.replace(/,/g, '')))
      .toBeGreaterThan(first);
    await app.shot('apply-in-progress');

    // Reads never wait behind it: the core answers a page while the apply runs.
    const page2 = await app.core.call('conflicts:page', { offset: 5_000, limit: 100 });
    expect(page2.rows).toHaveLength(100);
    await expect(bar).toBeVisible();

    await bar.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('job-ended')).toContainText('cancelled');
    await expect(page.getByTestId('job-ended')).toContainText('Nothing of it was saved');
    await expect(bar).toHaveCount(0);
    await app.shot('apply-cancelled');
    expect(
      app.sql<{ n: number }>("SELECT count(*) AS n FROM conflicts WHERE status = 'open'")[0]!.n,
    ).toBe(N);
    expect(app.sql<{ n: number }>('SELECT count(*) AS n FROM resolve_batches')[0]!.n).toBe(0);
    expect(app.sql<{ n: number }>('SELECT count(*) AS n FROM audit')[0]!.n).toBe(0);
  });
});

test('the core process dies: the window says it is reconnecting, then carries on with nothing lost', async ({
  app,
}) => {
  const { page } = app;
  const create = async (name: string) => {
    await page.getByRole('button', { name: 'New visitor' }).click();
    const panel = page.getByRole('complementary');
    await panel.getByLabel('Name').fill(name);
    await panel.getByRole('button', { name: 'Create visitor' }).click();
    await expect(
      page.getByTestId('visitor-rows').getByRole('row').filter({ hasText: name }),
    ).toHaveCount(1);
  };
  await create('Before the crash');

  await app.core.crash();
  await expect(page.getByTestId('core-reconnecting')).toBeVisible();
  await expect(page.getByTestId('core-reconnecting')).toContainText('Your work is safe');
  await app.shot('reconnecting');
  await app.core.restart();
  await expect(page.getByTestId('core-reconnecting')).toHaveCount(0);

  await create('After the crash');
  const names = app.sql<{ name: string }>('SELECT name FROM visitors ORDER BY name');
  expect(names.map((r) => r.name)).toEqual(['After the crash', 'Before the crash']);
  expect(app.sql<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]!.n).toBe(2);
});
