import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import type { SyncProgress } from '../../../shared/ipc/contract';
import type { TestCore } from '../../fixtures/core';
import { faultProxy, type Fault, type FaultProxy } from './fault-proxy';
import { consoleFor, rows, server, serverVisitors, until } from './helpers';

let srv: RunningServer | undefined;
let proxy: FaultProxy | undefined;
let core: TestCore | undefined;
afterEach(async () => {
  core?.dispose();
  await proxy?.close();
  await srv?.stop();
  core = proxy = srv = undefined;
});

/** 150 records on the server: a first mirror reads three change pages of 50. */
const RECORDS = 150;
const PAGE = 50;

/** A fresh console behind the fault proxy, with one local create waiting to be pushed. */
async function setUp(settings: Parameters<typeof consoleFor>[1] = {}) {
  srv = await server({ seed: RECORDS });
  proxy = await faultProxy(srv.url);
  const c = consoleFor(proxy, { pageSize: PAGE, ...settings });
  core = c;
  await c.call('visitors:create', { values: { name: 'Made Here', email: 'here@example.org' } });
  return { srv, proxy, core: c };
}

const cursor = (c: TestCore) =>
  rows<{ value: string | null }>(c, "SELECT value FROM sync_state WHERE key = 'cursor'")[0]
    ?.value ?? null;

/** The mirror holds every server record exactly once, as the server has it. */
async function expectMirrored(c: TestCore, s: RunningServer) {
  const onServer = await serverVisitors(s);
  const mirrored = rows<{ server_id: string; n: number; version: number }>(
    c,
    'SELECT server_id, count(*) AS n, max(server_version) AS version FROM visitors WHERE server_id IS NOT NULL GROUP BY server_id',
  );
  expect(mirrored.length).toBe(onServer.size);
  for (const m of mirrored) {
    expect(m.n).toBe(1);
    expect(m.version).toBe(onServer.get(m.server_id)?.version);
  }
}

describe('a change page whose reading fails retryably is read again within the run', () => {
  const retryable: [string, Fault][] = [
    ['cut after 700 bytes of its body', { kind: 'cut', afterBytes: 700 }],
    ['cut inside its first bytes', { kind: 'cut', afterBytes: 1 }],
    ['a connection reset before the server saw it', { kind: 'reset' }],
    ['a 500 from a gateway', { kind: 'status', status: 500 }],
    ['a 503', { kind: 'status', status: 503 }],
    ['a body that is not JSON', { kind: 'garbage' }],
    ['no answer within the timeout', { kind: 'stall' }],
  ];
  for (const [what, fault] of retryable) {
    it(`page 2: ${what}; resumed from the same cursor, nothing applied twice, then the push`, async () => {
      const { srv: s, proxy: p, core: c } = await setUp({ requestTimeoutMs: 1_000 });
      p.changesFaults.push({ kind: 'pass' }, fault);
      const run = await c.sync.sync();

      expect(run).toMatchObject({ outcome: 'success', lastError: null, created: 1, pending: 0 });
      // Each record counted once: a page applied twice would count its records twice.
      expect(run.pulled).toBe(RECORDS);
      // Page 1, page 2 (failed), page 2 again from page 1's cursor, page 3.
      expect(p.changes).toHaveLength(4);
      expect(p.changes[0]!.since).toBeNull();
      expect(p.changes[2]!.since).toBe(p.changes[1]!.since);
      expect(p.changes[3]!.since).not.toBe(p.changes[2]!.since);
      await expectMirrored(c, s);
      const progress = c.events
        .filter((e) => e.event === 'sync:progress')
        .map((e) => e.payload as SyncProgress)
        .filter((e) => e.runId === run.runId);
      const pulled = progress.map((e) => e.pulled);
      expect(pulled).toEqual([...pulled].sort((a, b) => a - b));
      expect(pulled.at(-1)).toBe(RECORDS);
    });
  }

  it('a 429 with Retry-After is waited out as the server said, then read again', async () => {
    const { proxy: p, core: c } = await setUp();
    p.changesFaults.push(
      { kind: 'pass' },
      { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
    );
    const run = await c.sync.sync();
    expect(run).toMatchObject({ outcome: 'success', pulled: RECORDS, created: 1 });
    expect(p.changes).toHaveLength(4);
    expect(p.changes[2]!.since).toBe(p.changes[1]!.since);
    // Not before the server said: the backoff here is 20 ms.
    expect(p.changes[2]!.at - p.changes[1]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('the same page failing on every attempt ends the run after the backoff’s attempts, with its words', async () => {
    const { srv: s, proxy: p, core: c } = await setUp();
    const refused: Fault = { kind: 'status', status: 503 };
    p.changesFaults.push({ kind: 'pass' }, refused, refused, refused, refused, refused);
    const run = await c.sync.sync();
    expect(run).toMatchObject({
      outcome: 'failed',
      pulled: PAGE,
      created: 0,
      pending: 1,
      lastError: { code: 'server', retryable: true },
    });
    expect(run.lastError!.message).toMatch(/HTTP 503/);
    // maxAttempts (5) reads of page 2, none of page 3; the cursor stays after page 1.
    expect(p.changes).toHaveLength(1 + 5);
    expect(new Set(p.changes.slice(1).map((r) => r.since))).toEqual(new Set([cursor(c)]));
    // The next run goes on from there.
    const next = await c.sync.sync();
    expect(next).toMatchObject({ outcome: 'success', pulled: RECORDS - PAGE, created: 1 });
    await expectMirrored(c, s);
  });

  it('no retry would start past the run’s limit (the CLI’s --max-wait): the run ends now', async () => {
    const { proxy: p, core: c } = await setUp();
    p.changesFaults.push(
      { kind: 'pass' },
      { kind: 'status', status: 429, headers: { 'retry-after': '30' } },
    );
    const run = await c.sync.sync('manual', { retryUntil: Date.now() + 5_000 });
    expect(run).toMatchObject({ outcome: 'failed', lastError: { code: 'rate_limited' } });
    expect(p.changes).toHaveLength(2);

    p.changesFaults.push({ kind: 'cut', afterBytes: 300 });
    const noWait = await c.sync.sync('manual', { retryUntil: Date.now() });
    expect(noWait).toMatchObject({ outcome: 'failed', lastError: { code: 'network' } });
    expect(p.changes).toHaveLength(3);
  });
});

describe('a change page whose reading fails for good ends the run with its words', () => {
  it('a 400: no retry, the pages before it kept, the next run goes on', async () => {
    const { srv: s, proxy: p, core: c } = await setUp();
    p.changesFaults.push({ kind: 'pass' }, { kind: 'status', status: 400 });
    const run = await c.sync.sync();
    expect(run).toMatchObject({
      outcome: 'failed',
      pulled: PAGE,
      pending: 1,
      lastError: { code: 'rejected', retryable: false },
    });
    expect(run.lastError!.message).toMatch(/refused the request \(HTTP 400\)/);
    expect(p.changes).toHaveLength(2);
    const next = await c.sync.sync();
    expect(next).toMatchObject({ outcome: 'success', pulled: RECORDS - PAGE, created: 1 });
    await expectMirrored(c, s);
  });

  it('a 401: the token is refused at once', async () => {
    const { proxy: p, core: c } = await setUp();
    p.changesFaults.push({ kind: 'pass' }, { kind: 'status', status: 401 });
    const run = await c.sync.sync();
    expect(run).toMatchObject({ outcome: 'auth_error', lastError: { code: 'auth' } });
    expect(p.changes).toHaveLength(2);
  });

  it('nothing answering at the address is said at once, not waited out', async () => {
    const gone = await server();
    const url = gone.url;
    await gone.stop();
    // A retry would wait a minute, within the run's limit: the test would take that long.
    core = consoleFor(
      { url },
      { backoff: { baseMs: 60_000, factor: 2, maxAttempts: 5, jitter: 0 } },
    );
    const run = await core.sync.sync();
    expect(run).toMatchObject({ outcome: 'failed', lastError: { code: 'network' } });
    expect(run.lastError!.message).toMatch(/^Nothing answers at /);
    // Said at once: no backoff waited (a retry could not start before a minute had passed).
    expect(run.durationMs).toBeLessThan(60_000);
  });

  it('a cancel during the wait before a retry ends the run as cancelled', async () => {
    // A minute's wait, within the run's default limit (two minutes): only the cancel ends it.
    const { proxy: p, core: c } = await setUp({
      backoff: { baseMs: 60_000, factor: 2, maxAttempts: 5, jitter: 0 },
    });
    p.changesFaults.push({ kind: 'pass' }, { kind: 'status', status: 503 });
    const running = c.sync.sync('manual');
    await until(() => p.changes.length === 2 && p.changesFaults.length === 0);
    await until(() => c.sync.status().running);
    c.sync.cancel();
    const run = await running;
    expect(run).toMatchObject({ outcome: 'cancelled', pulled: PAGE, pending: 1 });
    expect(c.sync.status().running).toBe(false);
  });
});
