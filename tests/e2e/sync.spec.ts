import type { Locator, Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { STAFF_TOKEN } from './harness/sync-server';

/**
 * The Sync screen against the real reference server on 127.0.0.1: the form
 * connects the real core, each run goes over HTTP, and what the screen says
 * is checked against the core's SQLite file.
 */

const HHMM = '\\d{1,2}:\\d{2}(?: ?[AP]M)?';

const nav = (page: Page, name: 'Visitors' | 'Sync') =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
const syncNow = (page: Page) => page.getByRole('button', { name: 'Sync now' });
const historyRows = (page: Page) => page.getByTestId('history-row');
const bar = (page: Page) => page.getByRole('progressbar', { name: 'Sync progress' });
const panel = (page: Page) => page.getByRole('complementary');

async function connect(page: Page, url: string, token: string): Promise<void> {
  await nav(page, 'Sync').click();
  await page.getByLabel('Server address').fill(url);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: /^(Connect|Update connection)$/ }).click();
  // the token field empties only once the core took the new connection
  await expect(page.getByLabel('Token')).toHaveValue('');
  await expect(page.getByTestId('connection-saved')).toHaveText('Connection set');
  await expect(page.getByTestId('connection-state')).toHaveText('Connected · online');
  await expect(page.getByTestId('connection-server')).toHaveText(url);
}

/** Presses Sync now and waits for the run's row (the `n`th run) to show an outcome. */
async function runSync(page: Page, n: number, outcome: string): Promise<Locator> {
  await syncNow(page).click();
  await expect(historyRows(page)).toHaveCount(n);
  const row = historyRows(page).first();
  await expect(row.getByTestId('run-outcome')).toHaveText(outcome);
  await expect(syncNow(page)).toBeEnabled();
  return row;
}

const valueNow = async (page: Page) => Number(await bar(page).getAttribute('aria-valuenow'));

test.describe('sync screen', () => {
  test.describe('a first sync, local edits and a watched second run', () => {
    test.use({ serverSeed: 3000, syncSettings: { chunkSize: 20, pageSize: 1000 } });

    test('connects through the form, mirrors the server, and shows a push live, chunk by chunk, then in the history', async ({
      app,
      syncServer,
    }) => {
      const { page } = app;
      await expect(page.getByTestId('sync-indicator')).toHaveText('Sync not set up');
      await nav(page, 'Sync').click();
      await expect(nav(page, 'Sync')).toHaveAttribute('aria-current', 'page');
      await expect(page.getByTestId('connection-state')).toHaveText('Not set up');
      await expect(page.getByTestId('connection-hint')).toContainText(
        'The connection lasts until the console is closed',
      );
      await expect(syncNow(page)).toBeDisabled();
      await expect(page.getByTestId('history-empty')).toBeVisible();

      // the form checks what it can before asking the core
      await page.getByLabel('Server address').fill('sync.example.com');
      await page.getByRole('button', { name: 'Connect' }).click();
      await expect(page.locator('#sync-server-url-error')).toHaveText(
        'Server address must be an http:// or https:// address',
      );
      await expect(page.locator('#sync-token-error')).toHaveText('Token is required');
      await app.shot('form-invalid');

      await connect(page, syncServer.url, STAFF_TOKEN);
      await expect(syncNow(page)).toBeEnabled();
      await app.shot('connected');

      // first run: the whole server into the mirror, three pages of 1,000
      const first = await runSync(page, 1, 'Succeeded');
      await expect(first.getByTestId('run-pulled')).toHaveText('3,000');
      await expect(first.getByTestId('run-updated')).toHaveText('0');
      await expect(page.getByTestId('progress-pulled')).toHaveText('3,000');
      await expect(page.getByTestId('progress-percent')).toHaveText('100%');
      await expect(page.getByTestId('sync-indicator')).toHaveText(
        new RegExp(`^Last sync ${HHMM}$`),
      );
      await expect(page.getByTestId('last-error-card')).toHaveCount(0);
      expect(app.sql('SELECT count(*) AS n FROM visitors WHERE server_id IS NOT NULL')).toEqual([
        { n: 3000 },
      ]);
      await app.shot('first-sync');

      await nav(page, 'Visitors').click();
      await expect(page.getByTestId('visitor-count')).toHaveText('3,000 visitors');

      // one edit through the record panel…
      const [target] = app.sql<{ local_id: string; name: string; email: string }>(
        `SELECT local_id, name, email FROM visitors v
         WHERE email IS NOT NULL AND (SELECT count(*) FROM visitors w WHERE w.email = v.email) = 1
         ORDER BY local_id LIMIT 1`,
      );
      await page.getByLabel('Search visitors').fill(target!.email);
      await page
        .getByTestId('visitor-rows')
        .getByRole('row')
        .filter({ hasText: target!.name })
        .click();
      await panel(page).getByLabel('Title').fill('Head of Visitor Reconciliation');
      await panel(page).getByRole('button', { name: 'Save changes' }).click();
      await expect(page.getByTestId('pending-total')).toHaveText('1 pending change');

      // …and 299 more through the core, as another window would
      await nav(page, 'Sync').click();
      const others = app.sql<{ local_id: string }>(
        'SELECT local_id FROM visitors WHERE local_id <> ? ORDER BY local_id LIMIT 299',
        target!.local_id,
      );
      for (const [i, { local_id }] of others.entries())
        await app.core.call('visitors:update', {
          localId: local_id,
          patch: { notes: `Checked at the front desk (${i + 1})` },
        });
      await expect(page.getByTestId('pending-total')).toHaveText('300 pending changes');
      await expect(page.getByTestId('pending-breakdown')).toHaveText(
        '0 creates · 300 updates · 0 deletes',
      );
      await expect(page.getByTestId('sync-pending')).toContainText(
        '300 local changes waiting to be sent.',
      );

      // second run: 15 chunks of 20, each answered 1 s late, so the run can be watched
      // mid-way even when the machine is busy and each check below takes a while
      syncServer.faults.set({ delayResponses: { count: 15, ms: 1000 } });
      await syncNow(page).click();
      await expect(bar(page)).toHaveAttribute('aria-valuemax', '300');
      await expect(page.getByTestId('sync-phase')).toHaveText(
        /^Sending local changes · chunk \d+ of 15$/,
      );
      await expect.poll(() => valueNow(page)).toBeGreaterThanOrEqual(40);
      expect(await valueNow(page)).toBeLessThan(300);
      await expect(syncNow(page)).toBeDisabled();
      await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled();
      await expect(page.getByTestId('progress-chunk')).toHaveText(/^\d+ of 15$/);
      await expect(page.getByTestId('progress-ops')).toHaveText(/^\d+ of 300$/);
      await expect(page.getByTestId('progress-bytes')).toHaveText(/^\d+(\.\d)? (B|KB|MB)$/);
      await expect(page.getByTestId('progress-rate')).toHaveText(/^[\d,]+ ops\/s$/);
      await expect(page.getByTestId('progress-eta')).toHaveText(
        /^(about [\d.]+ s|under a second|calculating…)$/,
      );
      await expect(page.getByTestId('sync-indicator')).toHaveText(/^Syncing… \d{1,2}%$/);
      await app.shot('second-sync-running');

      const second = historyRows(page).first();
      // the rest of the 15 s run
      await expect(historyRows(page)).toHaveCount(2, { timeout: 30_000 });
      await expect(second.getByTestId('run-outcome')).toHaveText('Succeeded');
      await expect(second.getByTestId('run-updated')).toHaveText('300');
      await expect(second.getByTestId('run-conflicts')).toHaveText('0');
      await expect(second.getByTestId('run-errors')).toHaveText('0');
      await expect(second.getByTestId('run-duration')).toHaveText(/^[\d.]+ s$/);
      await expect(second.getByTestId('run-bytes')).toHaveText(/^\d+(\.\d)? (KB|MB)$/);
      await expect(page.getByTestId('progress-ops')).toHaveText('300 of 300');
      await expect(page.getByTestId('progress-updated')).toHaveText('300');
      await expect(page.getByTestId('progress-chunk')).toHaveText('15 of 15');
      await expect(bar(page)).toHaveAttribute('aria-valuenow', '300');
      await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
      await expect(page.getByTestId('pending-total')).toHaveText(
        'All changes saved locally; nothing waiting to sync',
      );
      expect(app.sql('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]);
      expect(app.sql('SELECT outcome, updated FROM sync_runs ORDER BY id')).toEqual([
        { outcome: 'success', updated: 0 },
        { outcome: 'success', updated: 300 },
      ]);
      await app.shot('second-sync-done');
    });
  });

  test.describe('conflicts', () => {
    test.use({ serverSeed: 2000 });

    test('an edit of a record the server changed meanwhile ends the run with a conflict, counted everywhere', async ({
      app,
      syncServer,
    }) => {
      const { page } = app;
      await connect(page, syncServer.url, STAFF_TOKEN);
      await runSync(page, 1, 'Succeeded');

      // other devices change the title of 25 records…
      const sim = await syncServer.simulate({ edits: 25, fields: ['title'], seedValue: 11 });
      expect(sim.counts.edits).toBe(25);
      const target = sim.edited
        .map(
          (e) =>
            app.sql<{ local_id: string; name: string; email: string | null }>(
              'SELECT local_id, name, email FROM visitors WHERE server_id = ?',
              e.id,
            )[0]!,
        )
        .find(
          (v) =>
            v.email !== null &&
            app.sql<{ n: number }>(
              'SELECT count(*) AS n FROM visitors WHERE email = ?',
              v.email,
            )[0]!.n === 1,
        )!;

      // …and here someone edits the title of one of them, from the old version
      await nav(page, 'Visitors').click();
      await page.getByLabel('Search visitors').fill(target.email!);
      await page
        .getByTestId('visitor-rows')
        .getByRole('row')
        .filter({ hasText: target.name })
        .click();
      await panel(page).getByLabel('Title').fill('Title set at the front desk');
      await panel(page).getByRole('button', { name: 'Save changes' }).click();
      await expect(page.getByTestId('pending-total')).toHaveText('1 pending change');

      await nav(page, 'Sync').click();
      const row = await runSync(page, 2, 'Finished with conflicts or errors');
      await expect(row.getByTestId('run-conflicts')).toHaveText('1');
      await expect(row.getByTestId('run-pulled')).toHaveText('25');
      await expect(row.getByTestId('run-updated')).toHaveText('0');
      await expect(page.getByTestId('progress-conflicts')).toHaveText('1');
      await expect(page.getByTestId('open-conflicts')).toContainText('Open conflicts: 1.');
      await expect(page.getByTestId('history-summary')).toContainText('· 1 conflict');
      await expect(page.getByTestId('sync-indicator')).toHaveText(
        new RegExp(`^Last sync ${HHMM} · 1 conflict$`),
      );
      expect(app.sql('SELECT local_id, kind, conflict_fields, status FROM conflicts')).toEqual([
        { local_id: target.local_id, kind: 'field', conflict_fields: '["title"]', status: 'open' },
      ]);
      // the record keeps the local value until the conflict is resolved
      expect(app.sql('SELECT title FROM visitors WHERE local_id = ?', target.local_id)).toEqual([
        { title: 'Title set at the front desk' },
      ]);
      await app.shot('conflict');
    });
  });

  test.describe('a refused token', () => {
    test.use({ serverSeed: 200 });

    test('ends the run as "Token refused" with the reason in plain words, and a new token fixes it', async ({
      app,
      syncServer,
    }) => {
      const { page } = app;
      await connect(page, syncServer.url, 'not-the-right-token');
      await runSync(page, 1, 'Token refused');
      await expect(page.getByTestId('last-error')).toContainText(
        `The server at ${new URL(syncServer.url).host} did not accept the token`,
      );
      await expect(page.getByTestId('last-error-next')).toHaveText(
        /^What to do next: Ask your administrator for a valid sync token/,
      );
      await expect(page.getByTestId('sync-indicator')).toHaveText(
        new RegExp(`^Last sync ${HHMM} · Token refused$`),
      );
      expect(app.sql('SELECT count(*) AS n FROM visitors')).toEqual([{ n: 0 }]);
      await app.shot('token-refused');

      await connect(page, syncServer.url, STAFF_TOKEN);
      const row = await runSync(page, 2, 'Succeeded');
      await expect(row.getByTestId('run-pulled')).toHaveText('200');
      await expect(historyRows(page).nth(1).getByTestId('run-outcome')).toHaveText('Token refused');
      await expect(page.getByTestId('last-error-card')).toHaveCount(0);
      await app.shot('token-fixed');
    });
  });

  test.describe('cancel and retry', () => {
    test.use({ serverSeed: 150, syncSettings: { chunkSize: 10 } });

    test('Cancel stops a run between chunks; a 503 with Retry-After shows when the changes go again', async ({
      app,
      syncServer,
    }) => {
      const { page } = app;
      await connect(page, syncServer.url, STAFF_TOKEN);
      await runSync(page, 1, 'Succeeded');
      for (const { local_id } of app.sql<{ local_id: string }>(
        'SELECT local_id FROM visitors ORDER BY local_id LIMIT 100',
      ))
        await app.core.call('visitors:update', {
          localId: local_id,
          patch: { phone: '+1-555-0100' },
        });
      await expect(page.getByTestId('pending-total')).toHaveText('100 pending changes');

      // Chunk 1 is answered at once; chunk 2's reply is held until the console
      // hangs up, so the run is still between chunks when Cancel is pressed, however
      // long the screen takes to show it (a fast push can no longer end first).
      syncServer.faults.set({ delayResponses: { skip: 1, count: 1, ms: 120_000 } });
      await syncNow(page).click();
      await expect(page.getByTestId('progress-chunk')).toHaveText(/^[2-8] of 10$/);
      await page.getByRole('button', { name: 'Cancel' }).click();
      const cancelled = historyRows(page).first();
      await expect(historyRows(page)).toHaveCount(2);
      await expect(cancelled.getByTestId('run-outcome')).toHaveText('Cancelled');
      await expect(page.getByTestId('last-error')).toHaveText('The sync was cancelled.');
      await expect(page.getByTestId('last-error-next')).toContainText('Nothing was lost.');
      const sent = Number(await cancelled.getByTestId('run-updated').textContent());
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThan(100);
      await app.shot('cancelled');

      // the server is down for the next bulk-sync: those 10 operations wait two minutes
      syncServer.faults.clear();
      syncServer.faults.set({
        failRequests: { count: 1, status: 503, retryAfterSeconds: 120, route: 'bulk-sync' },
      });
      const row = await runSync(page, 3, 'Finished with conflicts or errors');
      await expect(row.getByTestId('run-retried')).toHaveText('10');
      await expect(row.getByTestId('run-updated')).toHaveText(String(100 - sent - 10));
      await expect(page.getByTestId('last-error')).toContainText(
        'The server had a problem (HTTP 503)',
      );
      await expect(page.getByTestId('last-error-next')).toContainText('retry time shown');
      await expect(page.getByTestId('next-retry')).toHaveText(
        new RegExp(`^Next retry from ${HHMM}:\\d{2}(?: ?[AP]M)? \\(in (1|2) min \\d{2} s\\)`),
      );
      await expect(page.getByTestId('sync-indicator')).toHaveText(
        new RegExp(`^Last sync ${HHMM} · 10 retries · retry from ${HHMM}$`),
      );
      await expect(page.getByTestId('pending-total')).toHaveText('10 pending changes');
      await app.shot('retry-scheduled');
    });
  });
});
