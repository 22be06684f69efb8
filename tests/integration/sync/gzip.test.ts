import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { consoleFor, drain, rows, server, storedVisitors } from './helpers';

const servers: RunningServer[] = [];
const cores: TestCore[] = [];
afterEach(async () => {
  cores.splice(0).forEach((c) => c.dispose());
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const SEED = 1_500;
const CREATES = 300;

/** A non-loopback address of this machine, when it has one (a LAN or container interface). */
function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

/** Pulls SEED visitors, then pushes CREATES creates in one chunk; the run's wire bytes. */
async function pullAndPush(
  opts: Parameters<typeof server>[0],
  offHost: boolean,
  url?: (srv: RunningServer) => string,
) {
  const srv = await server({ seed: SEED, ...opts });
  servers.push(srv);
  const core = consoleFor({ url: url ? url(srv) : srv.url }, { offHost, pageSize: 5_000 });
  cores.push(core);
  const pulled = await core.sync.sync();
  expect(pulled.pulled, JSON.stringify(pulled.lastError)).toBe(SEED);
  const pullRun = core.sync.history(1)[0]!;
  for (let i = 0; i < CREATES; i++)
    await core.call('visitors:create', {
      values: { name: `Gzip ${i}`, email: `gzip${i}@example.org`, notes: 'met at the stand' },
    });
  const pushed = await drain(core);
  expect(pushed).toMatchObject({ pending: 0, retrying: 0, failed: 0 });
  const pushRun = core.sync.history(1)[0]!;
  expect(pushRun.created).toBe(CREATES);
  const held = await storedVisitors(srv);
  expect(held.size).toBe(SEED + CREATES);
  expect(rows(core, 'SELECT count(*) AS n FROM visitors WHERE server_id IS NOT NULL')).toEqual([
    { n: SEED + CREATES },
  ]);
  // What the feed's JSON weighs unpacked: the visitors as the server holds them.
  const raw = Buffer.byteLength(JSON.stringify([...held.values()].slice(0, SEED)));
  return { received: pullRun.bytesReceived, sent: pushRun.bytesSent, raw };
}

describe('gzip both ways', () => {
  it('on loopback nothing is compressed unless asked (gzip costs more than it saves there)', async () => {
    const plain = await pullAndPush({}, false);
    expect(plain.received).toBeGreaterThan(plain.raw * 0.8);
  });

  it('with the off-host path turned on at both ends, pulls and pushes travel gzipped', async () => {
    const plain = await pullAndPush({}, false);
    const zipped = await pullAndPush({ compressLoopback: true }, true);
    expect(zipped.received).toBeLessThan(zipped.raw / 3);
    expect(zipped.sent).toBeLessThan(plain.sent / 2);
  });

  const lan = lanAddress();
  it.skipIf(lan === null)(
    'against the server at a non-loopback address, with no setting at all',
    async () => {
      const plain = await pullAndPush({}, false);
      const zipped = await pullAndPush({ host: lan! }, false);
      expect(zipped.received).toBeLessThan(zipped.raw / 3);
      expect(zipped.sent).toBeLessThan(plain.sent / 2);
    },
  );
});
