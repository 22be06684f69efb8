import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { inject } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../../server/index';
import { withSchema } from './pg-cluster';

/**
 * Shared plumbing for the reference server's integration tests (127.0.0.1
 * only). The same test files run twice: in the `integration` project on
 * SQLite and in `integration-pg` on PostgreSQL, where every server started
 * here with the default in-memory database gets a fresh schema of its own in
 * the run's throwaway cluster (pg-global-setup.ts) instead.
 */

/** Which storage this run of the suite tests. */
export function testStorage(): 'sqlite' | 'postgres' {
  return inject('serverStorage') === 'postgres' ? 'postgres' : 'sqlite';
}

/** A fresh, empty PostgreSQL schema in the run's cluster, as a --db URL. */
export async function freshPostgresDb(): Promise<string> {
  const base = inject('pgUrl');
  if (!base) throw new Error('no PostgreSQL cluster in this run (see pg-global-setup.ts)');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  return withSchema(base, schema);
}

/** The options with `db` pointed at a fresh PostgreSQL schema when this run tests PostgreSQL. */
export async function onTestStorage(options: ServerOptions): Promise<ServerOptions> {
  const inMemory = options.db === undefined || options.db === ':memory:';
  if (testStorage() !== 'postgres' || options.store || !inMemory) return options;
  return { ...options, db: await freshPostgresDb() };
}

export const STAFF = 'staff-token-0001';
export const ADMIN = 'admin-token-0001';
export const TOKENS = `${STAFF}:staff:Front desk,${ADMIN}:admin:Ops`;

/** A wall clock the test moves by hand. */
export class TestClock {
  ms: number;
  constructor(iso: string) {
    this.ms = Date.parse(iso);
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  readonly now = (): number => this.ms;
}

/**
 * Parsed JSON of a response under test. Tests read it field by field and
 * assert every value, so a loose type is the honest one here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Api {
  server: RunningServer;
  url: string;
  request(
    method: string,
    path: string,
    init?: {
      body?: unknown;
      raw?: string | Uint8Array;
      token?: string | null;
      headers?: Record<string, string>;
      gzip?: boolean;
    },
  ): Promise<Reply>;
  sync(
    body: unknown,
    init?: { token?: string; headers?: Record<string, string>; gzip?: boolean },
  ): Promise<Reply>;
  changes(query?: string, token?: string): Promise<Reply>;
  admin(method: string, path: string, body?: unknown): Promise<Reply>;
  /** POST /api/admin/visitors, expecting 200. */
  fixtures(visitors: unknown[]): Promise<Json[]>;
  stats(): Promise<{
    visitors: number;
    tombstones: number;
    historyRows: number;
    appliedOps: number;
    headSeq: number;
  }>;
  stop(): Promise<void>;
}

export async function startApi(options: ServerOptions = {}): Promise<Api> {
  const server = await startServer(await onTestStorage({ tokens: TOKENS, ...options }));
  const url = server.url;
  const api: Api = {
    server,
    url,
    async request(method, path, init = {}) {
      const headers: Record<string, string> = {};
      const token = init.token === undefined ? STAFF : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | Uint8Array | undefined = init.raw;
      if (init.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.body);
      }
      if (init.gzip && body !== undefined) {
        body = gzipSync(typeof body === 'string' ? Buffer.from(body) : body);
        headers['content-encoding'] = 'gzip';
      }
      Object.assign(headers, init.headers ?? {});
      const res = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    sync(body, init = {}) {
      return api.request('POST', '/api/visitors/bulk-sync', { body, ...init });
    },
    changes(query = '', token = STAFF) {
      return api.request('GET', `/api/visitors/changes${query}`, { token });
    },
    admin(method, path, body) {
      return api.request(method, path, { token: ADMIN, ...(body !== undefined ? { body } : {}) });
    },
    async fixtures(visitors) {
      const r = await api.admin('POST', '/api/admin/visitors', { visitors });
      if (r.status !== 200) throw new Error(`fixtures failed: ${r.status} ${r.text}`);
      return r.body.visitors;
    },
    async stats() {
      const r = await api.admin('GET', '/api/admin/stats');
      if (r.status !== 200) throw new Error(`stats failed: ${r.status} ${r.text}`);
      return r.body.stats;
    },
    stop: () => server.stop(),
  };
  return api;
}

let counter = 0;
export const ts = '2023-12-01T10:30:00.000Z';

export function createOp(data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  counter++;
  return {
    action: 'create',
    localId: `local_${counter}`,
    timestamp: ts,
    data: { name: `Visitor ${counter}`, ...data },
    ...extra,
  };
}

export function updateOp(
  serverId: string,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  counter++;
  return { action: 'update', localId: `local_${counter}`, serverId, timestamp: ts, data, ...extra };
}

export function deleteOp(serverId: string, extra: Record<string, unknown> = {}) {
  counter++;
  return { action: 'delete', localId: `local_${counter}`, serverId, timestamp: ts, ...extra };
}

/** Creates records through bulk-sync and returns their server ids. */
export async function createRecords(
  api: Api,
  data: Array<Record<string, unknown>>,
): Promise<string[]> {
  const r = await api.sync({ operations: data.map((d) => createOp(d)) });
  if (r.status !== 200) throw new Error(`create failed: ${r.status} ${r.text}`);
  return r.body.results.map((x: { serverId: string; status: string }) => {
    if (x.status !== 'success') throw new Error(`create failed: ${JSON.stringify(x)}`);
    return x.serverId;
  });
}
