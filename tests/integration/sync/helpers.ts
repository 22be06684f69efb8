import Database from 'better-sqlite3';
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
