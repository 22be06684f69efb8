import type { Page } from '@playwright/test';
import type { ConflictView } from '../../shared/ipc/conflicts-contract';
import { previewResolution } from '../../shared/resolve/preview';
import { suggestedResolution } from '../../shared/resolve/defaults';
import { resolutionFromRules } from '../../shared/resolve/rules';
import { defaultSettings } from '../../shared/settings';
import type { FieldRules, Resolution } from '../../shared/resolve/types';
import type { VisitorValues } from '../../shared/visitor';
import { expect, test, type ConsoleApp } from './harness/fixtures';
import { ADMIN_TOKEN, STAFF_TOKEN, type RunningServer } from './harness/sync-server';

/**
 * The conflict workspace against the real reference server: the server's
 * field-activity simulator collides with over a thousand pending edits of the
 * console; staff resolve them with a few picks and typed values plus one bulk
 * rule, preview, apply, undo, apply again, sync, and the server ends up
 * holding exactly what was previewed.
 */

const RECORDS = 1_300;
/** The rule the test sets in the editor, over what Settings propose (notes: merged). */
const RULE: FieldRules = {
  fields: { phone: 'client', title: 'server', interests: 'merged', notes: 'merged' },
  default: 'merge',
};

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
const detail = (page: Page) => page.getByRole('complementary', { name: 'Conflict detail' });
const countText = (page: Page) => page.getByTestId('conflict-count');

async function adminPost(srv: RunningServer, path: string, body: unknown): Promise<void> {
  const r = await fetch(`${srv.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
}

/** Every open conflict, as main shows it (the same objects the table pages through). */
async function allOpen(app: ConsoleApp): Promise<ConflictView[]> {
  const out: ConflictView[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await app.core.call('conflicts:page', { offset, limit: 500 });
    out.push(...page.rows);
    if (page.rows.length < 500) return out;
  }
}

function previewed(c: ConflictView, r: Resolution): VisitorValues {
  const p = previewResolution(c.resolvable, r);
  if (!p.ok || p.value.record === 'deleted') throw new Error(`no record for ${c.name}`);
  return p.value.record;
}

/** What the server holds, read from its store (the server runs in this process). */
async function serverRecord(srv: RunningServer, id: string): Promise<Record<string, unknown>> {
  const v = await srv.store.read((tx) => tx.get(id));
  if (!v) throw new Error(`the server has no visitor ${id}`);
  return v.values as Record<string, unknown>;
}

test.describe('conflict workspace', () => {
  test.use({ serverSeed: RECORDS + 50 });

  test('resolves over a thousand simulator conflicts with picks, typed values and one bulk rule; preview, apply, undo, apply, sync', async ({
    app,
    syncServer,
  }) => {
    test.setTimeout(240_000);
    const { page, core } = app;

    // The console mirrors the server, then edits phone, title and interests of RECORDS visitors.
    await core.call('sync:connect', { serverUrl: syncServer.url, token: STAFF_TOKEN });
    await core.call('sync:start', {});
    const mirrored = app.sql<{ local_id: string; server_id: string; interests: string }>(
      'SELECT local_id, server_id, interests FROM visitors ORDER BY server_id LIMIT ?',
      RECORDS,
    );
    for (const m of mirrored) {
      const tag = m.server_id.slice(-4);
      await core.call('visitors:update', {
        localId: m.local_id,
        patch: {
          phone: `+1-555-${tag}`,
          title: `Console title ${tag}`,
          interests: [...(JSON.parse(m.interests) as string[]), `console-${tag}`],
        },
      });
    }
    // Other devices edit the same fields of every record on the server.
    await adminPost(syncServer, '/api/admin/simulate', {
      edits: RECORDS + 50,
      fields: ['phone', 'title', 'interests'],
      seedValue: 42,
    });
    const summary = await core.call('sync:start', {});
    expect(summary.conflicts).toBeGreaterThanOrEqual(1_000);
    const total = summary.openConflicts;

    await nav(page, 'Conflicts').click();
    await expect(countText(page)).toContainText(`${total.toLocaleString('en-US')} conflicts match`);
    await expect(page.getByRole('row', { selected: false }).nth(3)).toBeVisible();
    // Virtualised: only about a screenful of the rows is in the page.
    expect(await page.locator('[data-conflict-id]').count()).toBeLessThan(60);
    await app.shot('workspace');

    // A few field picks and typed values, with the keyboard and the mouse.
    const open = await allOpen(app);
    const picked = new Map<number, VisitorValues>();
    const workspace = page.getByLabel('Conflict workspace');

    // 1. Keyboard: first row, theirs for its first field, a typed value for the second, save.
    await workspace.focus();
    await page.keyboard.press('ArrowDown');
    await expect(detail(page).getByRole('heading', { level: 2 })).toBeVisible();
    const firstName = await detail(page).getByRole('heading', { level: 2 }).textContent();
    const first = open.find((c) => c.name === firstName)!;
    expect(first.conflictFields.length).toBeGreaterThanOrEqual(1);
    await page.keyboard.press('t');
    const typedField = first.conflictFields[1];
    let typedText = '';
    if (typedField) {
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('e');
      typedText =
        typedField === 'interests'
          ? 'typed-a, typed-b'
          : typedField === 'phone'
            ? '+1-999-0001'
            : 'Typed title';
      const input = detail(page).getByLabel(/typed value/);
      await expect(input).toBeFocused();
      await input.fill(typedText);
      await page.keyboard.press('Escape');
    }
    if (typedField)
      await expect(detail(page).getByLabel('Merge preview')).toContainText('Will send');
    await app.shot('detail-keyboard-picks');
    await page.keyboard.press('s');
    await expect(page.getByRole('status')).toContainText(`Decision saved for ${first.name}`);
    // Settings' default strategies proposed picks first (interests: merge); the keys changed two fields.
    const proposed = suggestedResolution(first.resolvable, defaultSettings().fieldStrategies);
    const firstResolution: Resolution = {
      strategy: 'manual',
      picks: {
        ...(proposed?.strategy === 'manual' ? proposed.picks : {}),
        [first.conflictFields[0]!]: { kind: 'server' },
        ...(typedField
          ? {
              [typedField]: {
                kind: 'typed',
                value: typedField === 'interests' ? ['typed-a', 'typed-b'] : typedText,
              },
            }
          : {}),
      },
    };
    picked.set(first.id, previewed(first, firstResolution));
    expect((await core.call('conflicts:get', { id: first.id })).draft).toEqual(firstResolution);

    // 2. Mouse: the second row, ours for every field but a typed phone, applied on its own.
    const second = open.find((c) => c.id !== first.id && c.conflictFields.includes('phone'))!;
    await page.getByLabel('Search conflicts').fill(second.name);
    await expect(countText(page)).toContainText(/^\d+ conflicts? match/);
    await page.locator(`[data-conflict-id="${second.id}"]`).click();
    await detail(page).getByRole('button', { name: 'Ours (client wins)' }).click();
    await detail(page).getByRole('radiogroup', { name: 'Phone pick' }).getByLabel('Typed').check();
    await detail(page).getByLabel('Phone typed value').fill('+44 20 7946 0000');
    await expect(detail(page).getByLabel('Merge preview')).toContainText('+44 20 7946 0000');
    await app.shot('detail-typed-value');
    await detail(page)
      .getByRole('button', { name: /Apply this/ })
      .click();
    await expect(page.getByRole('status')).toContainText(`Resolved ${second.name}`);
    const secondPicks: Resolution = {
      strategy: 'manual',
      picks: Object.fromEntries(
        second.conflictFields.map((f) => [
          f,
          f === 'phone' ? { kind: 'typed', value: '+44 20 7946 0000' } : { kind: 'client' },
        ]),
      ),
    };
    picked.set(second.id, previewed(second, secondPicks));
    await page.getByLabel('Search conflicts').fill('');

    // 3. The first one's saved decision, applied from the table's chosen decisions.
    await page.getByLabel('Filter by decision').selectOption('yes');
    await expect(countText(page)).toContainText('1 conflict match');
    await page.getByRole('button', { name: /Select all 1 matching/ }).click();
    await page.getByRole('button', { name: 'Apply chosen decisions' }).click();
    const dialog = page.getByRole('dialog', { name: 'Preview of the bulk apply' });
    await expect(dialog.getByTestId('preview-resolvable')).toHaveText('1');
    await dialog.getByRole('button', { name: 'Apply to 1 conflict' }).click();
    await expect(dialog).toBeHidden();
    await page.getByLabel('Filter by decision').selectOption('any');

    // The bulk rule over everything still open: preview first.
    const rest = total - 2;
    await expect(countText(page)).toContainText(`${rest.toLocaleString('en-US')} conflicts match`);
    const restViews = (await allOpen(app)).filter((c) => !picked.has(c.id));
    expect(restViews).toHaveLength(rest);
    const expected = new Map(picked);
    for (const c of restViews)
      expected.set(c.id, previewed(c, resolutionFromRules(c.resolvable, RULE)));

    await page.getByRole('button', { name: /Select all .* matching/ }).click();
    await expect(countText(page)).toContainText(`${rest.toLocaleString('en-US')} selected`);
    await page.getByRole('button', { name: 'Rule per field…' }).click();
    const editor = page.getByRole('dialog', { name: 'Rule per field' });
    await editor.getByLabel('Rule for Phone').selectOption('client');
    await editor.getByLabel('Rule for Title').selectOption('server');
    await editor.getByLabel('Rule for Interests').selectOption('merged');
    await expect(editor.getByLabel('Rule for Notes')).toHaveValue('merged');
    await editor.getByLabel('Default strategy').selectOption('merge');
    await app.shot('rule-editor');
    await editor.getByRole('button', { name: 'Preview rule' }).click();
    await expect(dialog.getByTestId('preview-resolvable')).toHaveText(rest.toLocaleString('en-US'));
    await expect(dialog.getByTestId('preview-skipped')).toHaveText('0');
    const operations = Number(
      (await dialog.getByTestId('preview-operations').textContent())!.replace(/,/g, ''),
    );
    expect(operations).toBeGreaterThan(0);
    await expect(dialog.getByRole('table', { name: 'Sample of before and after' })).toBeVisible();
    await app.shot('bulk-preview');
    // Nothing changed yet: the preview is a dry run.
    expect(
      app.sql<{ n: number }>("SELECT count(*) AS n FROM conflicts WHERE status = 'open'")[0]!.n,
    ).toBe(rest);

    await dialog
      .getByRole('button', { name: `Apply to ${rest.toLocaleString('en-US')} conflicts` })
      .click();
    await expect(page.getByRole('status')).toContainText(
      `Resolved ${rest.toLocaleString('en-US')} conflicts`,
    );
    await expect(page.getByRole('heading', { name: 'No open conflicts' })).toBeVisible();
    const queued = () => app.sql<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]!.n;
    const queuedAfterApply = queued();
    expect(queuedAfterApply).toBe(operations + 2);
    await app.shot('applied');

    // Undo brings back every conflict of the bulk apply and takes its operations out again.
    const mirrorAfterApply = app.sql('SELECT * FROM visitors ORDER BY local_id');
    await page.getByRole('button', { name: /Undo last apply/ }).click();
    await expect(page.getByRole('status')).toContainText(
      `${rest.toLocaleString('en-US')} conflicts open again`,
    );
    await expect(countText(page)).toContainText(`${rest.toLocaleString('en-US')} conflicts match`);
    expect(queued()).toBe(2);
    await app.shot('undone');

    // Apply again, with the keyboard: select all, rule, preview, apply.
    await workspace.focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('r');
    await editor.getByRole('button', { name: 'Preview rule' }).click();
    await expect(dialog.getByTestId('preview-operations')).toHaveText(
      operations.toLocaleString('en-US'),
    );
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'No open conflicts' })).toBeVisible();
    expect(queued()).toBe(queuedAfterApply);
    expect(app.sql('SELECT * FROM visitors ORDER BY local_id').map(strip)).toEqual(
      mirrorAfterApply.map(strip),
    );

    // Sync, and the server holds exactly the previewed values.
    await nav(page, 'Sync').click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('history-row').first().getByTestId('run-outcome')).toHaveText(
      'Succeeded',
      {
        timeout: 60_000,
      },
    );
    await app.shot('synced');
    expect(queued()).toBe(0);
    expect(
      app.sql<{ n: number }>("SELECT count(*) AS n FROM conflicts WHERE status = 'open'")[0]!.n,
    ).toBe(0);
    const all = app.sql<{ id: number; server_id: string }>('SELECT id, server_id FROM conflicts');
    let checked = 0;
    for (const c of all) {
      const want = expected.get(c.id)!;
      const got = await serverRecord(syncServer, c.server_id);
      expect({
        phone: got.phone ?? null,
        title: got.title ?? null,
        interests: got.interests,
      }).toEqual({
        phone: want.phone,
        title: want.title,
        interests: want.interests,
      });
      checked++;
    }
    expect(checked).toBe(total);

    // The audit trail of a visitor, on its record: the typed phone decision, and the undo.
    await nav(page, 'Visitors').click();
    await page.getByLabel('Search visitors').fill(second.name);
    await page
      .getByTestId('visitor-rows')
      .getByRole('row')
      .filter({ hasText: second.name })
      .filter({ hasText: '+44 20 7946 0000' })
      .click();
    const trail = page.getByRole('region', { name: 'Decision history' });
    await expect(trail.getByTestId('audit-entry').first()).toContainText('Resolved');
    await expect(trail).toContainText('Phone: +1-555-');
    await expect(trail).toContainText('→ +44 20 7946 0000');
    await app.shot('visitor-audit-trail');
  });
});

/** Rows compared without their write time: the second apply happened later. */
function strip(r: Record<string, unknown>): Record<string, unknown> {
  const { updated_at: _u, ...rest } = r;
  return rest;
}
