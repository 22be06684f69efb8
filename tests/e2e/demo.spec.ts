import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';

/**
 * The demo default: "Try the demo" starts the reference server inside the
 * core on 127.0.0.1 (real HTTP, real SQLite on both sides), the mirror
 * fills, and the sync's progress and its conflicts are shown.
 */
test.use({ firstRun: true });

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

test('try the demo: the embedded server starts, the mirror fills, a sync shows progress and produces conflicts', async ({
  app,
}) => {
  const { page } = app;
  // Every progress event the window receives, as the app's own listeners see them.
  await page.evaluate(() => {
    const w = window as unknown as {
      __progress: {
        phase: string;
        done: number;
        total: number;
        pulled: number;
        conflicts: number;
      }[];
    };
    w.__progress = [];
    window.api!.on('sync:progress', (p) => w.__progress.push(p));
  });

  await page.getByRole('button', { name: 'Try the demo' }).click();
  const steps = page.getByRole('list', { name: 'Demo steps' });
  await expect(steps).toBeVisible();
  await expect(page.getByTestId('demo-step-server')).toBeVisible();
  await app.shot('demo-starting');

  const ready = page.getByTestId('demo-ready');
  await expect(ready).toBeVisible({ timeout: 60_000 });
  await expect(ready).toContainText('The demo is ready.');
  await expect(ready).toContainText('2,000 visitors mirrored');
  await expect(ready).toContainText(/\d+ conflicts to resolve/);
  for (const step of ['server', 'mirror', 'activity', 'sync', 'ready'])
    await expect(page.getByTestId(`demo-step-${step}`)).toContainText('(done)');
  await app.shot('demo-ready');

  // The embedded server is real: listening on 127.0.0.1, with a database next to the console's.
  const state = await app.core.call('setup:state', {});
  expect(state.demo.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(state.connection).toEqual({ kind: 'demo' });
  const me = await fetch(`${state.demo.serverUrl}/api/health`);
  expect(me.status).toBe(200);

  // Progress reached the window: the mirror being pulled, then the push chunk by chunk.
  const progress = await page.evaluate(
    () =>
      (
        window as unknown as {
          __progress: {
            phase: string;
            done: number;
            total: number;
            pulled: number;
            conflicts: number;
          }[];
        }
      ).__progress,
  );
  expect(progress.some((p) => p.phase === 'pull' || p.pulled > 0)).toBe(true);
  const pushed = progress.filter((p) => p.phase !== 'pull' && p.total > 0);
  expect(pushed.length).toBeGreaterThan(0);
  expect(Math.max(...pushed.map((p) => p.conflicts))).toBeGreaterThan(0);

  // The mirror filled: the Visitors screen pages the local database.
  await page.getByRole('button', { name: 'Open the console' }).click();
  const mirrored = app.sql<{ n: number }>(
    'SELECT count(*) AS n FROM visitors WHERE server_id IS NOT NULL AND deleted = 0',
  )[0]!.n;
  expect(mirrored).toBeGreaterThanOrEqual(1_990);
  await expect(page.getByTestId('visitor-count')).toHaveText(/^2,0\d\d visitors$/);
  await app.shot('demo-visitors');

  // The Sync screen shows the runs, the conflicts they produced, and the progress of the last one.
  await nav(page, 'Sync').click();
  await expect(page.getByTestId('connection-state')).toHaveText('Connected · online');
  const open = app.sql<{ n: number }>(
    "SELECT count(*) AS n FROM conflicts WHERE status = 'open'",
  )[0]!.n;
  expect(open).toBeGreaterThanOrEqual(16);
  await expect(page.getByTestId('history-row').first()).toBeVisible();
  await expect(
    page.getByTestId('history-row').filter({ hasText: 'Finished with conflicts or errors' }),
  ).not.toHaveCount(0);

  // One more run by hand, watched on the Sync screen.
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('progressbar', { name: 'Sync progress' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByTestId('progress-percent')).toHaveText('100%');
  await app.shot('demo-sync-screen');
});
