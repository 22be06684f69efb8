import type { Locator, Page } from '@playwright/test';
import { FaultsRequestSchema } from '../../server/faults';
import { expect, test, type ConsoleApp } from './harness/fixtures';
import { ADMIN_TOKEN, type RunningServer } from './harness/sync-server';

/**
 * A Shift-click range in the retry queue covers every row between the two
 * ticks, loaded in the window or not: after a jump in the scrollbar the rows
 * in between were never loaded, and the bulk action must act on exactly them.
 */
const N = 1_500;
const count = (n: number) => n.toLocaleString('en-US');
const id = (i: number) => `bad-${String(i).padStart(4, '0')}`;
const nav = (page: Page) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Retry queue' });

/** A row on screen after a jump, once its page has landed: its position in the table. */
async function loadedRowIndex(body: Locator, nth: number): Promise<number> {
  await expect(body.locator('.vtable-row.loading')).toHaveCount(0);
  const row = body.locator('[data-op-id]').nth(nth);
  return Number(await row.getAttribute('aria-rowindex')) - 2;
}

/** n visitors on the server, each edited here, every edit refused as invalid. */
async function failedEdits(app: ConsoleApp, syncServer: RunningServer, n: number): Promise<void> {
  const { core } = app;
  const r = await fetch(`${syncServer.url}/api/admin/visitors`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      visitors: Array.from({ length: n }, (_, i) => ({
        id: id(i),
        data: { name: `Visitor ${i}`, email: `${id(i)}@example.com` },
      })),
    }),
  });
  expect(r.status).toBe(200);
  await core.call('sync:connect', { serverUrl: syncServer.url, token: ADMIN_TOKEN });
  await core.call('sync:start', {});
  await core.call('visitors:bulkEdit', {
    target: { matching: { search: '', filter: {} } },
    edit: { field: 'title', action: { kind: 'set', value: 'Lead' } },
  });
  syncServer.faults.set(
    FaultsRequestSchema.parse({
      failOperations: {
        localIdPrefix: 'bad-',
        error: { code: 'validation', message: 'data.title: not allowed', retryable: false },
      },
    }),
  );
  await core.call('sync:start', {});
  expect(app.sql("SELECT count(*) AS n FROM outbox WHERE status = 'failed'")).toEqual([{ n }]);
}

test('retry queue: tick, jump far, Shift-click, and the discard covers exactly the range', async ({
  app,
  syncServer,
}) => {
  test.setTimeout(180_000);
  const { page } = app;
  await failedEdits(app, syncServer, N);

  await nav(page).click();
  await expect(page.getByTestId('queue-role')).toHaveText('Admin');
  const body = page.getByTestId('queue-rows');
  const selectedCount = page.getByTestId('selected-count');
  const anchor = 2;
  await body
    .locator(`[aria-rowindex="${anchor + 2}"]`)
    .getByRole('checkbox')
    .click();
  await expect(selectedCount).toHaveText('1 selected');

  // A jump: the rows between the top and here are never loaded.
  await body.evaluate((el) => (el.scrollTop = el.scrollHeight * 0.8));
  const to = await loadedRowIndex(body, 3);
  expect(to).toBeGreaterThan(1_000);
  // The queue's order (created, then opId), as SQLite has it, before anything changes.
  const size = to - anchor + 1;
  const expected = app
    .sql<{ op_id: string }>(
      `SELECT op_id FROM outbox WHERE status IN ('retrying', 'failed')
       ORDER BY created_at, op_id LIMIT ? OFFSET ?`,
      size,
      anchor,
    )
    .map((o) => o.op_id);
  expect(expected).toHaveLength(size);
  await body
    .locator(`[aria-rowindex="${to + 2}"]`)
    .getByRole('checkbox')
    .click({ modifiers: ['Shift'] });
  await expect(selectedCount).toHaveText(`${count(size)} selected`);
  await expect(body.locator(`[aria-rowindex="${to + 1}"]`).getByRole('checkbox')).toBeChecked();
  await app.shot('queue-range-selected');

  await page.getByRole('button', { name: 'Discard selected' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: `Discard ${count(size)} operations` })
    .click();
  await expect(page.getByRole('status').filter({ hasText: 'Discarded' })).toContainText(
    `Discarded ${count(size)} operations`,
  );
  const archived = app
    .sql<{ op_id: string }>('SELECT op_id FROM outbox_archive ORDER BY op_id')
    .map((o) => o.op_id);
  expect(archived).toEqual([...expected].sort());
  expect(app.sql('SELECT count(*) AS n FROM outbox')).toEqual([{ n: N - size }]);
});

test('retry queue: Space and the arrows act on the open row after it is scrolled out of view', async ({
  app,
  syncServer,
}) => {
  test.setTimeout(120_000);
  const { page } = app;
  await failedEdits(app, syncServer, 300);
  await nav(page).click();
  const body = page.getByTestId('queue-rows');
  const row = (i: number) => body.locator(`[aria-rowindex="${i + 2}"]`);
  // Loaded first: a row still loading takes no click.
  await expect(row(1)).toHaveAttribute('data-op-id', /.+/);
  await row(1).click();
  await expect(row(1)).toHaveAttribute('aria-selected', 'true');

  // Scrolled well past it (its page stays loaded), the open row is out of the window.
  await body.evaluate((el) => (el.scrollTop = el.clientHeight * 3));
  await expect(row(1)).toHaveCount(0);
  await body.focus();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('selected-count')).toHaveText('1 selected');
  // Ticking brought it back into view, ticked.
  await expect(row(1).getByRole('checkbox')).toBeChecked();
  await expect(row(1)).toBeInViewport();

  await body.evaluate((el) => (el.scrollTop = el.clientHeight * 3));
  await page.keyboard.press('ArrowDown');
  await expect(row(2)).toHaveAttribute('aria-selected', 'true');
  await expect(row(2)).toBeInViewport();
  await app.shot('queue-keys-after-scroll');
});
