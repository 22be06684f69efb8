import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './harness/fixtures';

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vrc-import-e2e-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

const screen = (page: Page) => page.getByRole('region', { name: 'Import visitors' });

/** A CSV of `n` good visitors, named so that duplicates would show. */
function bigCsv(n: number): string {
  const lines = ['Full name,Organisation,E-mail,Notes'];
  for (let i = 1; i <= n; i++)
    lines.push(`Visitor ${i},Company ${i % 97},v${i}@example.org,"row ${i}, imported"`);
  return `${lines.join('\n')}\n`;
}

async function openImport(page: Page) {
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Import' })
    .click();
  await expect(page.getByRole('heading', { name: 'Import visitors' })).toBeVisible();
}

test.describe('import screen', () => {
  test.use({ desktop: true });

  test('maps the columns, checks the file with bad rows by line and reason, then imports the good rows', async ({
    app,
  }) => {
    const { page } = app;
    const file = join(dir, 'leads.csv');
    writeFileSync(
      file,
      [
        'Full name,Organisation,E-mail,Fax,Job title',
        'Ada Lovelace,Analytical Engines,ada@engines.example,123,Countess',
        'Bad Email,Acme,not-an-email,456,',
        ',Nameless Inc,x@y.example,,',
        '"Grace Hopper","US Navy",grace@navy.example,,Rear Admiral',
        'Ragged,Row',
      ].join('\n'),
    );
    await openImport(page);
    await app.shot('empty');

    app.pickFile(file);
    await screen(page).getByRole('button', { name: 'Choose a file…' }).click();
    await expect(page.getByTestId('import-file')).toContainText('leads.csv');
    // Guessed by name and alias; "Fax" is not a field, so it is not imported.
    const field = (column: string) => page.getByLabel(`Field for the column ${column}`);
    await expect(field('Full name')).toHaveValue('name');
    await expect(field('Organisation')).toHaveValue('company');
    await expect(field('E-mail')).toHaveValue('email');
    await expect(field('Fax')).toHaveValue('');
    await expect(field('Job title')).toHaveValue('title');
    // The person changes one: the fax column goes into the notes.
    await field('Fax').selectOption('notes');
    await app.shot('mapped');

    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect(page.getByTestId('check-rows')).toHaveText('5');
    await expect(page.getByTestId('check-created')).toHaveText('2');
    await expect(page.getByTestId('check-rejected')).toHaveText('3');
    const bad = page.getByTestId('bad-rows').getByRole('row');
    await expect(bad).toHaveText([
      /Line\s*Why/,
      /3\s*data\.email: must be a valid email address/,
      /4\s*data\.name: is required/,
      /6\s*expected 5 fields \(one per column\), found 2/,
    ]);
    // Nothing was written by the check.
    expect(app.sql('SELECT * FROM visitors')).toHaveLength(0);
    await app.shot('checked');

    await screen(page).getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByTestId('import-summary')).toContainText(
      '2 new visitors, 0 updated, 0 unchanged, 3 rows refused',
    );
    const rows = app.sql<{ name: string; company: string; notes: string | null; title: string }>(
      'SELECT name, company, notes, title FROM visitors ORDER BY name',
    );
    expect(rows).toEqual([
      { name: 'Ada Lovelace', company: 'Analytical Engines', notes: '123', title: 'Countess' },
      { name: 'Grace Hopper', company: 'US Navy', notes: null, title: 'Rear Admiral' },
    ]);
    expect(app.sql("SELECT action FROM outbox WHERE status = 'pending'")).toHaveLength(2);
    await expect(page.getByTestId('pending-total')).toHaveText('2 pending changes');
    await app.shot('imported');
  });

  test('an import stopped with Cancel, then one cut by a crash, goes on where it stopped and creates no visitor twice', async ({
    app,
  }) => {
    test.setTimeout(300_000);
    const { page } = app;
    const N = 40_000;
    const file = join(dir, 'big.csv');
    writeFileSync(file, bigCsv(N));
    await openImport(page);
    app.pickFile(file);
    await screen(page).getByRole('button', { name: 'Choose a file…' }).click();
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect(page.getByTestId('check-created')).toHaveText(N.toLocaleString('en-US'), {
      timeout: 120_000,
    });

    // Cancel part way: what was committed stays, the rest waits.
    await screen(page).getByRole('button', { name: 'Import', exact: true }).click();
    const progress = page.getByTestId('import-progress-text');
    await expect(progress).toContainText(`of ${N.toLocaleString('en-US')} rows`);
    await expect
      .poll(() => app.sql<{ n: number }>('SELECT count(*) AS n FROM visitors')[0]!.n, {
        timeout: 60_000,
      })
      .toBeGreaterThan(1000);
    await app.shot('importing');
    await screen(page).getByRole('button', { name: 'Cancel the import' }).click();
    await expect(page.getByTestId('import-stopped')).toContainText(
      'The rows imported so far are kept',
    );
    const afterCancel = app.sql<{ n: number }>('SELECT count(*) AS n FROM visitors')[0]!.n;
    expect(afterCancel).toBeLessThan(N);
    const [run] = app.sql<{ next_line: number; created: number; finished_at: string | null }>(
      'SELECT next_line, created, finished_at FROM import_runs',
    );
    expect(run).toMatchObject({ created: afterCancel, finished_at: null });
    await app.shot('cancelled');

    // Continue, then cut the core off mid-way (a crash: nothing is said, the process dies).
    await screen(page).getByRole('button', { name: 'Continue the import' }).click();
    await expect
      .poll(() => app.sql<{ n: number }>('SELECT count(*) AS n FROM visitors')[0]!.n, {
        timeout: 60_000,
      })
      .toBeGreaterThan(afterCancel + 1000);
    await app.core.crash();
    const afterCrash = app.sql<{ n: number }>('SELECT count(*) AS n FROM visitors')[0]!.n;
    await app.core.restart();

    // The same file picked again: the screen says where it goes on.
    app.pickFile(file);
    await screen(page).getByRole('button', { name: 'Choose another file…' }).click();
    await expect(page.getByTestId('import-resume')).toContainText(
      `${afterCrash.toLocaleString('en-US')} rows are in`,
    );
    await app.shot('resume-offered');
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect(page.getByTestId('check-created')).toHaveText(
      (N - afterCrash).toLocaleString('en-US'),
      { timeout: 120_000 },
    );
    await screen(page).getByRole('button', { name: 'Continue the import' }).click();
    await expect(page.getByTestId('import-summary')).toContainText(
      `${N.toLocaleString('en-US')} new visitors`,
      { timeout: 180_000 },
    );
    await expect(page.getByTestId('import-summary')).toContainText('continued where');

    // Every row once: N visitors, N distinct names, N pending creates.
    expect(app.sql('SELECT count(*) AS n, count(DISTINCT name) AS names FROM visitors')[0]).toEqual(
      { n: N, names: N },
    );
    expect(app.sql("SELECT count(*) AS n FROM outbox WHERE action = 'create'")[0]).toEqual({
      n: N,
    });
    await app.shot('resumed-done');
  });
});
