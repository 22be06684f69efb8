import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../../shared/visitor';
import { ADMIN, STAFF, createOp, startApi, type Api, type Json } from './helpers';

/**
 * "No client can stall it": one hostile client must never keep the others
 * waiting. Each attack runs while a normal client pushes a chunk and reads the
 * change feed; both must answer within 1 s (the server is single-threaded, so
 * an attack that blocks the event loop or takes every slot shows up here).
 */

let api: Api | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await api?.stop();
  api = undefined;
});

const NORMAL_DEADLINE_MS = 1_000;

/** A normal client's bulk-sync and change-feed request, each timed. */
async function normalClient(a: Api): Promise<{ syncMs: number; changesMs: number }> {
  let t0 = performance.now();
  const sync = await a.sync({ operations: [createOp({ name: 'Normal client' })] });
  const syncMs = performance.now() - t0;
  expect(sync.status).toBe(200);
  expect(sync.body.results[0].status).toBe('success');
  t0 = performance.now();
  const changes = await a.changes('?limit=10');
  const changesMs = performance.now() - t0;
  expect(changes.status).toBe(200);
  return { syncMs, changesMs };
}

async function expectServedPromptly(a: Api): Promise<void> {
  const { syncMs, changesMs } = await normalClient(a);
  if (process.env.DEBUG_STALLS) console.log({ syncMs, changesMs });
  expect(syncMs).toBeLessThan(NORMAL_DEADLINE_MS);
  expect(changesMs).toBeLessThan(NORMAL_DEADLINE_MS);
}

/**
 * Runs the attack and, at the same time, the normal client again and again
 * until the attack has its answer: every normal request must answer in time.
 */
async function whileAttacking<T>(a: Api, attack: () => Promise<T>): Promise<T> {
  let done = false;
  const running = attack().finally(() => (done = true));
  do {
    await expectServedPromptly(a);
    await sleep(25);
  } while (!done);
  return running;
}

/** Raw bytes to the server; the socket is closed after the test. */
function rawSocket(a: Api): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(a.server.port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
    sockets.push(s);
  });
}

function closed(s: Socket): Promise<string> {
  let received = '';
  s.on('data', (d: Buffer) => (received += d.toString()));
  return new Promise((resolve) => {
    if (s.destroyed) resolve(received);
    s.on('close', () => resolve(received));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('1. a pathological email cannot stall the server', () => {
  it('"a@" + 80 000 dots + a space is refused by length, without running the pattern', async () => {
    api = await startApi();
    const email = `a@${'.'.repeat(80_000)} `;
    const r = await whileAttacking(api, () => api!.sync({ operations: [createOp({ email })] }));
    expect(r.status).toBe(200);
    expect(r.body.results[0].error).toEqual({
      code: 'validation',
      message: 'data.email: must be at most 320 characters',
      retryable: false,
    });
  });
});

describe('2. deeply nested JSON is refused before it is parsed', () => {
  it.each([
    ['8 MiB of "["', false],
    ['the same, gzipped', true],
  ])('%s: 400 at once, others unaffected', async (_name, gzip) => {
    api = await startApi();
    const raw = '['.repeat(8 * 1024 * 1024);
    const body = gzip ? gzipSync(raw) : raw;
    const r = await whileAttacking(api, () =>
      api!.request('POST', '/api/visitors/bulk-sync', {
        raw: body,
        headers: {
          'content-type': 'application/json',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
      }),
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      success: false,
      error: expect.objectContaining({
        code: 'invalid_request',
        message: expect.stringMatching(/nested/),
      }),
    });
  });
});

describe('3. slow uploads do not hold the sync slots', () => {
  it('16 bodies trickling in at 1 byte per 200 ms: a normal client still syncs, the slow ones get 408', async () => {
    api = await startApi({ timeouts: { headersMs: 1_000, requestMs: 2_500 } });
    const slow: Array<Promise<string>> = [];
    const timers: NodeJS.Timeout[] = [];
    for (let i = 0; i < 16; i++) {
      const s = await rawSocket(api);
      slow.push(closed(s));
      s.write(
        'POST /api/visitors/bulk-sync HTTP/1.1\r\nHost: x\r\n' +
          `Authorization: Bearer ${STAFF}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      );
      timers.push(setInterval(() => !s.destroyed && s.write(' '), 200));
    }
    try {
      await sleep(300);
      await expectServedPromptly(api);
      const answers = await Promise.all(slow);
      for (const a of answers) {
        expect(a).toMatch(/^HTTP\/1\.1 408 /);
        expect(a).toMatch(/"code":"timeout"/);
      }
    } finally {
      timers.forEach(clearInterval);
    }
  });
});

describe('4. idle connections time out', () => {
  it('100 connections that never send a byte and 100 idle after a request are closed by the server; others are served meanwhile', async () => {
    api = await startApi({ timeouts: { headersMs: 500, keepAliveMs: 500 } });
    const silent = await Promise.all(Array.from({ length: 100 }, () => rawSocket(api!)));
    const afterRequest = await Promise.all(Array.from({ length: 100 }, () => rawSocket(api!)));
    const closing = [...silent, ...afterRequest].map(closed);
    for (const s of afterRequest) s.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await expectServedPromptly(api);
    const t0 = performance.now();
    const answers = await Promise.all(closing);
    expect(performance.now() - t0).toBeLessThan(5_000);
    for (const a of answers.slice(100)) expect(a).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('a client that stops reading its responses is cut off once nothing moves for idleMs', async () => {
    api = await startApi({ timeouts: { idleMs: 2_000 } });
    const notes = '\u0001'.repeat(10_000); // 60 KB of JSON per record
    for (let batch = 0; batch < 2; batch++) {
      await api.fixtures(
        Array.from({ length: 30 }, (_, i) => ({
          id: `r-${batch}-${i}`,
          data: { name: 'R', notes },
        })),
      );
    }
    const pageBytes = Buffer.byteLength((await api.changes('?limit=60')).text);
    // 20 pipelined requests for ~4 MB pages, and then never read: more than
    // the kernel's socket buffers take, so the server's writes stall (it
    // computes the next page only once the last one is out). Stalled, the
    // connection costs nothing; once nothing moved for idleMs it is closed.
    const s = await rawSocket(api);
    s.pause();
    const request = `GET /api/visitors/changes?limit=60 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${STAFF}\r\n\r\n`;
    s.write(request.repeat(20));
    await sleep(500);
    await expectServedPromptly(api);
    await sleep(3_000);
    let received = 0;
    s.on('data', (d: Buffer) => (received += d.length));
    const ended = new Promise<boolean>((resolve) => {
      s.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 10_000);
    });
    s.resume();
    expect(await ended).toBe(true);
    expect(received).toBeLessThan(20 * pageBytes);
  });

  it('a request head that never ends gets 408 within the header timeout', async () => {
    api = await startApi({ timeouts: { headersMs: 500 } });
    const s = await rawSocket(api);
    const answer = closed(s);
    s.write('GET /api/me HTTP/1.1\r\nHost: x\r\n');
    const timer = setInterval(() => !s.destroyed && s.write('X-Slow: 1\r\n'), 100);
    try {
      await expectServedPromptly(api);
      expect(await answer).toMatch(/^HTTP\/1\.1 408 .*"code":"timeout"/s);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('5. change-feed pages are bounded by bytes as well as by count', () => {
  it('a page of large records ends early with hasMore, and paging still returns every record once', async () => {
    api = await startApi();
    // Each record is ~70 KB of JSON: 10 000 control characters are 60 000 escaped bytes.
    const big = '\u0001'.repeat(10_000);
    const ids: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      const visitors = Array.from({ length: 50 }, (_, i) => {
        const id = `big-${batch}-${String(i).padStart(2, '0')}`;
        ids.push(id);
        return { id, data: { name: `Big ${id}`, notes: big, interests: ['x'.repeat(100)] } };
      });
      await api.fixtures(visitors);
    }
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const r = await api.changes(`?limit=10000${cursor ? `&since=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(8 * 1024 * 1024);
      pages++;
      seen.push(...r.body.visitors.map((v: Json) => v.id as string));
      cursor = r.body.cursor;
      if (!r.body.hasMore) break;
      expect(r.body.visitors.length).toBeGreaterThan(0);
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(ids.sort());
  });
});

describe('6. impossible calendar dates are refused everywhere', () => {
  it.each([
    '2023-02-30T10:00:00Z',
    '2023-02-29T10:00:00.000Z',
    '2023-04-31T00:00:00Z',
    '2023-01-01T24:00:00Z',
    '2023-01-01T10:60:00Z',
  ])('%s', async (date) => {
    api = await startApi();
    const captured = await api.sync({ operations: [createOp({ capturedAt: date })] });
    expect(captured.body.results[0].error).toMatchObject({
      code: 'validation',
      message: 'data.capturedAt: must be an ISO 8601 timestamp',
    });
    const stamped = await api.sync({ operations: [{ ...createOp(), timestamp: date }] });
    expect(stamped.body.results[0].error).toMatchObject({
      code: 'validation',
      message: 'timestamp: must be an ISO 8601 timestamp',
    });
    const lastSync = await api.sync({ operations: [createOp()], lastSyncTimestamp: date });
    expect(lastSync.status).toBe(400);
    expect(lastSync.body.error.code).toBe('invalid_request');
    const since = await api.changes(`?since=${date}`);
    expect(since.status).toBe(400);
    expect(since.body.error.code).toBe('invalid_request');
    expect((await api.stats()).visitors).toBe(0);
  });

  it('real dates still pass: 29 February of a leap year, offsets', async () => {
    api = await startApi();
    const r = await api.sync({
      operations: [createOp({ capturedAt: '2024-02-29T23:59:59.999+05:30' })],
      lastSyncTimestamp: '2000-02-29T00:00:00Z',
    });
    expect(r.body.results[0].status).toBe('success');
  });
});

describe('7. a client that disconnects mid-upload is logged as an abort', () => {
  it('no internal error, no stack trace', async () => {
    const lines: string[] = [];
    api = await startApi({ log: (line) => lines.push(line) });
    const s = await rawSocket(api);
    s.write(
      'POST /api/visitors/bulk-sync HTTP/1.1\r\nHost: x\r\n' +
        `Authorization: Bearer ${STAFF}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"operations":[`,
    );
    await sleep(100);
    s.destroy();
    const t0 = performance.now();
    while (!lines.some((l) => /abort/i.test(l)) && performance.now() - t0 < 5_000) await sleep(20);
    expect(lines.some((l) => /abort/i.test(l))).toBe(true);
    for (const line of lines) {
      expect(line).not.toMatch(/internal/i);
      expect(line).not.toMatch(/\n\s+at |\\n\s+at /);
    }
    await expectServedPromptly(api);
  });
});

describe('8. admin fixtures cannot move the clock out of range', () => {
  it('a fixture time past year 9999 (or far in the future) is refused, and syncTimestamp stays usable', async () => {
    api = await startApi();
    for (const at of [
      '9999-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59.999-14:00',
      '3000-01-01T00:00:00Z',
    ]) {
      const r = await api.request('POST', '/api/admin/visitors', {
        token: ADMIN,
        body: { visitors: [{ id: `far-${at}`, data: { name: 'Far' }, at }] },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/visitors(\[0\]|\.0)\.at: /);
    }
    const first = await api.sync({ operations: [createOp()] });
    expect(isoTimestamp.safeParse(first.body.syncTimestamp).success).toBe(true);
    const next = await api.sync({
      operations: [createOp()],
      lastSyncTimestamp: first.body.syncTimestamp,
    });
    expect(next.status).toBe(200);
    expect((await api.stats()).visitors).toBe(2);
  });
});

describe('failed sign-ins are rate limited per address', () => {
  it('after the burst of failures, 429 with Retry-After, even for a good token', async () => {
    api = await startApi({ signInLimit: { capacity: 5, refillPerSecond: 0.1 } });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await api.request('GET', '/api/me', { token: `wrong-token-${i}` })).status);
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const locked = await api.request('GET', '/api/me');
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Health needs no sign-in and is never locked out.
    expect((await api.request('GET', '/api/health', { token: null })).status).toBe(200);
  });
});
