import Database from 'better-sqlite3';
import { expect, test } from './harness/fixtures';
import { STAFF_TOKEN } from './harness/sync-server';

/** Settings: check the mirror against the real server, then repair only what differs. */
test.use({ serverSeed: 800 });

test('settings: the mirror check finds damaged records and the repair mends only those', async ({
  app,
  syncServer,
}) => {
  const { page } = app;
  await app.core.call('sync:connect', { serverUrl: syncServer.url, token: STAFF_TOKEN });
  expect((await app.core.call('sync:start', {})).pulled).toBe(800);
  const { dbPath } = await app.core.call('app:info', {});
  // Damage beside the running core, through a connection of its own.
  const db = new Database(dbPath);
  db.exec(`
    DELETE FROM visitors WHERE local_id IN (SELECT local_id FROM visitors ORDER BY server_id LIMIT 3 OFFSET 50);
    UPDATE visitors SET title = 'Tampered' WHERE local_id IN (SELECT local_id FROM visitors ORDER BY server_id LIMIT 2 OFFSET 600);`);
  db.close();

  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Settings', exact: true })
    .click();
  await expect(page.getByRole('heading', { name: 'Check the mirror' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Repair' })).toBeDisabled();
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(page.getByTestId('mirror-result')).toHaveText(
    'The mirror differs from the server: 3 missing here, 2 with other values.',
  );
  await app.shot('differs');

  await page.getByRole('button', { name: 'Repair' }).click();
  await expect(page.getByTestId('mirror-repaired')).toHaveText('Repaired 5 records.');
  await expect(page.getByTestId('mirror-result')).toHaveText(
    'The mirror equals the server (800 records).',
  );
  expect(app.sql("SELECT count(*) AS n FROM visitors WHERE title = 'Tampered'")).toEqual([
    { n: 0 },
  ]);
  expect(app.sql('SELECT count(*) AS n FROM visitors')).toEqual([{ n: 800 }]);
  await app.shot('repaired');
});
