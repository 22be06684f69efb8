import { describe, expect, it } from 'vitest';
import { PRUNE_MIN_DAYS, parseCliArgs } from '../../../server/cli-args';

/** The flags of a production deployment and the prune-ledger command. */
describe('server CLI: production flags', () => {
  it('parses PostgreSQL, timeouts, limits, proxy and logging flags', () => {
    const r = parseCliArgs(
      [
        '--db',
        'postgres://visitors@db.internal:5432/visitors',
        '--pg-pool-size',
        '20',
        '--max-concurrent-syncs',
        '8',
        '--changes-page-bytes',
        '1048576',
        '--sign-in-limit',
        '0.5:10',
        '--headers-timeout-ms',
        '5000',
        '--request-timeout-ms',
        '30000',
        '--keep-alive-timeout-ms',
        '4000',
        '--idle-timeout-ms',
        '60000',
        '--stop-grace-ms',
        '10000',
        '--trust-proxy',
        '10.0.0.5,10.0.0.6',
        '--log-level',
        'warn',
      ],
      {},
    );
    expect(r).toEqual({
      ok: true,
      help: false,
      options: {
        port: 8787,
        host: '127.0.0.1',
        db: 'postgres://visitors@db.internal:5432/visitors',
        pgPoolSize: 20,
        maxConcurrentSyncs: 8,
        changesPageBytes: 1_048_576,
        signInLimit: { refillPerSecond: 0.5, capacity: 10 },
        timeouts: { headersMs: 5000, requestMs: 30000, keepAliveMs: 4000, idleMs: 60000 },
        stopGraceMs: 10000,
        trustProxy: ['10.0.0.5', '10.0.0.6'],
        logLevel: 'warn',
      },
    });
    const off = parseCliArgs(['--sign-in-limit', 'off', '--trust-proxy', 'true'], {});
    expect(off.ok && 'options' in off && off.options).toMatchObject({
      signInLimit: null,
      trustProxy: true,
    });
  });

  it.each([
    [['--sign-in-limit', 'lots'], /--sign-in-limit/],
    [['--log-level', 'loud'], /--log-level/],
    [['--idle-timeout-ms', '5'], /--idle-timeout-ms/],
    [['--older-than', '400'], /prune-ledger/],
    [['prune', '--db', 'x.sqlite'], /Unexpected argument 'prune'/],
  ])('rejects %j with a message', (argv, message) => {
    const r = parseCliArgs(argv, {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
  });

  it('prune-ledger: a database and a cut-off of at least the minimum', () => {
    expect(parseCliArgs(['prune-ledger', '--db', 'v.sqlite', '--older-than', '400'], {})).toEqual({
      ok: true,
      help: false,
      prune: { db: 'v.sqlite', olderThanDays: 400 },
    });
    expect(
      parseCliArgs(['prune-ledger', '--db', 'v.sqlite', '--older-than', '365d'], {}),
    ).toMatchObject({
      prune: { olderThanDays: 365 },
    });
    for (const argv of [
      ['prune-ledger', '--older-than', '400'],
      ['prune-ledger', '--db', ':memory:', '--older-than', '400'],
      ['prune-ledger', '--db', 'v.sqlite'],
      ['prune-ledger', '--db', 'v.sqlite', '--older-than', String(PRUNE_MIN_DAYS - 1)],
    ]) {
      expect(parseCliArgs(argv, {}).ok).toBe(false);
    }
  });
});
