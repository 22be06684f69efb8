import { describe, expect, it } from 'vitest';
import { LEASE_TTL_MS, heldElsewhere, pidAlive } from '../../electron/core/sync/lease';

const NOW = 1_000_000_000;
const alive = () => true;
const dead = () => false;

describe('heldElsewhere', () => {
  it.each([
    ['no lease', null, alive, false],
    ['our own lease', { pid: 42, at: NOW }, alive, false],
    ['a live other process, recently renewed', { pid: 7, at: NOW - 1_000 }, alive, true],
    ['another process that died (killed mid-sync)', { pid: 7, at: NOW - 1_000 }, dead, false],
    [
      'another process that stopped renewing (hung)',
      { pid: 7, at: NOW - LEASE_TTL_MS - 1 },
      alive,
      false,
    ],
  ])('%s → %s', (_what, lease, isAlive, expected) => {
    expect(heldElsewhere(lease, NOW, 42, isAlive)).toBe(expected);
  });
});

describe('pidAlive', () => {
  it('knows this process is alive and a reaped one is not', () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(2 ** 22 + 12345)).toBe(false);
  });
});
