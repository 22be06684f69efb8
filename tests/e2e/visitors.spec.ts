import type { Page } from '@playwright/test';
import { makeVisitors } from '../fixtures/visitors';
import { SEED, expect, test } from './harness/fixtures';

interface OutboxOp {
  action: string;
  local_id: string;
  data: string | null;
  status: string;
  base_version: number | null;
}

const panel = (page: Page) => page.getByRole('complementary');
const rowByName = (page: Page, name: string) =>
  page.getByTestId('visitor-rows').getByRole('row').filter({ hasText: name });

test.describe('visitors screen', () => {
  test.use({ mirrored: 60 });

  test('a visitor created in the UI is in SQLite with one pending create; editing then deleting it leaves no operation', async ({
    app,
  }) => {
    const { page } = app;
    await expect(page.getByTestId('visitor-count')).toHaveText('60 visitors');
    await expect(page.getByTestId('pending-total')).toHaveText(
      'All changes saved locally; nothing waiting to sync',
    );
    await app.shot('loaded');

    await page.getByRole('button', { name: 'New visitor' }).click();
    await panel(page).getByLabel('Name').fill('Zelda Zimmerman');
    await panel(page).getByLabel('Company').fill('Hyrule Systems');
    await panel(page).getByLabel('Email').fill('zelda@hyrule.example');
    await panel(page).getByLabel('Interests (comma separated)').fill('security, design');
    await panel(page).getByLabel('Captured by').selectOption('event_badge');
    await panel(page).getByRole('button', { name: 'Create visitor' }).click();

    // table, record panel and status bar
    await expect(page.getByTestId('visitor-count')).toHaveText('61 visitors');
    await page.getByLabel('Search visitors').fill('zelda');
    await expect(rowByName(page, 'Zelda Zimmerman')).toHaveCount(1);
    await expect(rowByName(page, 'Zelda Zimmerman')).toContainText('New');
    await expect(page.getByTestId('sync-state')).toHaveText(
      'Not on the server yet: a create is waiting to sync.',
    );
    await expect(page.getByTestId('pending-op')).toHaveText([/create · pending/]);
    await expect(page.getByTestId('pending-total')).toHaveText('1 pending change');
    await expect(page.getByTestId('pending-breakdown')).toHaveText(
      '1 create · 0 updates · 0 deletes',
    );

    // the SQLite file itself
    const [visitor] = app.sql<{
      local_id: string;
      name: string;
      company: string;
      interests: string;
      dirty: number;
    }>("SELECT * FROM visitors WHERE name = 'Zelda Zimmerman'");
    expect(visitor).toMatchObject({
      company: 'Hyrule Systems',
      interests: '["security","design"]',
      dirty: 1,
    });
    let ops = app.sql<OutboxOp>('SELECT * FROM outbox');
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({
      action: 'create',
      local_id: visitor!.local_id,
      status: 'pending',
    });
    expect(JSON.parse(ops[0]!.data!)).toMatchObject({
      name: 'Zelda Zimmerman',
      email: 'zelda@hyrule.example',
      captureMethod: 'event_badge',
    });
    await app.shot('created');

    // edit: still exactly one create, now carrying the title
    await panel(page).getByLabel('Title').fill('Princess');
    await panel(page).getByRole('button', { name: 'Save changes' }).click();
    await expect(rowByName(page, 'Zelda Zimmerman')).toContainText('Princess');
    ops = app.sql<OutboxOp>('SELECT * FROM outbox');
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ action: 'create', local_id: visitor!.local_id });
    expect(JSON.parse(ops[0]!.data!)).toMatchObject({ title: 'Princess' });
    await expect(page.getByTestId('pending-total')).toHaveText('1 pending change');
    await app.shot('edited');

    // delete: create + delete → nothing
    await panel(page).getByRole('button', { name: 'Delete…' }).click();
    await expect(page.getByRole('alertdialog')).toContainText(
      'It was never synced, so it simply disappears.',
    );
    await app.shot('confirm-delete');
    await page.getByRole('button', { name: 'Delete visitor' }).click();
    await expect(panel(page)).toHaveCount(0);
    await expect(rowByName(page, 'Zelda Zimmerman')).toHaveCount(0);
    await expect(page.getByTestId('visitor-count')).toHaveText('0 visitors');
    expect(app.sql('SELECT * FROM outbox')).toEqual([]);
    expect(app.sql("SELECT * FROM visitors WHERE name = 'Zelda Zimmerman'")).toEqual([]);
    await expect(page.getByTestId('pending-total')).toHaveText(
      'All changes saved locally; nothing waiting to sync',
    );
    await page.getByLabel('Search visitors').fill('');
    await expect(page.getByTestId('visitor-count')).toHaveText('60 visitors');
    await app.shot('deleted');
  });

  test('editing a synced visitor queues only the changed fields, coalesces, and a delete replaces the update', async ({
    app,
  }) => {
    const { page } = app;
    const target = makeVisitors(60, SEED)[5]!;
    await page.getByLabel('Search visitors').fill(target.email!);
    await rowByName(page, target.name).click();
    await expect(page.getByTestId('sync-state')).toHaveText('Synced (server version 1).');

    await panel(page).getByLabel('Title').fill('Chief Marketing Officer');
    await panel(page).getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByTestId('sync-state')).toHaveText(
      'Changed locally (title): an update is waiting to sync.',
    );
    await expect(rowByName(page, target.name)).toContainText('Edited');
    let ops = app.sql<OutboxOp>('SELECT * FROM outbox');
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ action: 'update', local_id: target.id, base_version: 1 });
    expect(JSON.parse(ops[0]!.data!)).toEqual({ title: 'Chief Marketing Officer' });

    await panel(page).getByLabel('Phone').fill('+1-555-0124');
    await panel(page).getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByTestId('sync-state')).toHaveText(
      'Changed locally (title, phone): an update is waiting to sync.',
    );
    ops = app.sql<OutboxOp>('SELECT * FROM outbox');
    expect(ops).toHaveLength(1);
    expect(JSON.parse(ops[0]!.data!)).toEqual({
      title: 'Chief Marketing Officer',
      phone: '+1-555-0124',
    });
    await expect(page.getByTestId('pending-breakdown')).toHaveText(
      '0 creates · 1 update · 0 deletes',
    );
    await app.shot('update-coalesced');

    await panel(page).getByRole('button', { name: 'Delete…' }).click();
    await expect(page.getByRole('alertdialog')).toContainText(
      'The deletion is sent with the next sync.',
    );
    await page.getByRole('button', { name: 'Delete visitor' }).click();
    await expect(rowByName(page, target.name)).toHaveCount(0);
    ops = app.sql<OutboxOp>('SELECT * FROM outbox');
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({
      action: 'delete',
      local_id: target.id,
      data: null,
      base_version: 1,
    });
    expect(app.sql('SELECT deleted, dirty FROM visitors WHERE local_id = ?', target.id)).toEqual([
      { deleted: 1, dirty: 1 },
    ]);
    await expect(page.getByTestId('pending-breakdown')).toHaveText(
      '0 creates · 0 updates · 1 delete',
    );
    await app.shot('update-then-delete');
  });

  test('an invalid edit is refused with the reason beside the field, and nothing is written', async ({
    app,
  }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'New visitor' }).click();
    await panel(page).getByRole('button', { name: 'Create visitor' }).click();
    await expect(panel(page).getByText('is required')).toBeVisible();
    await panel(page).getByLabel('Name').fill('Bad Email');
    await panel(page).getByLabel('Email').fill('not-an-email');
    await panel(page).getByRole('button', { name: 'Create visitor' }).click();
    await expect(panel(page).getByText('must be a valid email address')).toBeVisible();
    await expect(panel(page).getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(app.sql('SELECT * FROM outbox')).toEqual([]);
    expect(app.sql("SELECT * FROM visitors WHERE name = 'Bad Email'")).toEqual([]);
    await app.shot('validation');
  });

  test('sorts by a column header and moves through rows with the keyboard', async ({ app }) => {
    const { page } = app;
    const header = page.getByRole('columnheader', { name: /Company/ });
    await header.click();
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    const firstCompany = app.sql<{ c: string }>(
      "SELECT ifnull(company, '') AS c FROM visitors ORDER BY ifnull(company, '') COLLATE NOCASE, local_id LIMIT 1",
    )[0]!.c;
    await header.click();
    await expect(header).toHaveAttribute('aria-sort', 'descending');
    const lastCompany = app.sql<{ c: string }>(
      "SELECT company AS c FROM visitors ORDER BY ifnull(company, '') COLLATE NOCASE DESC, local_id DESC LIMIT 1",
    )[0]!.c;
    const rows = page.getByTestId('visitor-rows').getByRole('row');
    await expect(rows.first()).toContainText(lastCompany);
    expect(firstCompany).not.toBe(lastCompany);
    await rows.first().click();
    await page.getByTestId('visitor-rows').press('ArrowDown');
    await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
    await app.shot('sorted-desc-keyboard');
  });
});
