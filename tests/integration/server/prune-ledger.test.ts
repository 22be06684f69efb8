import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOp, freshPostgresDb, startApi, testStorage } from './helpers';

/**
 * The op-id ledger's retention: kept by default, pruned by the admin command
 * `npm run server -- prune-ledger --db … --older-than <days>` (compiled, as
 * npm runs it), which refuses a cut-off shorter than any client's offline time.
 */

const ROOT = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'vrc-prune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function server(args: string[]) {
  return spawnSync(
    process.execPath,
    ['scripts/run-compiled.mjs', 'server', 'server/cli.ts', ...args],
    { cwd: ROOT, encoding: 'utf8' },
  );
}

describe('prune-ledger', () => {
  it('removes only results older than the cut-off; a replay of a kept one still returns its result', async () => {
    const db = testStorage() === 'postgres' ? await freshPostgresDb() : join(dir, 'ledger.sqlite');
    const days = 400;
    const old = Date.now() - (days + 30) * 86_400_000;
    // Two operations applied "long ago" (a clock in the past), one today.
    let api = await startApi({ db, clock: () => old });
    const oldOps = [createOp({}, { opId: randomUUID() }), createOp({}, { opId: randomUUID() })];
    expect((await api.sync({ operations: oldOps })).status).toBe(200);
    await api.stop();
    api = await startApi({ db });
    const recent = { operations: [createOp({}, { opId: randomUUID() })] };
    const first = await api.sync(recent);
    expect((await api.stats()).appliedOps).toBe(3);
    await api.stop();

    const refused = server(['prune-ledger', '--db', db, '--older-than', '30']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/at least 90 days/);

    const pruned = server(['prune-ledger', '--db', db, '--older-than', String(days)]);
    expect(pruned.stderr).toBe('');
    expect(pruned.status).toBe(0);
    expect(pruned.stdout).toMatch(/^removed 2 idempotency results recorded before \d{4}-/);

    api = await startApi({ db });
    try {
      expect((await api.stats()).appliedOps).toBe(1);
      expect((await api.sync(recent)).body.results).toEqual(first.body.results);
      expect((await api.stats()).visitors).toBe(3);
    } finally {
      await api.stop();
    }
  });
});
