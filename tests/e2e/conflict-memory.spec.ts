import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { DAY_MS } from '../../shared/resolve/stale';
import { expect, test, type ConsoleApp } from './harness/fixtures';
import { STAFF_TOKEN, startSyncServer, type RunningServer } from './harness/sync-server';

/**
 * Reconciliation memory against the real reference server: staff save a rule
 * from a bulk apply, turn it automatic after its dry run, and the next sync's
 * matching conflicts arrive resolved in one undoable batch named after it; a
 * field settled once is proposed again for the same pair of values; a change
 * captured long before the server's is flagged, filtered and defaults to theirs.
 */

const RECORDS = 40;
const RULE = 'Titles: theirs';

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
const detail = (page: Page) => page.getByRole('complementary', { name: 'Conflict detail' });
const countText = (page: Page) => page.getByTestId('conflict-count');
const bulkBar = (page: Page) => page.getByRole('toolbar', { name: 'Bulk decisions' });
const rowNamed = (page: Page, name: string) =>
  page.locator('[data-conflict-id]', { hasText: name }).first();

/** Another field device writes to the server through the protocol (its own client id). */
async function otherDevice(srv: RunningServer, serverId: string, data: Record<string, unknown>) {
  const r = await fetch(`${srv.url}/api/visitors/bulk-sync`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${STAFF_TOKEN}`,
      'content-type': 'application/json',
      'x-client-id': 'other-device',
    },
    body: JSON.stringify({
      operations: [
        {
          action: 'update',
          localId: `other-${serverId}`,
          serverId,
          timestamp: new Date(Date.now() + 10 * DAY_MS).toISOString(),
          data,
          opId: randomUUID(),
        },
      ],
    }),
  });
  const body = (await r.json()) as { results: { status: string }[] };
  expect(body.results[0]!.status).toBe('success');
}

interface Mirrored {
  local_id: string;
  server_id: string;
  name: string;
}

async function edit(app: ConsoleApp, m: Mirrored, patch: Record<string, unknown>) {
  await app.core.call('visitors:update', { localId: m.local_id, patch });
}

test.describe('reconciliation memory', () => {
  test('a rule saved from a bulk apply turns automatic after its dry run; remembered values; stale captures', async ({
    app,
  }) => {
    test.setTimeout(240_000);
    // The server's clock can be moved on: "the server changed it a week after the device did".
    let serverAhead = 0;
    const srv = await startSyncServer({ seed: RECORDS, clock: () => Date.now() + serverAhead });
    try {
      const { page, core } = app;
      await core.call('sync:connect', { serverUrl: srv.url, token: STAFF_TOKEN });
      await core.call('sync:start', {});
      const all = app.sql<Mirrored>(
        'SELECT local_id, server_id, name FROM visitors ORDER BY server_id',
      );
      expect(all).toHaveLength(RECORDS);
      const [v1, v2, v3] = all;
      const firstTitles = all.slice(3, 13);
      const laterTitles = all.slice(13, 21);

      // Round 1: ten title conflicts, and one on company ("ACME Corp" against "Acme Corporation").
      for (const m of firstTitles)
        await edit(app, m, { title: `Console ${m.server_id.slice(-4)}` });
      await edit(app, v1!, { company: 'ACME Corp' });
      await srv.simulate({ edits: RECORDS, fields: ['title'], seedValue: 1 });
      await otherDevice(srv, v1!.server_id, { company: 'Acme Corporation' });
      const round1 = await core.call('sync:start', {});
      expect(round1).toMatchObject({ conflicts: 11, autoResolved: 0, openConflicts: 11 });

      // Staff take theirs for every title conflict, and save that as a rule from the preview.
      await nav(page, 'Conflicts').click();
      await expect(countText(page)).toContainText('11 conflicts match');
      await page
        .getByRole('group', { name: 'Filter by conflicting field' })
        .getByRole('button', { name: 'Title' })
        .click();
      await expect(countText(page)).toContainText('10 conflicts match');
      await bulkBar(page)
        .getByRole('button', { name: /Select all 10 matching/ })
        .click();
      await bulkBar(page).getByRole('button', { name: 'Theirs', exact: true }).click();
      const preview = page.getByRole('dialog', { name: 'Preview of the bulk apply' });
      await expect(preview.getByTestId('preview-resolvable')).toHaveText('10');
      await preview.getByLabel('Rule name').fill(RULE);
      await preview.getByRole('button', { name: 'Save as rule' }).click();
      await expect(preview.getByRole('status')).toContainText(`Saved “${RULE}”`);
      await app.shot('save-as-rule');
      await preview.getByRole('button', { name: 'Apply to 10 conflicts' }).click();
      await expect(countText(page)).toContainText('0 conflicts match');

      // The rule is proposed; its dry run over what is open now comes before "automatic".
      await page.getByRole('button', { name: 'Rules & memory…' }).click();
      const panel = page.getByRole('dialog', { name: 'Rules and memory' });
      const ruleRow = panel.getByTestId('rule-row').filter({ hasText: RULE });
      await expect(ruleRow).toContainText('Proposed');
      await expect(ruleRow).toContainText('title');
      await ruleRow.getByRole('button', { name: 'Dry run…' }).click();
      await expect(panel.getByTestId('rule-dry-run')).toContainText(
        'this rule would resolve 0 conflicts',
      );
      await panel.getByRole('button', { name: 'Make automatic' }).click();
      await expect(ruleRow).toContainText('Automatic');
      await panel.getByRole('button', { name: 'Close' }).click();

      // V1's company by hand: theirs, applied. The pair is remembered.
      await page
        .getByRole('group', { name: 'Filter by conflicting field' })
        .getByRole('button', { name: 'Title' })
        .click();
      await rowNamed(page, v1!.name).click();
      await detail(page)
        .getByRole('radiogroup', { name: 'Company pick' })
        .getByLabel('Theirs')
        .check();
      await detail(page)
        .getByRole('button', { name: /Apply this/ })
        .click();
      await expect(countText(page)).toContainText('0 conflicts match');

      // Round 2: new title conflicts, and the same company pair on another visitor.
      for (const m of laterTitles) await edit(app, m, { title: `Later ${m.server_id.slice(-4)}` });
      await edit(app, v2!, { company: 'ACME Corp' });
      await srv.simulate({ edits: RECORDS, fields: ['title'], seedValue: 2 });
      await otherDevice(srv, v2!.server_id, { company: 'Acme Corporation' });
      const round2 = await core.call('sync:start', {});
      // The automatic rule resolved the eight title conflicts right after the sync.
      expect(round2).toMatchObject({ conflicts: 9, autoResolved: 8, openConflicts: 1 });
      const batch = app.sql<{ description: string; count: number }>(
        'SELECT description, count FROM resolve_batches ORDER BY id DESC LIMIT 1',
      );
      expect(batch).toEqual([{ description: `Rule “${RULE}”`, count: 8 }]);

      // The remembered value is proposed on the new conflict, marked, not applied.
      await expect(countText(page)).toContainText('1 conflict match');
      await rowNamed(page, v2!.name).click();
      await expect(detail(page).getByTestId('remembered-badge')).toBeVisible();
      await expect(detail(page).getByRole('textbox', { name: 'Company typed value' })).toHaveValue(
        'Acme Corporation',
      );
      expect(app.sql("SELECT count(*) AS n FROM conflicts WHERE status = 'open'")[0]).toEqual({
        n: 1,
      });
      await app.shot('remembered-value');

      // The rule's batch is in the undo list, named after it, with every apply before it.
      await page.getByRole('button', { name: 'Rules & memory…' }).click();
      await expect(ruleRow.getByTestId('rule-matched')).toHaveText('8');
      await expect(
        panel.getByTestId('remembered-row').filter({ hasText: 'Company: ACME Corp' }),
      ).toContainText('Acme Corporation');
      const batches = panel.getByTestId('batch-row');
      await expect(batches.first()).toContainText(`Rule “${RULE}” · 8 conflicts`);
      await expect(batches).toHaveCount(3);
      await app.shot('rules-and-memory');
      await batches.first().getByRole('button', { name: /^Undo/ }).click();
      await expect(panel.getByTestId('rules-notice')).toContainText('8 open again');
      await expect(batches.first()).toContainText('undone');
      // The first bulk apply's records were synced since: asked to undo it (the list does not
      // count what stands in the way of each batch), it says why it can no longer be undone.
      await expect(batches.nth(2)).toContainText('10 conflicts');
      await batches.nth(2).getByRole('button', { name: /^Undo/ }).click();
      await expect(batches.nth(2)).toContainText('changed since');
      await expect(batches.nth(2).getByRole('button', { name: /^Undo/ })).toBeDisabled();
      await expect(panel.getByTestId('rules-notice')).toContainText('changed since');
      await panel.getByRole('button', { name: 'Close' }).click();
      await expect(countText(page)).toContainText('9 conflicts match');

      // Two applies nobody synced yet: V2 by hand (the remembered value), then theirs for the rest.
      await rowNamed(page, v2!.name).click();
      await detail(page)
        .getByRole('button', { name: /Apply this/ })
        .click();
      await expect(countText(page)).toContainText('8 conflicts match');
      await bulkBar(page)
        .getByRole('button', { name: /Select all 8 matching/ })
        .click();
      await bulkBar(page).getByRole('button', { name: 'Theirs', exact: true }).click();
      await preview.getByRole('button', { name: 'Apply to 8 conflicts' }).click();
      await expect(countText(page)).toContainText('0 conflicts match');
      // Undo beyond the last apply: the older one, V2's, goes back on its own.
      await page.getByRole('button', { name: 'Rules & memory…' }).click();
      await expect(batches.first()).toContainText('8 conflicts');
      await expect(batches.nth(1)).toContainText(`${v2!.name}:`);
      await batches.nth(1).getByRole('button', { name: /^Undo/ }).click();
      await expect(panel.getByTestId('rules-notice')).toContainText('1 open again');
      await expect(batches.first().getByRole('button', { name: /^Undo/ })).toBeEnabled();
      await panel.getByRole('button', { name: 'Close' }).click();
      await expect(countText(page)).toContainText('1 conflict match');
      expect(
        app.sql<{ company: string }>(
          'SELECT company FROM visitors WHERE local_id = ?',
          v2!.local_id,
        ),
      ).toEqual([{ company: 'ACME Corp' }]);

      // Round 3: the server changes a phone eight days after the device captured its own.
      await edit(app, v3!, { phone: '+1-555-0100' });
      serverAhead = 8 * DAY_MS;
      await srv.simulate({ edits: RECORDS, fields: ['phone'], seedValue: 3 });
      const round3 = await core.call('sync:start', {});
      expect(round3.conflicts).toBe(1);
      await expect(countText(page)).toContainText('2 conflicts match');
      await page.getByLabel('Filter by capture age').selectOption('yes');
      await expect(countText(page)).toContainText('1 conflict match');
      const staleRow = rowNamed(page, v3!.name);
      await expect(staleRow.getByTestId('stale-cell')).toHaveText('Stale');
      await staleRow.click();
      await expect(detail(page).getByTestId('stale-badge')).toContainText('8 days');
      // Its default is the server's value on the contested field.
      await expect(
        detail(page).getByRole('radiogroup', { name: 'Phone pick' }).getByLabel('Theirs'),
      ).toBeChecked();
      await app.shot('stale-capture');
      await detail(page)
        .getByRole('button', { name: /Apply this/ })
        .click();
      await expect(countText(page)).toContainText('0 conflicts match');
      const audit = app.sql<{ detail: string }>(
        "SELECT detail FROM audit WHERE action = 'resolve' AND local_id = ? ORDER BY id DESC LIMIT 1",
        v3!.local_id,
      );
      expect(JSON.parse(audit[0]!.detail)).toMatchObject({
        staleCapture: { flagged: true, thresholdDays: 7 },
      });
      await page.getByLabel('Filter by capture age').selectOption('no');
      await expect(countText(page)).toContainText('1 conflict match');

      // V2's company by hand again (its reopened draft): the pair is remembered once more.
      await rowNamed(page, v2!.name).click();
      await detail(page)
        .getByRole('button', { name: /Apply this/ })
        .click();
      await expect(countText(page)).toContainText('0 conflicts match');

      // Round 4: the same company pair on V4, another pair on V5. The title rule does not match.
      serverAhead = 0;
      await page.getByLabel('Filter by capture age').selectOption('any');
      const [v4, v5, v6] = all.slice(21, 24);
      await edit(app, v4!, { company: 'ACME Corp' });
      await edit(app, v5!, { company: 'Initech Ltd' });
      await otherDevice(srv, v4!.server_id, { company: 'Acme Corporation' });
      await otherDevice(srv, v5!.server_id, { company: 'Initech Limited' });
      const round4 = await core.call('sync:start', {});
      expect(round4).toMatchObject({ conflicts: 2, autoResolved: 0, openConflicts: 2 });
      await expect(countText(page)).toContainText('2 conflicts match');

      // The automatic rule, edited whole: what it matches, its decision, remembered values.
      await page.getByRole('button', { name: 'Rules & memory…' }).click();
      await ruleRow.getByRole('button', { name: 'Edit…' }).click();
      const editor = page.getByRole('dialog', { name: 'Edit rule' });
      const save = editor.getByRole('button', { name: 'Save rule' });
      await editor.getByLabel('Rule name').fill('');
      await expect(editor.getByRole('alert')).toContainText('Name: a rule needs a name');
      await expect(save).toBeDisabled();
      const companies = 'Companies: remembered, else ours';
      await editor.getByLabel('Rule name').fill(companies);
      const fields = editor.getByRole('group', { name: 'Conflicting fields' });
      await expect(fields.getByLabel('Title')).toBeChecked();
      await fields.getByLabel('Title').uncheck();
      await fields.getByLabel('Company').check();
      await editor.getByLabel('Default strategy').selectOption('client_wins');
      await editor.getByLabel('Use remembered values where there are any').check();
      await expect(editor.getByRole('radio', { name: /^Automatic/ })).toBeChecked();
      // Automatic with a new match and decision: saved only once its dry run is on screen.
      await expect(save).toBeDisabled();
      await editor.getByRole('button', { name: 'Dry run…' }).click();
      const dryRun = editor.getByTestId('edit-dry-run');
      await expect(dryRun).toContainText('this rule would resolve 2 conflicts');
      await expect(dryRun).toContainText('1 conflict with remembered values');
      await expect(save).toBeEnabled();
      await app.shot('rule-editor-dry-run');
      // A change after the dry run is not what it showed: it needs its own.
      const captureMethod = editor.getByRole('textbox', { name: 'Capture method' });
      await captureMethod.fill('badge_scan');
      await expect(save).toBeDisabled();
      await expect(dryRun).toHaveCount(0);
      await captureMethod.fill('');
      await expect(save).toBeEnabled();
      await save.click();
      await expect(editor).toHaveCount(0);
      // Nothing changed on the conflicts open now: an automatic rule acts after a sync.
      expect(app.sql("SELECT count(*) AS n FROM conflicts WHERE status = 'open'")[0]).toEqual({
        n: 2,
      });
      const companyRow = panel.getByTestId('rule-row').filter({ hasText: companies });
      await expect(companyRow).toContainText('Automatic');
      await expect(companyRow).toContainText(
        'any kind, on company → otherwise client wins, remembered values first',
      );
      await expect(companyRow.getByTestId('rule-remembered')).toHaveText('remembered values');
      await app.shot('rule-edited');
      await panel.getByRole('button', { name: 'Close' }).click();

      // In bulk too: the rule per field with remembered values, previewed as it applies.
      await bulkBar(page)
        .getByRole('button', { name: /Select all 2 matching/ })
        .click();
      await bulkBar(page).getByRole('button', { name: 'Rule per field…' }).click();
      const bulkRule = page.getByRole('dialog', { name: 'Rule per field' });
      await bulkRule.getByLabel('Default strategy').selectOption('client_wins');
      await bulkRule.getByLabel('Use remembered values where there are any').check();
      await bulkRule.getByRole('button', { name: 'Preview rule' }).click();
      await expect(preview.getByTestId('preview-resolvable')).toHaveText('2');
      await expect(preview.getByTestId('preview-remembered')).toHaveText('1');
      await app.shot('preview-with-remembered');
      await preview.getByRole('button', { name: 'Apply to 2 conflicts' }).click();
      await expect(countText(page)).toContainText('0 conflicts match');
      const companyOf = (m: Mirrored) =>
        app.sql<{ company: string }>(
          'SELECT company FROM visitors WHERE local_id = ?',
          m.local_id,
        )[0]!.company;
      expect([companyOf(v4!), companyOf(v5!)]).toEqual(['Acme Corporation', 'Initech Ltd']);

      // Round 5: the edited automatic rule resolves the pair to its remembered value after the sync.
      await edit(app, v6!, { company: 'ACME Corp' });
      await otherDevice(srv, v6!.server_id, { company: 'Acme Corporation' });
      const round5 = await core.call('sync:start', {});
      expect(round5).toMatchObject({ conflicts: 1, autoResolved: 1, openConflicts: 0 });
      expect(companyOf(v6!)).toBe('Acme Corporation');
      const ruled = app.sql<{ detail: string }>(
        "SELECT detail FROM audit WHERE action = 'resolve' AND local_id = ? ORDER BY id DESC LIMIT 1",
        v6!.local_id,
      );
      expect(JSON.parse(ruled[0]!.detail)).toMatchObject({
        rule: companies,
        remembered: ['company'],
      });

      await page.getByRole('button', { name: 'Rules & memory…' }).click();
      await companyRow.getByRole('button', { name: 'Disable' }).click();
      await expect(companyRow).toContainText('Disabled');
    } finally {
      await srv.stop();
    }
  });
});
