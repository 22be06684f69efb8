import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DigestResponseSchema, digestLine } from '../../../shared/digest';
import { toValues } from '../../../shared/visitor';
import { startApi, type Api } from './helpers';

/** GET /api/visitors/digest (docs/protocol.md, ext): range hashes over the live records. */

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

const get = async (q: string) => {
  const r = await api!.request('GET', `/api/visitors/digest${q}`);
  return r;
};

describe('GET /api/visitors/digest', () => {
  it('splits the live records into ranges that cover the id space, hashed as the protocol says', async () => {
    api = await startApi({ seed: 300 });
    const r = await get('?parts=7');
    expect(r.status).toBe(200);
    const { ranges } = DigestResponseSchema.parse(r.body);
    expect(ranges).toHaveLength(7);
    expect(ranges.reduce((n, x) => n + x.count, 0)).toBe(300);
    expect(ranges[0]!.after).toBeNull();
    expect(ranges.at(-1)!.until).toBeNull();
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.after).toBe(ranges[i - 1]!.until);

    // records=1 gives a range's records; hashing their lines gives the range's hash.
    const second = ranges[1]!;
    const q = new URLSearchParams({ after: second.after!, until: second.until!, records: '1' });
    const leaf = DigestResponseSchema.parse((await get(`?${q}`)).body);
    expect(leaf.records).toHaveLength(second.count);
    const h = createHash('sha256');
    for (const v of leaf.records!)
      h.update(
        createHash('sha256')
          .update(digestLine(v.id, v.version ?? null, toValues(v)))
          .digest(),
      );
    expect(h.digest('hex')).toBe(second.hash);
    expect(leaf.ranges[0]!.hash).toBe(second.hash);
  });

  it('changes the hash of exactly the range whose record changed', async () => {
    api = await startApi({ seed: 100 });
    const before = DigestResponseSchema.parse((await get('?parts=4')).body).ranges;
    const leaf = DigestResponseSchema.parse(
      (
        await get(
          `?${new URLSearchParams({ after: before[2]!.after!, until: before[2]!.until!, records: '1' })}`,
        )
      ).body,
    );
    const target = leaf.records![3]!;
    const upd = await api.sync({
      operations: [
        {
          action: 'update',
          localId: 'l1',
          serverId: target.id,
          timestamp: new Date().toISOString(),
          data: { title: 'Changed' },
          baseVersion: target.version,
        },
      ],
      lastSyncTimestamp: null,
    });
    expect(upd.status).toBe(200);
    const after = DigestResponseSchema.parse((await get('?parts=4')).body).ranges;
    expect(after.map((r) => r.hash === before[after.indexOf(r)]!.hash)).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });

  it('refuses bad parameters with 400 and a too large records request', async () => {
    api = await startApi({ seed: 1_200 });
    expect((await get('?parts=0')).status).toBe(400);
    expect((await get('?parts=65')).status).toBe(400);
    expect((await get('?records=yes')).status).toBe(400);
    expect((await get('?after=b&until=a')).status).toBe(400);
    expect((await get('?records=1')).status).toBe(400);
    expect((await api.request('GET', '/api/visitors/digest', { token: null })).status).toBe(401);
  });
});
