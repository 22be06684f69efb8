import Database from 'better-sqlite3';
import type { SyncSummary } from '../../../shared/ipc/contract';
import { startServer, type RunningServer, type ServerOptions } from '../../../server/index';
import type { SyncSettings } from '../../../electron/core/sync/engine';
import { DEFAULT_SYNC_SETTINGS } from '../../../electron/core/sync/engine';
import { makeCore, type TestCore } from '../../fixtures/core';

export const ADMIN = 'admin-token';
export const STAFF = 'staff-token';

export async function server(opts: ServerOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, db: ':memory:', tokens: `${ADMIN}:admin,${STAFF}:staff`, ...opts });
}

/** Fast backoff so retries fall due within a test. */
export const FAST: SyncSettings = {
  ...DEFAULT_SYNC_SETTINGS,
  backoff: { baseMs: 20, factor: 2, maxAttempts: 5, jitter: 0 },
  requestTimeoutMs: 5_000,
};

/** A console core connected to `srv`. */
export function consoleFor(
  srv: { url: string },
  settings: Partial<SyncSettings> = {},
  token = STAFF,
): TestCore {
  const s = { ...FAST, ...settings };
  const core = makeCore({ settings: () => s });
  core.sync.configure({ serverUrl: srv.url, token });
  return core;
}

export function rows<T = Record<string, unknown>>(
  core: TestCore,
  sql: string,
  ...params: unknown[]
): T[] {
  const db = new Database(core.dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export async function adminPost(srv: RunningServer, path: string, body: unknown): Promise<unknown> {
  const r = await fetch(`${srv.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

/** What the server holds, read from its store: no HTTP, so no armed fault is spent on it. */
export async function storedVisitors(
  srv: RunningServer,
): Promise<Map<string, Record<string, unknown>>> {
  return srv.store.read(async (tx) => {
    const out = new Map<string, Record<string, unknown>>();
    for (const id of await tx.liveIds()) {
      const v = await tx.get(id);
      if (v && !v.deleted) out.set(id, { id, ...v.values, version: v.version });
    }
    return out;
  });
}

export async function serverVisitors(
  srv: RunningServer,
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  let since: string | null = null;
  for (;;) {
    const q = new URLSearchParams({ limit: '10000' });
    if (since) q.set('since', since);
    const r = await fetch(`${srv.url}/api/visitors/changes?${q}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const page = (await r.json()) as {
      visitors: Record<string, unknown>[];
      cursor: string;
      hasMore: boolean;
    };
    for (const v of page.visitors) {
      if (v.deleted) out.delete(v.id as string);
      else out.set(v.id as string, v);
    }
    since = page.cursor;
    if (!page.hasMore) return out;
  }
}

/** Runs syncs until nothing is pending or retrying (waiting out the backoff), at most `runs` times. */
export async function drain(core: TestCore, runs = 12): Promise<SyncSummary> {
  let last: SyncSummary | undefined;
  for (let i = 0; i < runs; i++) {
    last = await core.sync.sync();
    if (last.pending === 0 && last.retrying === 0) return last;
    const next = core.sync.status().nextRetryAt;
    const wait = next ? Math.max(0, Date.parse(next) - Date.now()) : 0;
    await new Promise((r) => setTimeout(r, Math.min(wait + 5, 5_000)));
  }
  return last!;
}

export interface Scenario {
  created: { localId: string; name: string }[];
  updated: { serverId: string; title: string }[];
  deleted: string[];
  /** How many records the server must hold once all of it is synced. */
  expectedTotal: number;
}

/**
 * Local changes of every kind on a mirrored console: `creates` new visitors,
 * `updates` title edits and `deletes` deletions of mirrored ones.
 */
export async function makeLocalChanges(
  core: TestCore,
  counts: { creates: number; updates: number; deletes: number },
  tag: string,
): Promise<Scenario> {
  const mirrored = rows<{ local_id: string; server_id: string }>(
    core,
    'SELECT local_id, server_id FROM visitors WHERE server_id IS NOT NULL AND deleted = 0 ORDER BY local_id',
  );
  const total = mirrored.length;
  const created = [];
  for (let i = 0; i < counts.creates; i++) {
    const name = `${tag} Created ${i}`;
    const row = await core.call('visitors:create', {
      values: {
        name,
        email: `c${i}@${tag.toLowerCase().replace(/\W/g, '')}.example`,
        interests: ['x'],
      },
    });
    created.push({ localId: row.localId, name });
  }
  const updated = [];
  for (const m of mirrored.slice(0, counts.updates)) {
    const title = `${tag} Title ${m.server_id.slice(0, 8)}`;
    await core.call('visitors:update', { localId: m.local_id, patch: { title } });
    updated.push({ serverId: m.server_id, title });
  }
  const deleted = [];
  for (const m of mirrored.slice(counts.updates, counts.updates + counts.deletes)) {
    await core.call('visitors:delete', { localId: m.local_id });
    deleted.push(m.server_id);
  }
  return { created, updated, deleted, expectedTotal: total + counts.creates - counts.deletes };
}

/** The server holds every change exactly once, and the console has nothing left to send. */
export async function expectExactlyOnce(
  srv: RunningServer,
  core: TestCore,
  s: Scenario,
): Promise<void> {
  const { expect } = await import('vitest');
  const onServer = await serverVisitors(srv);
  expect(onServer.size).toBe(s.expectedTotal);
  const byName = new Map<string, number>();
  for (const v of onServer.values())
    byName.set(v.name as string, (byName.get(v.name as string) ?? 0) + 1);
  for (const c of s.created)
    expect(byName.get(c.name), `created "${c.name}" on the server`).toBe(1);
  for (const u of s.updated) expect(onServer.get(u.serverId)?.title).toBe(u.title);
  for (const d of s.deleted) expect(onServer.has(d)).toBe(false);
  expect(rows(core, 'SELECT action, status, last_error FROM outbox')).toEqual([]);
  // Locally: every created record got its server id, and none twice.
  const local = rows<{ n: number; distinct_ids: number }>(
    core,
    'SELECT count(*) AS n, count(DISTINCT server_id) AS distinct_ids FROM visitors WHERE deleted = 0',
  );
  expect(local[0]).toEqual({ n: s.expectedTotal, distinct_ids: s.expectedTotal });
}

/** Waits until `check` holds (polling), or fails the test after `ms`. */
export async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
