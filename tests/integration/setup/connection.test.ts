import { createServer as createHttp, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../../electron/core/connection/connection-test';
import { startServer, type RunningServer } from '../../../server/index';
import { makeCore, type TestCore } from '../../fixtures/core';

/** The connection test and connect flow against the real reference server on 127.0.0.1. */
let srv: RunningServer;
let other: Server;
let otherUrl: string;
let web: Server;
let webUrl: string;
let core: TestCore | null = null;

beforeAll(async () => {
  srv = await startServer({
    port: 0,
    db: ':memory:',
    tokens: 'staff-token-1:staff:Front desk,admin-token-1:admin',
  });
  // Something that answers HTTP but is not a sync server.
  other = createHttp((_req, res) =>
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>'),
  );
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  // A web server (an SPA host, a router page, a captive portal) that answers 200 with HTML.
  // Or, asked for a JSON path, with JSON of another shape.
  web = createHttp((req, res) =>
    req.url?.startsWith('/json/')
      ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
      : res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><h1>Welcome</h1>'),
  );
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await srv.stop();
  await new Promise((r) => other.close(r));
  await new Promise((r) => web.close(r));
});
afterEach(() => {
  core?.dispose();
  core = null;
});

async function freePort(): Promise<number> {
  const s = createHttp();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('connection test (GET /api/me)', () => {
  it('names the role and the token’s name on success', async () => {
    const r = await testConnection({ serverUrl: `${srv.url}/`, token: 'staff-token-1' });
    expect(r).toMatchObject({ ok: true, serverUrl: srv.url, role: 'staff', name: 'Front desk' });
  });

  it('says the token was refused (401)', async () => {
    const r = await testConnection({ serverUrl: srv.url, token: 'wrong-token-123' });
    expect(r).toMatchObject({ ok: false, problem: 'unauthorized' });
    if (!r.ok) expect(r.message).toContain('did not accept the token');
  });

  it('says nothing answers (unreachable)', async () => {
    const r = await testConnection({
      serverUrl: `http://127.0.0.1:${await freePort()}`,
      token: 'staff-token-1',
    });
    expect(r).toMatchObject({ ok: false, problem: 'unreachable' });
    if (!r.ok) expect(r.message).toMatch(/Nothing answers at 127\.0\.0\.1:\d+/);
  });

  it('says a web server that is not a sync server is not one', async () => {
    const r = await testConnection({ serverUrl: otherUrl, token: 'staff-token-1' });
    expect(r).toMatchObject({ ok: false, problem: 'not_sync_server' });
    if (!r.ok) expect(r.message).toContain('HTTP 404');
  });

  it('a web server answering 200 with HTML is "not a visitor sync server", not "unreachable"', async () => {
    const r = await testConnection({ serverUrl: webUrl, token: 'any-token' });
    expect(r).toMatchObject({ ok: false, problem: 'not_sync_server' });
    // JSON of another shape, 200 too
    const json = await testConnection({ serverUrl: `${webUrl}/json/`, token: 'any-token' });
    expect(json).toMatchObject({
      ok: false,
      problem: 'not_sync_server',
      message: expect.stringContaining('not a visitor sync server') as string,
    });
  });

  it('says an http server on an https address does not speak TLS', async () => {
    const r = await testConnection({
      serverUrl: srv.url.replace('http:', 'https:'),
      token: 'staff-token-1',
    });
    expect(r).toMatchObject({ ok: false, problem: 'tls' });
  });

  it('refuses an address that is not http(s) without calling anything', async () => {
    const r = await testConnection({ serverUrl: 'ftp://example.com', token: 'x' });
    expect(r).toMatchObject({ ok: false, problem: 'invalid_address' });
  });
});

describe('setup:connect', () => {
  it('saves the address, keeps the token for the session where there is no keychain, and configures the engine', async () => {
    core = makeCore({ firstRun: true });
    expect((await core.call('setup:state', {})).welcome).toBe(true);
    const state = await core.call('setup:connect', { serverUrl: srv.url, token: 'staff-token-1' });
    expect(state).toMatchObject({
      welcome: false,
      connection: { kind: 'server', serverUrl: srv.url },
      tokenStorage: { kind: 'session' },
      tokenMissing: false,
    });
    expect((await core.call('sync:status', {})).configured).toBe(true);
    expect(core.settings.get().connection).toEqual({ kind: 'server', serverUrl: srv.url });
  });

  it('refuses a wrong token with the test’s words and saves nothing', async () => {
    core = makeCore({ firstRun: true });
    const r = await core.raw('setup:connect', { serverUrl: srv.url, token: 'wrong-token-123' });
    expect(r).toMatchObject({ ok: false, error: { code: 'connection_unauthorized' } });
    expect(core.settings.get().connection).toEqual({ kind: 'none' });
    expect((await core.call('sync:status', {})).configured).toBe(false);
  });

  it('validates its arguments at the boundary', async () => {
    core = makeCore({ firstRun: true });
    const r = await core.raw('setup:connect', { serverUrl: 'nope', token: '' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});
