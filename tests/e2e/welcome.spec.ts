import { createServer } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { STAFF_TOKEN } from './harness/sync-server';

/**
 * First run: the welcome screen, and its connection test against the real
 * reference server on 127.0.0.1 (GET /api/me through the real core).
 */
test.use({ firstRun: true });

const welcome = (page: Page) =>
  page.getByRole('heading', { name: 'Welcome to the Visitor Reconciliation Console' });
const connectCard = (page: Page) => page.getByRole('region', { name: 'Connect to your server' });
const result = (page: Page) => page.getByTestId('connection-result');

async function fill(page: Page, url: string, token: string): Promise<void> {
  await connectCard(page).getByLabel('Server address').fill(url);
  await connectCard(page).getByLabel('Token').fill(token);
}

/** A port nothing listens on (taken, then freed). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

test.describe('welcome screen', () => {
  test('a fresh install lands on the welcome screen with both ways in, and checks the form before calling anything', async ({
    app,
  }) => {
    const { page } = app;
    await expect(welcome(page)).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Try the demo' })).toBeVisible();
    await expect(page.getByTestId('token-storage-note')).toContainText(
      'The token is kept for this session only',
    );
    await app.shot('welcome');

    await connectCard(page).getByLabel('Server address').fill('sync.example.com');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.locator('#welcome-url-error')).toHaveText(
      'Server address must be an http:// or https:// address',
    );
    await expect(page.locator('#welcome-token-error')).toHaveText('Token is required');
    await expect(result(page)).toHaveCount(0);
  });

  test('connection test: success names the role; Connect saves the server and opens the console', async ({
    app,
    syncServer,
  }) => {
    const { page } = app;
    await fill(page, syncServer.url, STAFF_TOKEN);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(result(page)).toHaveAttribute('role', 'status');
    await expect(result(page)).toContainText('Connection works');
    await expect(result(page)).toContainText(`${syncServer.url} accepts this token as staff`);
    await app.shot('test-success');

    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
    await expect(welcome(page)).toHaveCount(0);
    expect((await app.core.call('settings:get', {})).settings.connection).toEqual({
      kind: 'server',
      serverUrl: syncServer.url,
    });

    const nav = page.getByRole('navigation', { name: 'Screens' });
    await nav.getByRole('button', { name: 'Sync', exact: true }).click();
    await expect(page.getByTestId('connection-state')).toHaveText('Connected · online');
    await expect(page.getByTestId('connection-server')).toHaveText(syncServer.url);
    await nav.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(page.getByTestId('settings-connection')).toHaveText(
      `Syncing with ${syncServer.url}.`,
    );
    await app.shot('connected-settings');
  });

  test('connection test: a wrong token is refused in words, and Connect saves nothing', async ({
    app,
    syncServer,
  }) => {
    const { page } = app;
    await fill(page, syncServer.url, 'not-the-right-token');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(result(page)).toHaveAttribute('role', 'alert');
    await expect(result(page)).toContainText('Token refused');
    await expect(result(page)).toContainText('did not accept the token (HTTP 401)');
    await expect(result(page)).toContainText('ask your administrator for a new one');
    await app.shot('wrong-token');

    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(result(page)).toContainText('did not accept the token');
    await expect(welcome(page)).toBeVisible();
    expect((await app.core.call('settings:get', {})).settings.connection).toEqual({ kind: 'none' });
  });

  test('connection test: an address where nothing answers is called unreachable', async ({
    app,
  }) => {
    const { page } = app;
    const port = await deadPort();
    await fill(page, `http://127.0.0.1:${port}`, STAFF_TOKEN);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(result(page)).toContainText('Cannot reach the server');
    await expect(result(page)).toContainText(`Nothing answers at 127.0.0.1:${port}`);
    await expect(result(page)).toContainText('that the server is running');
    await app.shot('unreachable');
  });

  test('set up later opens the console on the local database', async ({ app }) => {
    const { page } = app;
    await page.getByRole('button', { name: 'Set up later' }).click();
    await expect(page.getByTestId('visitor-count')).toBeVisible();
    await expect(page.getByTestId('sync-indicator')).toHaveText('Sync not set up');
    expect((await app.core.call('settings:get', {})).settings.welcomeDone).toBe(true);
  });
});
