import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { FaultsRequestSchema, type FaultsRequest } from '../../server/faults';
import { expect, test } from './harness/fixtures';
import { ADMIN_TOKEN, STAFF_TOKEN, type RunningServer } from './harness/sync-server';

/**
 * The retry queue against the real reference server on 127.0.0.1: the server
 * is made to reject some operations as invalid and to answer others with 503;
 * the admin works the queue through the screen, and every outcome is checked
 * on the server and in the console's SQLite file.
 */

const nav = (page: Page, name: 'Retry queue' | 'Sync') =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
const rowsOf = (page: Page) => page.getByTestId('queue-row');
const rowFor = (page: Page, visitor: string) => rowsOf(page).filter({ hasText: visitor });
const details = (page: Page) => page.getByRole('complementary', { name: 'Operation details' });
const dialog = (page: Page) => page.getByRole('dialog');

const INVALID = {
  code: 'validation',
  message: 'data.email: must be a valid email address',
  retryable: false,
};

function faults(srv: RunningServer, request: FaultsRequest): void {
  srv.faults.set(FaultsRequestSchema.parse(request));
}

async function serverRecord(srv: RunningServer, id: string) {
  return srv.store.read(async (tx) => (await tx.get(id))?.values ?? null);
}

async function fixtures(srv: RunningServer, people: Record<string, string>): Promise<void> {
  const r = await fetch(`${srv.url}/api/admin/visitors`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      visitors: Object.entries(people).map(([id, name]) => ({
        id,
        data: { name, email: `${id}@example.com`, title: 'Engineer' },
      })),
    }),
  });
  expect(r.status).toBe(200);
}

test.describe('retry queue', () => {
  // Shortened backoff: 3 attempts, 8 s then 12 s (±10 %): long enough to see the first
  // attempt on screen on a loaded 2-core machine (3 s was not, under CI: the retry came
  // first), short enough to watch them count within the waits below.
  test.use({
    syncSettings: {
      backoff: { baseMs: 8_000, factor: 1.5, maxAttempts: 3, jitter: 0.1 },
      requestTimeoutMs: 5_000,
    },
    // The background scheduler retries what is due, as in the app.
    background: true,
  });

  test('an admin works rejected and transient failures; a staff token sees it read-only and main refuses it', async ({
    app,
    syncServer,
  }) => {
    const { page, core } = app;
    await fixtures(syncServer, {
      'bad-1': 'Ada Bad',
      'bad-2': 'Bea Bad',
      'flaky-1': 'Cy Flaky',
      'flaky-2': 'Di Flaky',
      'flaky-3': 'Ed Flaky',
    });
    await core.call('sync:connect', { serverUrl: syncServer.url, token: ADMIN_TOKEN });
    await core.call('sync:start', {});
    expect(app.sql('SELECT count(*) AS n FROM visitors')).toEqual([{ n: 5 }]);

    // two edits the server rejects as invalid…
    for (const id of ['bad-1', 'bad-2'])
      await core.call('visitors:update', { localId: id, patch: { title: `Lead (${id})` } });
    faults(syncServer, { failOperations: { localIdPrefix: 'bad-', count: 2, error: INVALID } });
    await core.call('sync:start', {});

    // …and three it cannot take right now (503), retried by the background scheduler
    for (const id of ['flaky-1', 'flaky-2', 'flaky-3'])
      await core.call('visitors:update', { localId: id, patch: { phone: `+1 555 0${id.at(-1)}` } });
    faults(syncServer, { failRequests: { count: 1000, status: 503, retryAfterSeconds: 0 } });
    await core.call('sync:start', {});

    await nav(page, 'Retry queue').click();
    await expect(page.getByTestId('queue-role')).toHaveText('Admin');
    await page.getByLabel('Filter by status').selectOption('retrying');
    await expect(rowsOf(page)).toHaveCount(3);
    const flaky = rowFor(page, 'Cy Flaky');
    await expect(flaky.getByTestId('cell-status')).toHaveText('Retrying');
    await expect(flaky.getByTestId('cell-code')).toContainText('Server trouble');
    await expect(flaky.getByTestId('cell-code')).toContainText('HTTP 503');
    await expect(flaky.getByTestId('cell-attempts')).toHaveText('1');
    await expect(flaky.getByTestId('cell-nextAttempt')).toHaveText(/^(in \d s|due now)$/);
    await app.shot('retrying-first-attempt');
    // the attempts count up as the scheduler retries
    await expect(flaky.getByTestId('cell-attempts')).toHaveText('2', { timeout: 15_000 });
    await app.shot('retrying-second-attempt');

    // after the maximum (3) they fail for good
    await page.getByLabel('Filter by status').selectOption('failed');
    await expect(rowsOf(page)).toHaveCount(5, { timeout: 20_000 });
    await expect(rowFor(page, 'Cy Flaky').getByTestId('cell-status')).toHaveText(
      'Failed (gave up)',
    );
    await expect(rowFor(page, 'Cy Flaky').getByTestId('cell-attempts')).toHaveText('3');
    await expect(rowFor(page, 'Ada Bad').getByTestId('cell-code')).toContainText(
      'Invalid data data.email: must be a valid email address',
    );
    expect(
      app.sql(
        "SELECT count(*) AS n FROM outbox_attempts WHERE op_id IN (SELECT op_id FROM outbox WHERE local_id LIKE 'flaky-%')",
      ),
    ).toEqual([{ n: 9 }]);
    // one line per problem
    const groups = page.getByRole('list', { name: 'Error groups' }).getByRole('listitem');
    await expect(groups).toHaveCount(2);
    await expect(groups.nth(0)).toHaveAccessibleName(
      /^3 · Server trouble: The server had a problem \(HTTP 503\)/,
    );
    await expect(groups.nth(1)).toHaveAccessibleName(
      '2 · Invalid data: data.email: must be a valid email address',
    );
    await expect(page.getByTestId('queue-counts')).toHaveText('0 retrying · 5 failed');
    await app.shot('failed-after-max');

    // the server recovers
    syncServer.faults.clear();

    // the timeline and the payload of one rejected edit, then an invalid fix refused, then a good one
    await rowFor(page, 'Ada Bad').click();
    const panel = details(page);
    await expect(panel.getByRole('heading', { name: 'Update of Ada Bad' })).toBeVisible();
    await expect(panel.getByRole('note', { name: 'What to do' })).toContainText('edit the payload');
    await expect(panel.getByTestId('attempt')).toHaveCount(1);
    await expect(panel.getByTestId('attempt')).toContainText('Failed · HTTP 200');
    await expect(
      panel.getByRole('table', { name: 'Payload diff' }).locator('tr[data-field="title"]'),
    ).toContainText('Lead (bad-1)Lead (bad-1)Engineer');
    await panel.getByRole('button', { name: 'Edit payload…' }).click();
    const payload = panel.getByRole('textbox', { name: 'Payload (JSON)' });
    await payload.fill('{ "title": "Lead (bad-1)", "email": "ada at example" }');
    await panel.getByRole('button', { name: 'Save and retry' }).click();
    await expect(panel.getByRole('alert')).toHaveText(
      'The edited payload was not saved: data.email: must be a valid email address',
    );
    await expect(payload).toHaveAttribute('aria-invalid', 'true');
    await app.shot('edit-refused');
    await payload.fill('{ "title": "Lead (bad-1)", "email": "ada@example.org" }');
    await panel.getByRole('button', { name: 'Save and retry' }).click();
    await expect(page.getByTestId('queue-notice')).toContainText('Edited payload saved');
    await expect(rowsOf(page)).toHaveCount(4);
    await expect
      .poll(() => serverRecord(syncServer, 'bad-1'))
      .toMatchObject({
        title: 'Lead (bad-1)',
        email: 'ada@example.org',
      });
    expect(app.sql("SELECT email, dirty FROM visitors WHERE local_id = 'bad-1'")).toEqual([
      { email: 'ada@example.org', dirty: 0 },
    ]);
    await expect.poll(async () => (await core.call('sync:status', {})).running).toBe(false);

    // a staff token: the same screen, no actions; and main refuses an admin call made with it
    await core.call('sync:connect', { serverUrl: syncServer.url, token: STAFF_TOKEN });
    await page.getByRole('button', { name: 'Check role again' }).click();
    await expect(page.getByTestId('queue-role')).toHaveText('Staff · read-only');
    await expect(page.getByTestId('read-only-note')).toBeVisible();
    await expect(rowsOf(page)).toHaveCount(4);
    await rowFor(page, 'Bea Bad').click();
    await expect(details(page).getByTestId('detail-message')).toHaveText(
      'data.email: must be a valid email address',
    );
    for (const name of ['Retry now', 'Discard…', 'Edit payload…', 'Retry all', 'Retry group'])
      await expect(page.getByRole('button', { name })).toHaveCount(0);
    await expect(rowsOf(page).first().getByRole('checkbox')).toHaveCount(0);
    const refused = await page.evaluate(async () => {
      try {
        await window.api!.invoke('queue:retry', { select: { filter: {} }, expected: 4 });
        return null;
      } catch (err) {
        return { code: (err as { code: string }).code, message: (err as Error).message };
      }
    });
    expect(refused).toEqual({
      code: 'forbidden',
      message:
        "Only an admin can retry operations. This session's token is a staff token: the queue is read-only for staff.",
    });
    expect(app.sql("SELECT count(*) AS n FROM outbox WHERE status = 'failed'")).toEqual([{ n: 4 }]);
    await app.shot('staff-read-only');

    // back as admin: the rest after the server recovered, in one bulk action
    await core.call('sync:connect', { serverUrl: syncServer.url, token: ADMIN_TOKEN });
    await page.getByRole('button', { name: 'Check role again' }).click();
    await expect(page.getByTestId('queue-role')).toHaveText('Admin');
    await groups
      .filter({ hasText: 'Server trouble' })
      .getByRole('button', { name: 'Retry group' })
      .click();
    await expect(dialog(page).getByRole('heading')).toHaveText('Retry 3 operations?');
    await app.shot('confirm-bulk-retry');
    await dialog(page).getByRole('button', { name: 'Retry 3 operations' }).click();
    await expect(page.getByTestId('queue-notice')).toContainText('Retrying 3 operations');
    await expect(rowsOf(page)).toHaveCount(1, { timeout: 15_000 });
    for (const id of ['flaky-1', 'flaky-2', 'flaky-3'])
      await expect
        .poll(async () => (await serverRecord(syncServer, id))?.phone)
        .toBe(`+1 555 0${id.at(-1)}`);
    await expect.poll(async () => (await core.call('sync:status', {})).running).toBe(false);

    // discard the last one: the mirror goes back to the server's version, and it is audited
    await rowFor(page, 'Bea Bad').click();
    await details(page).getByRole('button', { name: 'Discard…' }).click();
    await expect(dialog(page).getByRole('heading')).toHaveText('Discard 1 operation?');
    await expect(dialog(page)).toContainText('the update of Bea Bad goes to the archive');
    await app.shot('confirm-discard');
    await dialog(page).getByRole('button', { name: 'Discard 1 operation' }).click();
    await expect(page.getByTestId('queue-notice')).toContainText('Discarded 1 operation');
    await expect(rowsOf(page)).toHaveCount(0);
    expect(app.sql("SELECT title, dirty FROM visitors WHERE local_id = 'bad-2'")).toEqual([
      { title: 'Engineer', dirty: 0 },
    ]);
    expect(await serverRecord(syncServer, 'bad-2')).toMatchObject({ title: 'Engineer' });
    expect(
      app
        .sql<{ action: string; local_id: string | null }>(
          'SELECT action, local_id FROM audit ORDER BY id',
        )
        .map((r) => `${r.action} ${r.local_id}`),
    ).toEqual([
      'edit_retry bad-1',
      'retry flaky-1',
      'retry flaky-2',
      'retry flaky-3',
      'discard bad-2',
    ]);
    expect(app.sql('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    // kept whole in the archive, never deleted
    expect(app.sql('SELECT local_id FROM outbox_archive')).toEqual([{ local_id: 'bad-2' }]);
    await page.getByLabel('Filter by status').selectOption('');
    await app.shot('queue-empty');

    // the history: every run, with its chart
    await nav(page, 'Sync').click();
    await expect(page.getByTestId('run-chart')).toBeVisible();
    await expect(page.getByTestId('chart-errors').first()).toBeAttached();
    await app.shot('sync-history-chart');
  });

  test('an admin exports failed operations; they move to the archive only once the saved file is confirmed', async ({
    app,
    syncServer,
  }, testInfo) => {
    const { page, core } = app;
    await fixtures(syncServer, { 'bad-1': 'Ada Bad', 'bad-2': 'Bea Bad', 'ok-1': 'Flo Fine' });
    await core.call('sync:connect', { serverUrl: syncServer.url, token: ADMIN_TOKEN });
    await core.call('sync:start', {});
    for (const id of ['bad-1', 'bad-2'])
      await core.call('visitors:update', { localId: id, patch: { title: `Lead (${id})` } });
    faults(syncServer, { failOperations: { localIdPrefix: 'bad-', error: INVALID } });
    await core.call('sync:start', {});

    await nav(page, 'Retry queue').click();
    await expect(page.getByTestId('queue-role')).toHaveText('Admin');
    await expect(rowsOf(page)).toHaveCount(2);
    const archiveExported = page.getByRole('button', { name: /^Archive exported/ });
    await expect(archiveExported).toHaveText('Archive exported (0)…');

    // a group's action under an active filter acts on what the group counts there
    await page.getByLabel('Filter by status').selectOption('failed');
    const groups = page.getByRole('list', { name: 'Error groups' }).getByRole('listitem');
    await expect(groups).toHaveCount(1);
    await groups.getByRole('button', { name: 'Export group' }).click();
    await expect(dialog(page).getByRole('heading')).toHaveText('Export 2 operations?');
    const first = page.waitForEvent('download');
    await dialog(page).getByRole('button', { name: 'Export 2 operations as CSV' }).click();
    await first;
    // the browser was handed the file, but nobody said it was saved: nothing counts as exported
    const confirm = page.getByRole('group', { name: 'Confirm the export' });
    await expect(confirm).toContainText('(2 operations) was handed to the browser to save');
    expect(app.sql('SELECT count(*) AS n FROM outbox WHERE exported_at IS NOT NULL')).toEqual([
      { n: 0 },
    ]);
    await app.shot('export-awaiting-confirmation');
    await confirm.getByRole('button', { name: 'It was not saved' }).click();
    await expect(page.getByTestId('queue-notice')).toHaveText(
      'Nothing was marked exported: export again to save the file.✕',
    );
    await expect(archiveExported).toHaveText('Archive exported (0)…');
    await archiveExported.click();
    await expect(page.getByTestId('queue-notice')).toContainText(
      'Export first: none of the 2 failed operations has been exported yet.',
    );

    // again, and this time the file is saved and confirmed
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const second = page.waitForEvent('download');
    await dialog(page).getByRole('button', { name: 'Export 2 operations as CSV' }).click();
    const download = await second;
    const saved = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(saved);
    const csv = readFileSync(saved, 'utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^opId,status,class,code,message,/);
    await confirm.getByRole('button', { name: 'The file is saved' }).click();
    await expect(page.getByTestId('queue-notice')).toHaveText(
      new RegExp(
        `^Saved ${download.suggestedFilename().replace(/\./g, '\\.')}: 2 operations marked exported\\.✕$`,
      ),
    );
    await expect(confirm).toHaveCount(0);
    await expect(archiveExported).toHaveText('Archive exported (2)…');
    await app.shot('export-confirmed');

    const opIds = app.sql<{ op_id: string }>('SELECT op_id FROM outbox ORDER BY op_id');
    await archiveExported.click();
    await expect(dialog(page).getByRole('heading')).toHaveText(
      'Move 2 exported failed operations to the archive?',
    );
    await expect(dialog(page)).toContainText('kept whole');
    await dialog(page).getByRole('button', { name: 'Archive 2' }).click();
    await expect(page.getByTestId('queue-notice')).toContainText(
      'Moved 2 exported failed operations to the archive',
    );
    await expect(rowsOf(page)).toHaveCount(0);
    expect(app.sql('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
    // Nothing was deleted: both are in the archive, whole, and not purgeable there until the
    // archive's own export is saved.
    expect(
      app.sql<{ op_id: string; data: string; exported_at: string | null }>(
        'SELECT op_id, data, exported_at FROM outbox_archive ORDER BY op_id',
      ),
    ).toEqual(
      opIds.map((o) => ({
        op_id: o.op_id,
        data: expect.stringMatching(/^\{"title":"Lead \(bad-[12]\)"\}$/) as string,
        exported_at: null,
      })),
    );
    await page.getByRole('tab', { name: 'Archive' }).click();
    await expect(page.getByTestId('archive-row')).toHaveCount(2);
    await expect(page.getByTestId('archive-total')).toHaveText(
      '2 archived operations · 0 exported',
    );
    await expect(page.getByTestId('archive-row').filter({ hasText: 'Ada Bad' })).toHaveCount(1);
    await app.shot('exported-then-archived');
    expect(
      app.sql("SELECT title FROM visitors WHERE local_id LIKE 'bad-%' ORDER BY local_id"),
    ).toEqual([{ title: 'Engineer' }, { title: 'Engineer' }]);
    expect(
      app
        .sql<{ action: string; local_id: string | null }>(
          'SELECT action, local_id FROM audit ORDER BY id',
        )
        .map((r) => `${r.action} ${r.local_id}`),
    ).toEqual(['export null', 'archive_exported bad-1', 'archive_exported bad-2']);
  });
});
