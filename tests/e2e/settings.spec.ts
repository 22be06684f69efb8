import { expect, test } from './harness/fixtures';

/** The Settings screen writes through the core's settings service (a plain object under test). */
test('settings: an invalid value is named beside its field; a valid change is saved in the core’s settings', async ({
  app,
}) => {
  const { page } = app;
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Settings', exact: true })
    .click();
  await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();
  await expect(page.getByTestId('settings-connection')).toHaveText(
    'No sync server is set up; the console works on its local database.',
  );

  await page.getByLabel('Changes per request').fill('5000');
  await page.getByLabel('Attempts before giving up').fill('');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('#set-chunkSize-help')).toHaveText(
    'Changes per request must be at most 1000',
  );
  await expect(page.locator('#set-maxAttempts-help')).toHaveText(
    'Attempts before giving up must be a number',
  );
  await expect(page.getByTestId('settings-message')).toHaveText('Check the marked settings.');
  expect((await app.core.call('settings:get', {})).settings.sync.chunkSize).toBe(500);
  await app.shot('invalid');

  await page.getByLabel('Changes per request').fill('250');
  await page.getByLabel('Attempts before giving up').fill('8');
  await page.getByLabel('Phone').selectOption({ label: 'Keep the server’s' });
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('settings-message')).toHaveText('Settings saved');
  expect((await app.core.call('settings:get', {})).settings).toMatchObject({
    sync: { chunkSize: 250 },
    backoff: { maxAttempts: 8 },
    fieldStrategies: { phone: 'server_wins' },
  });
  await app.shot('saved');

  await page.getByRole('button', { name: 'Restore defaults' }).click();
  await expect(page.getByTestId('settings-message')).toHaveText('Defaults restored');
  await expect(page.getByLabel('Changes per request')).toHaveValue('500');
  expect((await app.core.call('settings:get', {})).settings.fieldStrategies.phone).toBe('manual');
});
