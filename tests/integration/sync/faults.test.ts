import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type FaultsRequest, type RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { faultProxy, type Fault, type FaultProxy } from './fault-proxy';
import { consoleFor, drain, expectExactlyOnce, makeLocalChanges, rows, server } from './helpers';

let srv: RunningServer;
let proxy: FaultProxy;
let core: TestCore;
afterEach(async () => {
  core?.dispose();
  await proxy?.close();
  await srv?.stop();
});

const CHANGES = { creates: 90, updates: 40, deletes: 20 }; // 150 operations: 3 chunks of 50

/** Mirror 200, change 150 locally, arm the fault, push, then drain and check exactly-once. */
async function withFault(
  arm: (srv: RunningServer, proxy: FaultProxy) => void,
  settings: Parameters<typeof consoleFor>[1] = {},
  tag = 'Fault',
) {
  srv = await server({
    seed: 200,
    ...(settings.chunkSize === 50 && tag === 'TooLarge' ? { maxOperations: 30 } : {}),
  });
  proxy = await faultProxy(srv.url);
  core = consoleFor(proxy, { chunkSize: 50, ...settings });
  expect((await core.sync.sync()).pulled).toBe(200);
  const scenario = await makeLocalChanges(core, CHANGES, tag);
  arm(srv, proxy);
  const first = await core.sync.sync();
  return { scenario, first };
}

/** The hooks take a parsed request (defaults applied), as the admin endpoint does. */
const arm = (s: RunningServer, f: FaultsRequest) => s.faults.set(FaultsRequestSchema.parse(f));

const ops = (status: string) =>
  rows<{ n: number }>(core, 'SELECT count(*) AS n FROM outbox WHERE status = ?', status)[0]!.n;

describe('chunk-level faults: the chunk stays queued, the run goes on, and the retry is exactly once', () => {
  const proxied: [string, Fault][] = [
    ['408 Request Timeout', { kind: 'status', status: 408 }],
    ['500 from a gateway', { kind: 'status', status: 500 }],
    ['connection reset before the server saw it', { kind: 'reset' }],
    ['a 200 whose body is not JSON', { kind: 'garbage' }],
    ['a body cut off half way (applied on the server, reply lost)', { kind: 'truncate' }],
  ];
  for (const [name, fault] of proxied) {
    it(name, async () => {
      const { scenario, first } = await withFault((_s, p) =>
        p.bulkSyncFaults.push({ kind: 'pass' }, fault),
      );
      // Chunk 1 and 3 settled; chunk 2 waits with one attempt counted.
      expect(first.outcome).toBe('partial');
      expect(first.retried).toBe(50);
      expect(ops('retrying')).toBe(50);
      expect(rows(core, "SELECT DISTINCT attempts FROM outbox WHERE status = 'retrying'")).toEqual([
        { attempts: 1 },
      ]);
      expect(first.created + first.updated + first.deleted).toBe(100);
      const last = await drain(core);
      expect(last).toMatchObject({ pending: 0, retrying: 0, failed: 0 });
      await expectExactlyOnce(srv, core, scenario);
    });
  }

  it.each([
    [503, 'server overloaded'],
    [429, 'rate limited'],
  ] as const)('%i with Retry-After: obeyed, then exactly once', async (status, _why) => {
    const before = Date.now();
    const { scenario, first } = await withFault((s) =>
      arm(s, { failRequests: { count: 1, status, retryAfterSeconds: 1, route: 'bulk-sync' } }),
    );
    expect(first.retried).toBe(50);
    const next = rows<{ next_attempt_at: string }>(
      core,
      "SELECT min(next_attempt_at) AS next_attempt_at FROM outbox WHERE status = 'retrying'",
    )[0]!;
    expect(Date.parse(next.next_attempt_at) - before).toBeGreaterThanOrEqual(1_000);
    const lastError = rows<{ last_error: string }>(
      core,
      "SELECT last_error FROM outbox WHERE status = 'retrying' LIMIT 1",
    )[0]!;
    expect(JSON.parse(lastError.last_error)).toMatchObject({
      code: status === 429 ? 'rate_limited' : 'server',
      retryable: true,
    });
    await drain(core);
    await expectExactlyOnce(srv, core, scenario);
  });

  it('a response dropped after the server committed: the replay returns the stored results', async () => {
    const { scenario, first } = await withFault((s) => arm(s, { dropResponses: { count: 1 } }));
    expect(first.retried).toBe(50);
    await drain(core);
    await expectExactlyOnce(srv, core, scenario);
  });

  it('a reply slower than the client timeout: the replay returns the stored results', async () => {
    const { scenario, first } = await withFault(
      (s) => arm(s, { delayResponses: { count: 1, ms: 1_500 } }),
      { requestTimeoutMs: 400 },
    );
    expect(first.retried).toBe(50);
    expect(
      JSON.parse(
        rows<{ last_error: string }>(
          core,
          "SELECT last_error FROM outbox WHERE status = 'retrying' LIMIT 1",
        )[0]!.last_error,
      ),
    ).toMatchObject({ code: 'timeout' });
    await new Promise((r) => setTimeout(r, 1_200)); // let the server finish the slow request
    await drain(core);
    await expectExactlyOnce(srv, core, scenario);
  });

  it('413: the chunk is split until the server takes it, without counting attempts', async () => {
    const { scenario, first } = await withFault(() => undefined, { chunkSize: 50 }, 'TooLarge');
    expect(first).toMatchObject({ outcome: 'success', retried: 0, errors: 0, pending: 0 });
    await expectExactlyOnce(srv, core, scenario);
  });

  it('401: the run stops with an auth error and nothing is spent', async () => {
    const { first } = await withFault((_s, p) =>
      p.bulkSyncFaults.push({ kind: 'status', status: 401 }),
    );
    expect(first.outcome).toBe('auth_error');
    expect(first.lastError).toMatchObject({ code: 'auth' });
    expect(first.lastError?.message).toMatch(/token/);
    expect(rows(core, 'SELECT DISTINCT status, attempts FROM outbox')).toEqual([
      { status: 'pending', attempts: 0 },
    ]);
  });

  it('403: the run stops and the operations stay as they were', async () => {
    const { first } = await withFault((_s, p) =>
      p.bulkSyncFaults.push({ kind: 'pass' }, { kind: 'status', status: 403 }),
    );
    expect(first.outcome).toBe('auth_error');
    expect(first.lastError).toMatchObject({ code: 'forbidden' });
    expect(first.created + first.updated + first.deleted).toBe(50);
    expect(rows(core, 'SELECT DISTINCT status, attempts FROM outbox')).toEqual([
      { status: 'pending', attempts: 0 },
    ]);
  });
});

describe('operation-level results', () => {
  it('a retryable error on one operation retries it alone; its neighbours settle', async () => {
    const { scenario, first } = await withFault((s) =>
      arm(s, {
        failOperations: { localIdPrefix: '0', count: 3 } /* uuidv7 ids of this era start with 0 */,
      }),
    );
    expect(first.retried).toBe(3);
    expect(first.created + first.updated + first.deleted).toBe(147);
    await drain(core);
    await expectExactlyOnce(srv, core, scenario);
  });

  it('an operation that keeps failing is failed after the maximum attempts, with the reason', async () => {
    srv = await server({ seed: 20 });
    core = consoleFor(srv);
    await core.sync.sync();
    const row = await core.call('visitors:create', { values: { name: 'Doomed' } });
    arm(srv, { failOperations: { localIdPrefix: row.localId } });
    const last = await drain(core);
    expect(last).toMatchObject({ failed: 1, retrying: 0 });
    const [op] = rows<{ status: string; attempts: number; last_error: string }>(
      core,
      'SELECT * FROM outbox',
    );
    expect(op).toMatchObject({ status: 'failed', attempts: 5 });
    expect(JSON.parse(op!.last_error)).toMatchObject({
      code: 'max_attempts',
      message: 'Max retry attempts exceeded',
      retryable: false,
    });
    const attempts = rows<{ outcome: string }>(
      core,
      'SELECT outcome FROM outbox_attempts ORDER BY id',
    );
    expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'retry', 'failed']);
  });

  it("a non-retryable error fails at once with the server's code and words", async () => {
    srv = await server({ seed: 20 });
    core = consoleFor(srv);
    await core.sync.sync();
    const row = await core.call('visitors:create', { values: { name: 'Rejected' } });
    arm(srv, {
      failOperations: {
        localIdPrefix: row.localId,
        error: {
          code: 'validation',
          message: 'data.email: must be a valid email address',
          retryable: false,
        },
      },
    });
    const summary = await core.sync.sync();
    expect(summary).toMatchObject({ errors: 1, failed: 1 });
    expect(
      JSON.parse(
        rows<{ last_error: string }>(core, 'SELECT last_error FROM outbox')[0]!.last_error,
      ),
    ).toEqual({
      code: 'validation',
      message: 'data.email: must be a valid email address',
      retryable: false,
    });
  });
});
