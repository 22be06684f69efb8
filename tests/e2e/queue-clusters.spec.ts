import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { FaultsRequestSchema, type FaultsRequest } from '../../server/faults';
import { expect, test } from './harness/fixtures';
import { ADMIN_TOKEN, type RunningServer } from './harness/sync-server';

/**
 * Failure clusters and the archive, against the real reference server on
 * 127.0.0.1: three groups of refused operations; the admin edits a whole
 * group (previewed, then written), turns another into workspace conflicts,
 * discards the third into the archive, exports it and purges it. Each
 * outcome is checked on the server and in the console's SQLite file.
 */

const nav = (page: Page, name: 'Retry queue' | 'Conflicts') =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
const dialog = (page: Page) => page.getByRole('dialog');
const groupsOf = (page: Page) =>
  page.getByRole('list', { name: 'Error groups' }).getByRole('listitem');

function faults(srv: RunningServer, request: FaultsRequest): void {
  srv.faults.set(FaultsRequestSchema.parse(request));
}

async function serverRecord(srv: RunningServer, id: string) {
  return srv.store.read(async (tx) => (await tx.get(id))?.values ?? null);
}

async function adminPost(srv: RunningServer, body: unknown): Promise<void> {
  const r = await fetch(`${srv.url}/api/admin/visitors`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200);
}

const PEOPLE: Record<string, string> = {
  'mail-1': 'Ada Mail',
  'mail-2': 'Bea Mail',
  'mail-3': 'Cy Mail',
  'rule-1': 'Di Rule',
  'rule-2': 'Ed Rule',
  'gone-1': 'Flo Gone',
  'gone-2': 'Gus Gone',
};

test('an admin edits a whole failure cluster, turns another into conflicts, discards one into the archive, exports and purges it', async ({
  app,
  syncServer,
}, testInfo) => {
  const { page, core } = app;
  await adminPost(syncServer, {
    visitors: Object.entries(PEOPLE).map(([id, name]) => ({
      id,
      data: { name, email: `${id}@example.com`, title: 'Engineer' },
    })),
  });
  await core.call('sync:connect', { serverUrl: syncServer.url, token: ADMIN_TOKEN });
  await core.call('sync:start', {});

  // 1. emails with a domain typo the server's rules refuse
  for (const id of ['mail-1', 'mail-2', 'mail-3'])
    await core.call('visitors:update', { localId: id, patch: { email: `${id}@example.con` } });
  faults(syncServer, {
    failOperations: {
      localIdPrefix: 'mail-',
      count: 3,
      error: {
        code: 'validation',
        message: 'data.email: the domain example.con does not exist',
        retryable: false,
      },
    },
  });
  await core.call('sync:start', {});
  // 2. titles a server rule refuses while the record changed there meanwhile
  for (const id of ['rule-1', 'rule-2'])
    await core.call('visitors:update', { localId: id, patch: { title: `Chief ${id}` } });
  faults(syncServer, {
    failOperations: {
      localIdPrefix: 'rule-',
      count: 2,
      error: {
        code: 'rejected',
        message: 'A title change needs the record owner’s approval.',
        retryable: false,
      },
    },
  });
  await core.call('sync:start', {});
  await adminPost(syncServer, {
    visitors: [{ id: 'rule-1', data: { title: 'Owner approved title', phone: '+1 555 0101' } }],
  });
  // 3. records the server says it does not have
  for (const id of ['gone-1', 'gone-2'])
    await core.call('visitors:update', { localId: id, patch: { title: `Lead ${id}` } });
  faults(syncServer, {
    failOperations: {
      localIdPrefix: 'gone-',
      count: 2,
      error: { code: 'not_found', message: 'No visitor with this id.', retryable: false },
    },
  });
  await core.call('sync:start', {});
  syncServer.faults.clear();

  await nav(page, 'Retry queue').click();
  await expect(page.getByTestId('queue-role')).toHaveText('Admin');
  const groups = groupsOf(page);
  await expect(groups).toHaveCount(3);
  // the server's own words, not a normalised key
  await expect(groups.nth(0)).toHaveAccessibleName(
    '3 · Invalid data: data.email: the domain example.con does not exist',
  );
  await app.shot('three-clusters');

  // edit the whole email cluster: preview with a count and samples, then write
  await groups.nth(0).getByRole('button', { name: 'Edit field…' }).click();
  const edit = dialog(page);
  await expect(edit.getByRole('heading')).toHaveText('Edit a field across 3 operations');
  await expect(edit.getByLabel('Field to edit')).toHaveValue('email');
  await edit.getByRole('textbox', { name: 'Find', exact: true }).fill('@');
  await edit.getByRole('textbox', { name: 'Replace with' }).fill(' at ');
  await edit.getByRole('button', { name: 'Preview' }).click();
  const preview = edit.getByTestId('edit-preview');
  await expect(preview).toContainText('3 edited payloads the server would refuse');
  await expect(preview).toContainText('must be a valid email address');
  await expect(edit.getByRole('button', { name: /^Edit and retry/ })).toBeDisabled();
  await edit.getByRole('textbox', { name: 'Find', exact: true }).fill('.con');
  await edit.getByRole('textbox', { name: 'Replace with' }).fill('.com');
  // a changed edit must be previewed again
  await expect(preview).toHaveCount(0);
  await edit.getByRole('button', { name: 'Preview' }).click();
  await expect(preview).toContainText('3 operations will be edited and retried');
  const samples = edit.getByRole('table', { name: 'Sample changes' }).getByRole('row');
  await expect(samples).toHaveCount(4);
  await expect(samples.nth(1)).toHaveText('Ada Mailmail-1@example.conmail-1@example.com');
  await app.shot('cluster-edit-preview');
  await edit.getByRole('button', { name: 'Edit and retry 3 operations' }).click();
  await expect(page.getByTestId('queue-notice')).toContainText(
    'Edited 3 operations (replace “.con” with “.com” in email)',
  );
  for (const id of ['mail-1', 'mail-2', 'mail-3'])
    await expect
      .poll(async () => (await serverRecord(syncServer, id))?.email)
      .toBe(`${id}@example.com`);
  await expect(groups).toHaveCount(2);
  await expect.poll(async () => (await core.call('sync:status', {})).running).toBe(false);

  // turn the title cluster into conflicts against the server's current record
  const rule = groups.filter({ hasText: 'approval' });
  await rule.getByRole('button', { name: 'Turn into conflicts…' }).click();
  await expect(dialog(page).getByRole('heading')).toHaveText('Turn 2 operations into conflicts?');
  await dialog(page).getByRole('button', { name: 'Turn 2 into conflicts' }).click();
  await expect(page.getByTestId('queue-notice')).toContainText(
    '2 operations turned into conflicts',
  );
  await expect(groups).toHaveCount(1);
  expect(
    app.sql(
      "SELECT local_id, kind, conflict_fields FROM conflicts WHERE status = 'open' ORDER BY local_id",
    ),
  ).toEqual([
    { local_id: 'rule-1', kind: 'field', conflict_fields: '["title"]' },
    { local_id: 'rule-2', kind: 'field', conflict_fields: '["title"]' },
  ]);
  await nav(page, 'Conflicts').click();
  await expect(page.getByTestId('conflict-count')).toContainText('2 conflicts match');
  await page.locator('[data-conflict-id]').filter({ hasText: 'Di Rule' }).click();
  const detail = page.getByRole('complementary', { name: 'Conflict detail' });
  await expect(detail).toContainText('Chief rule-1');
  await expect(detail).toContainText('Owner approved title');
  await app.shot('cluster-as-conflicts');
  await nav(page, 'Retry queue').click();

  // discard the last cluster: into the archive, never deleted
  await groups.getByRole('button', { name: 'Discard group' }).click();
  await expect(dialog(page)).toContainText('go to the archive');
  await dialog(page).getByRole('button', { name: 'Discard 2 operations' }).click();
  await expect(page.getByTestId('queue-notice')).toContainText(
    'Discarded 2 operations into the archive',
  );
  await expect(groups).toHaveCount(0);

  await page.getByRole('tab', { name: 'Archive' }).click();
  const rows = page.getByTestId('archive-row');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('archive-total')).toHaveText('2 archived operations · 0 exported');
  await rows.filter({ hasText: 'Flo Gone' }).click();
  const archived = page.getByTestId('archive-detail');
  await expect(archived).toContainText('update of Flo Gone');
  await expect(archived).toContainText('Lead gone-1');
  await expect(archived).toContainText('not_found: No visitor with this id.');
  const purge = page.getByRole('button', { name: /^Purge exported/ });
  await expect(purge).toBeDisabled();
  await app.shot('archive');

  await page.getByRole('button', { name: 'Export archive CSV' }).click();
  const download = page.waitForEvent('download');
  await dialog(page).getByRole('button', { name: 'Export 2 as CSV' }).click();
  const file = await download;
  const saved = testInfo.outputPath(file.suggestedFilename());
  await file.saveAs(saved);
  const csv = readFileSync(saved, 'utf8').trimEnd().split('\r\n');
  expect(csv).toHaveLength(3);
  expect(csv[0]).toMatch(/^archiveId,opId,action,localId,/);
  expect(csv.filter((l) => l.includes('No visitor with this id.'))).toHaveLength(2);
  // handed to the browser, not yet confirmed: still nothing to purge
  await expect(purge).toBeDisabled();
  await page
    .getByRole('group', { name: 'Confirm the archive export' })
    .getByRole('button', { name: 'The file is saved' })
    .click();
  await expect(page.getByTestId('archive-notice')).toContainText(
    '2 archived operations may now be purged',
  );
  await expect(purge).toHaveText('Purge exported (2)…');
  await purge.click();
  await expect(dialog(page).getByRole('heading')).toHaveText('Purge 2 exported operations?');
  await dialog(page).getByRole('button', { name: 'Purge 2' }).click();
  await expect(page.getByTestId('archive-notice')).toContainText(
    'Purged 2 exported operations from the archive.',
  );
  await expect(rows).toHaveCount(0);
  await app.shot('archive-purged');

  expect(app.sql('SELECT count(*) AS n FROM outbox_archive')).toEqual([{ n: 0 }]);
  expect(
    app
      .sql<{ action: string; n: number }>(
        'SELECT action, count(*) AS n FROM audit GROUP BY action ORDER BY action',
      )
      .map((r) => `${r.action} ${r.n}`),
  ).toEqual(['archive_export 1', 'archive_purge 2', 'discard 2', 'edit_retry 3', 'to_conflict 2']);
});

test('an admin restores a discarded operation from the archive to the queue', async ({
  app,
  syncServer,
}) => {
  const { page, core } = app;
  await adminPost(syncServer, {
    visitors: [{ id: 'gone-1', data: { name: 'Flo Gone', title: 'Engineer' } }],
  });
  await core.call('sync:connect', { serverUrl: syncServer.url, token: ADMIN_TOKEN });
  await core.call('sync:start', {});
  await core.call('visitors:update', { localId: 'gone-1', patch: { title: 'Lead' } });
  faults(syncServer, {
    failOperations: {
      localIdPrefix: 'gone-',
      count: 1,
      error: { code: 'not_found', message: 'No visitor with this id.', retryable: false },
    },
  });
  await core.call('sync:start', {});
  const [{ op_id: opId }] = app.sql<{ op_id: string }>('SELECT op_id FROM outbox');
  await core.call('queue:discard', { select: { opIds: [opId!] }, expected: 1 });
  expect(app.sql("SELECT title FROM visitors WHERE local_id = 'gone-1'")).toEqual([
    { title: 'Engineer' },
  ]);

  await nav(page, 'Retry queue').click();
  await expect(page.getByTestId('queue-role')).toHaveText('Admin');
  await page.getByRole('tab', { name: 'Archive' }).click();
  await page.getByRole('checkbox', { name: 'Select Flo Gone' }).check();
  await page.getByRole('button', { name: 'Restore selected' }).click();
  await expect(dialog(page).getByRole('heading')).toHaveText('Restore 1 operation?');
  await dialog(page).getByRole('button', { name: 'Restore 1' }).click();
  await expect(page.getByTestId('archive-notice')).toContainText(
    'Restored 1 operation to the queue, as failed',
  );
  await expect(page.getByTestId('archive-row')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Queue' }).click();
  await expect(page.getByTestId('queue-row')).toHaveCount(1);
  await expect(page.getByTestId('queue-row')).toContainText('Flo Gone');
  expect(app.sql('SELECT op_id, status FROM outbox')).toEqual([{ op_id: opId, status: 'failed' }]);
  // the record shows the change again
  expect(app.sql("SELECT title, dirty FROM visitors WHERE local_id = 'gone-1'")).toEqual([
    { title: 'Lead', dirty: 1 },
  ]);
  await app.shot('restored');
});
