import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BulkSyncResponseSchema, ChangePageSchema } from '../../../shared/protocol';
import { STAFF, createOp, startApi, type Api } from './helpers';

/** Large responses in gzip: whole, with the right length, for the change feed and bulk-sync. */

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One exchange with node:http, which (unlike fetch) leaves the body as it came. */
function raw(url: string, method: 'GET' | 'POST', body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          authorization: `Bearer ${STAFF}`,
          'accept-encoding': 'gzip',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function unpack(r: Raw): unknown {
  expect(r.headers['content-encoding']).toBe('gzip');
  if (r.headers['content-length'] !== undefined)
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
  expect(r.body.length).toBeGreaterThan(0);
  return JSON.parse(gunzipSync(r.body).toString('utf8'));
}

describe('gzip responses (compressLoopback turns the off-host path on for 127.0.0.1)', () => {
  it('a large change page arrives whole in gzip, and smaller than its JSON', async () => {
    api = await startApi({ seed: 1_500, compressLoopback: true });
    const r = await raw(`${api.url}/api/visitors/changes?limit=5000`, 'GET');
    expect(r.status).toBe(200);
    const page = ChangePageSchema.parse(unpack(r));
    expect(page.visitors).toHaveLength(1_500);
    expect(r.body.length).toBeLessThan(Buffer.byteLength(JSON.stringify(page)) / 3);
  });

  it('a large bulk-sync reply arrives whole in gzip', async () => {
    api = await startApi({ compressLoopback: true });
    const operations = Array.from({ length: 800 }, () => createOp());
    const r = await raw(
      `${api.url}/api/visitors/bulk-sync`,
      'POST',
      JSON.stringify({ operations, lastSyncTimestamp: null }),
    );
    expect(r.status).toBe(200);
    const reply = BulkSyncResponseSchema.parse(unpack(r));
    expect(reply.results).toHaveLength(800);
    expect(reply.results.every((x) => x.status === 'success')).toBe(true);
  });

  it('without the setting, loopback clients get plain JSON', async () => {
    api = await startApi({ seed: 1_500 });
    const r = await raw(`${api.url}/api/visitors/changes?limit=5000`, 'GET');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(ChangePageSchema.parse(JSON.parse(r.body.toString('utf8'))).visitors).toHaveLength(
      1_500,
    );
  });
});
