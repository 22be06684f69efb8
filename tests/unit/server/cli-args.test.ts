import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../server/cli-args';

describe('server CLI arguments', () => {
  it('has safe defaults: 127.0.0.1, :memory:, generated token', () => {
    expect(parseCliArgs([], {})).toEqual({
      ok: true,
      help: false,
      options: { port: 8787, host: '127.0.0.1', db: ':memory:' },
    });
  });

  it('parses every flag', () => {
    const r = parseCliArgs(
      [
        '--port',
        '0',
        '--db',
        '/tmp/x.sqlite',
        '--seed',
        '100',
        '--seed-value',
        '7',
        '--host',
        '127.0.0.1',
        '--simulate',
        '20',
        '--simulate-every',
        '500',
        '--max-operations',
        '200',
        '--max-body-bytes',
        '65536',
        '--changes-page-size',
        '50',
        '--rate-limit',
        '10:30',
        '--synchronous',
        'normal',
      ],
      { VISITOR_SYNC_TOKENS: 'abcdefgh1:staff,abcdefgh2:admin:Ops' },
    );
    expect(r).toEqual({
      ok: true,
      help: false,
      options: {
        port: 0,
        host: '127.0.0.1',
        db: '/tmp/x.sqlite',
        seed: 100,
        seedValue: 7,
        simulateRound: { edits: 20, deletes: 2, creates: 2 },
        simulateOnStart: true,
        simulateEveryMs: 500,
        maxOperations: 200,
        maxBodyBytes: 65536,
        changesPageSize: 50,
        rateLimit: { refillPerSecond: 10, capacity: 30 },
        synchronous: 'NORMAL',
        tokens: [
          { token: 'abcdefgh1', role: 'staff' },
          { token: 'abcdefgh2', role: 'admin', name: 'Ops' },
        ],
      },
    });
  });

  it('--help', () => {
    expect(parseCliArgs(['--help'], {})).toEqual({ ok: true, help: true });
    expect(parseCliArgs(['-h'], {})).toEqual({ ok: true, help: true });
  });

  it.each([
    [['--port', 'abc'], /--port/],
    [['--port', '70000'], /--port/],
    [['--port'], /port/],
    [['--seed', '-3'], /seed/],
    [['--seed-value', '1.5'], /--seed-value/],
    [['--bogus'], /bogus/],
    [['positional'], /positional|Unexpected argument/i],
    [['--rate-limit', 'fast'], /--rate-limit/],
    [['--synchronous', 'OFF'], /--synchronous/],
    [['--simulate-every', '5'], /--simulate-every/],
    [['--max-body-bytes', '10'], /--max-body-bytes/],
    [['--db', ''], /--db/],
  ])('rejects %j with a message', (argv, message) => {
    const r = parseCliArgs(argv, {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
  });

  it.each(['short:staff', 'abcdefgh1:root', 'abcdefgh1', 'bad token here:staff', ','])(
    'rejects VISITOR_SYNC_TOKENS=%j',
    (tokens) => {
      const r = parseCliArgs([], { VISITOR_SYNC_TOKENS: tokens });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toMatch(/VISITOR_SYNC_TOKENS/);
    },
  );
});
