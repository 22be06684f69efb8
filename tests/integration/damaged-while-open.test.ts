import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/index';
import type { SetupState } from '../../shared/ipc/setup-contract';
import { defaultSettings } from '../../shared/settings';
import { makeCore } from '../fixtures/core';
import {
  coreConfig,
  removeDir,
  spawnCoreProcess,
  type CoreProcess,
} from '../fixtures/core-process';
import { checkpoint, overwrite, pageSize } from '../fixtures/damage';
import { rng } from '../fixtures/visitors';
import { STAFF, adminPost, server, until } from './sync/helpers';

/**
 * A database that opens, with a page SQLite cannot read: the core in its own
 * process meets it during a sync, stops using the file and gives the window
 * the damaged-database screen, whose rebuild keeps the unsynced edit and
 * opens the console on the rebuilt file.
 */

let core: CoreProcess | undefined;
let dir: string | undefined;
let srv: RunningServer | undefined;
afterEach(async () => {
  await core?.stop();
  core = undefined;
  if (dir) removeDir(dir);
  dir = undefined;
  await srv?.stop();
  srv = undefined;
});

function rootPage(file: string, name: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').get(name) as {
        rootpage: number;
      }
    ).rootpage;
  } finally {
    db.close();
  }
}

describe('a database found damaged while the console works on it', () => {
  it('the sync meets the damage; the window gets the damaged-database screen, and its rebuild', async () => {
    srv = await server({ seed: 120 });
    const settings: unknown = {
      ...defaultSettings(),
      welcomeDone: true,
      connection: { kind: 'server', serverUrl: srv.url },
    };
    const cfg = coreConfig({ settings: settings as never });
    dir = cfg.dir;
    // A mirror with one edit not synced yet.
    const before = makeCore({ dbPath: cfg.dbPath });
    before.sync.configure({ serverUrl: srv.url, token: STAFF });
    await before.sync.sync();
    const [row] = before.repos.visitors.page({
      search: '',
      sort: { column: 'name', direction: 'asc' },
      offset: 0,
      limit: 1,
    }).rows;
    await before.call('visitors:update', { localId: row!.localId, patch: { title: 'Kept' } });
    before.dispose();
    // The index the pull finds records by (their server ids) loses its root page.
    checkpoint(cfg.dbPath);
    overwrite(cfg.dbPath, rootPage(cfg.dbPath, 'sqlite_autoindex_visitors_2'), rng(9), {
      size: pageSize(cfg.dbPath),
    });
    await adminPost(srv, '/api/admin/simulate', { edits: 5, seedValue: 3 });

    core = spawnCoreProcess(cfg);
    // The file opens: its header and schema are whole.
    expect(await core.started).toEqual({ t: 'started', ok: true });
    await core.call('sync:connect', { serverUrl: srv.url, token: STAFF });
    const run = await core.call('sync:start', {});
    expect(run).toMatchObject({ outcome: 'failed', lastError: { code: 'database_damaged' } });

    await until(() =>
      core!.events.some(
        (e) =>
          e.event === 'setup:state' &&
          (e.payload as SetupState).startupProblem?.canRebuild === true,
      ),
    );
    expect(await core.call('setup:state', {})).toMatchObject({
      startupProblem: { code: 'db_corrupt', canRebuild: true, dbPath: cfg.dbPath },
    });
    // Nothing else works on the file any more.
    expect(await core.raw('visitors:count', { search: '' })).toMatchObject({
      ok: false,
      error: { code: 'db_corrupt' },
    });

    const rebuilt = await core.call('setup:rebuildDatabase', { token: STAFF });
    expect(rebuilt).toMatchObject({
      reopened: true,
      summary: { operations: { total: 1, pending: 1 }, unreadable: [], visitors: 120 },
    });
    expect(await core.call('visitors:get', { localId: row!.localId })).toMatchObject({
      title: 'Kept',
      dirty: true,
      pending: 'update',
    });
    expect((await core.call('sync:start', {})).outcome).toBe('success');
  });
});
