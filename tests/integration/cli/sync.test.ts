import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import { SyncSummarySchema, type SyncSummary } from '../../../shared/ipc/contract';
import {
  STAFF,
  cleanUp,
  cli,
  count,
  parseJson,
  query,
  server,
  serverVisitors,
  spawnCli,
  syncArgs,
  tempDir,
  until,
  writeFile,
} from './helpers';

type CliSummary = SyncSummary & { serverUrl: string; runs: SyncSummary[] };

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

function people(n: number, prefix = 'Person'): string {
  const rows = Array.from(
    { length: n },
    (_, i) => `${prefix} ${i},${prefix.toLowerCase()}${i}@x.org`,
  );
  return `name,email\n${rows.join('\n')}\n`;
}

async function importPeople(dir: string, db: string, n: number, prefix = 'Person') {
  const r = await cli(['import', writeFile(dir, `${prefix}.csv`, people(n, prefix)), '--db', db]);
  expect(r.code, r.stderr).toBe(0);
}

const fault = (srv: RunningServer, f: unknown) => srv.faults.set(FaultsRequestSchema.parse(f));

describe('cli sync', () => {
  it('mirrors and pushes: --json prints the SyncSummary, progress goes to stderr, exit 0', async () => {
    srv = await server({ seed: 40 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    await importPeople(dir, db, 30);
    fault(srv, { delayResponses: { count: 3, ms: 300 } });

    const r = await cli(syncArgs(srv, db, '--json', '--chunk-size', '10'));
    expect(r.code, r.stderr).toBe(0);
    const summary = parseJson<CliSummary>(r);
    SyncSummarySchema.parse(summary);
    expect(summary).toMatchObject({
      outcome: 'success',
      pulled: 40,
      created: 30,
      updated: 0,
      conflicts: 0,
      errors: 0,
      pending: 0,
      retrying: 0,
      failed: 0,
      openConflicts: 0,
      lastError: null,
      serverUrl: srv.url,
    });
    expect(summary.runs).toHaveLength(1);
    // Not a terminal: one line per progress step, the chunks among them.
    expect(r.stderr).toMatch(/^push: chunk \d\/3, \d+\/30 ops/m);
    expect(r.stderr).not.toContain('\u001b[');

    const onServer = [...(await serverVisitors(srv)).values()];
    expect(onServer).toHaveLength(70);
    expect(onServer.filter((v) => String(v.name).startsWith('Person '))).toHaveLength(30);
    expect(count(db, 'SELECT count(*) AS n FROM outbox')).toBe(0);

    // Nothing to do: success again, and a readable summary without --json.
    const again = await cli(syncArgs(srv, db, '--quiet'));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Sync with ${srv.url}: success \\(`));
    expect(again.stdout).toMatch(/^ {2}pushed\s+0 created, 0 updated, 0 deleted$/m);
    expect(again.stdout).toMatch(
      /^ {2}outbox now\s+0 pending, 0 retrying, 0 failed; 0 open conflicts$/m,
    );
    expect(again.stderr).toBe('');
  });

  it('waits for retryable failures to fall due and runs again until everything settles', async () => {
    srv = await server({ seed: 5 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    await importPeople(dir, db, 20);
    fault(srv, { failRequests: { count: 2, status: 503, retryAfterSeconds: 0 } });

    const r = await cli(syncArgs(srv, db, '--json'));
    expect(r.code, r.stderr).toBe(0);
    const summary = parseJson<CliSummary>(r);
    expect(summary).toMatchObject({
      outcome: 'success',
      created: 20,
      errors: 0,
      retrying: 0,
      pending: 0,
      lastError: null,
    });
    // Every operation met the first 503; the backoff's jitter spreads their next attempts.
    expect(summary.retried).toBeGreaterThanOrEqual(21);
    expect(summary.runs.length).toBeGreaterThanOrEqual(2);
    expect(summary.runs[0]).toMatchObject({ outcome: 'partial', retried: 20, retrying: 20 });
    expect(summary.runs.reduce((n, run) => n + run.created, 0)).toBe(20);
    expect(r.stderr).toMatch(/^Run 1 finished \(partial\); 20 operations to retry, next run in/m);
    expect((await serverVisitors(srv)).size).toBe(25);
  });

  it('--no-wait does one run and exits 1 with operations left to retry; --max-wait bounds the wait', async () => {
    srv = await server({ seed: 5 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    await importPeople(dir, db, 4);
    fault(srv, { failRequests: { count: 1, status: 503, retryAfterSeconds: 0 } });

    const once = await cli(syncArgs(srv, db, '--json', '--no-wait', '--quiet'));
    expect(once.code).toBe(1);
    const s1 = parseJson<CliSummary>(once);
    expect(s1).toMatchObject({ outcome: 'partial', retried: 4, retrying: 4, created: 0 });
    expect(s1.runs).toHaveLength(1);
    expect(s1.lastError).toMatchObject({ code: 'server' });

    // The next attempt is 60 s away, beyond a 1 s patience: exit 1 at once, still retrying.
    fault(srv, { failRequests: { count: 1, status: 503, retryAfterSeconds: 60 } });
    const started = Date.now();
    const bounded = await cli(syncArgs(srv, db, '--json', '--max-wait', '1'));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(bounded.code).toBe(1);
    expect(parseJson<CliSummary>(bounded)).toMatchObject({ retrying: 4, created: 0 });
    expect(bounded.stderr).toMatch(/4 operations still waiting to retry .*--max-wait 1 s/);
    expect(await cli(['status', '--db', db, '--json']).then(parseJson)).toMatchObject({
      retrying: 4,
    });
  });

  it('a change page refused with 503 is read again within the run, within --max-wait', async () => {
    srv = await server({ seed: 5 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    await importPeople(dir, db, 2);
    const refusePage = () =>
      fault(srv!, {
        failRequests: { count: 1, status: 503, retryAfterSeconds: 2, route: 'changes' },
      });

    // No waiting, or less patience than the server asks for: the run ends with its words.
    for (const flags of [['--no-wait'], ['--max-wait', '1']]) {
      refusePage();
      const ended = await cli(syncArgs(srv, db, '--json', '--quiet', ...flags));
      expect(ended.code, flags.join(' ')).toBe(1);
      expect(parseJson<CliSummary>(ended)).toMatchObject({
        outcome: 'failed',
        pulled: 0,
        created: 0,
        pending: 2,
        lastError: { code: 'server' },
      });
    }

    // Within the default --max-wait: the same run reads the page again and goes on.
    refusePage();
    const r = await cli(syncArgs(srv, db, '--json', '--quiet'));
    expect(r.code, r.stderr).toBe(0);
    const s = parseJson<CliSummary>(r);
    expect(s).toMatchObject({ outcome: 'success', pulled: 5, created: 2, lastError: null });
    expect(s.runs).toHaveLength(1);
  });

  it('exit 2 when the server is unreachable or refuses the token', async () => {
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    await importPeople(dir, db, 2);
    const gone = await server();
    const url = gone.url;
    await gone.stop();

    const down = await cli([
      'sync',
      '--db',
      db,
      '--server',
      url,
      '--token',
      STAFF,
      '--json',
      '--quiet',
    ]);
    expect(down.code).toBe(2);
    expect(parseJson<CliSummary>(down)).toMatchObject({
      outcome: 'failed',
      pending: 2,
      lastError: { code: 'network' },
    });
    expect(down.stderr).toMatch(/^error: Nothing answers at 127\.0\.0\.1:\d+/m);

    srv = await server({ seed: 3 });
    const refused = await cli([
      'sync',
      '--db',
      db,
      '--server',
      srv.url,
      '--token',
      'not-a-token-at-all',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/: auth_error \(/);
    expect(refused.stdout).toMatch(/^ {2}nothing\s+was pulled or sent$/m);
    expect(refused.stderr).toMatch(/^error: The server at .* did not accept the token/m);

    // The token may come from the environment instead.
    const fromEnv = await cli(['sync', '--db', db, '--server', srv.url, '--json', '--quiet'], {
      VISITOR_CONSOLE_TOKEN: STAFF,
    });
    expect(fromEnv.code).toBe(0);
    expect(parseJson(fromEnv)).toMatchObject({ outcome: 'success', created: 2 });
    expect(count(db, 'SELECT count(*) AS n FROM outbox')).toBe(0);
  });

  it('exit 2 with the usage on stderr for bad usage', async () => {
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const cases: [string[], RegExp][] = [
      [[], /^error: no command given\n\nusage: npm run cli -- <command>/],
      [['frobnicate'], /^error: unknown command "frobnicate"\n\nusage: npm run cli -- <command>/],
      [['sync', '--server', 'http://127.0.0.1:1', '--token', 'x'], /^error: --db is required/],
      [['sync', '--db', db, '--token', 'x'], /^error: --server is required/],
      [['sync', '--db', db, '--server', 'ftp://x', '--token', 'x'], /^error: --server must be/],
      [['sync', '--db', db, '--server', 'http://127.0.0.1:1'], /^error: --token is required/],
      [
        ['sync', '--db', db, '--server', 'http://x', '--token', 'x', '--chunk-size', 'ten'],
        /^error: --chunk-size must be a whole number, got "ten"/,
      ],
      [
        ['sync', '--db', db, '--server', 'http://x', '--token', 'x', '--max-attempts', '0'],
        /^error: --max-attempts must be between 1 and 1000, got 0/,
      ],
      [['sync', '--db', db, '--bogus'], /^error: Unknown option '--bogus'/],
      [['sync', '--db'], /^error: Option '--db <value>' argument missing/],
      [['status', '--db', db, 'extra'], /^error: unexpected argument "extra"/],
      [['import', 'a.csv', '--db', db, '--format', 'xml'], /^error: --format must be csv or jsonl/],
      [['help', 'nope'], /^error: unknown command "nope"/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    cases.forEach(([args, message], i) => {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr, args.join(' ')).toContain('usage: npm run cli --');
    });
    expect(existsSync(db)).toBe(false);
  });

  it('--help for every command, on stdout, exit 0', async () => {
    const general = [['--help'], ['help'], ['help', 'sync'], ['sync', '--help']];
    for (const r of await Promise.all(general.map((args) => cli(args)))) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: npm run cli -- /);
      expect(r.stderr).toBe('');
    }
    const commands = ['sync', 'import', 'status', 'conflicts', 'failed'];
    const helps = await Promise.all(commands.map((command) => cli([command, '-h'])));
    commands.forEach((command, i) => {
      const r = helps[i]!;
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`^usage: npm run cli -- ${command} `));
      expect(r.stdout, command).toMatch(/Exit codes:/);
    });
    const sync = helps[0]!;
    for (const flag of [
      '--chunk-size',
      '--backoff-base-ms',
      '--backoff-factor',
      '--max-attempts',
      '--timeout-ms',
      '--max-wait',
      '--no-wait',
      '--json',
    ])
      expect(sync.stdout).toContain(flag);
  });

  it('SIGINT cancels the run cleanly: exit 130, nothing left in flight, the next sync finishes', async () => {
    srv = await server({ seed: 5 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    await importPeople(dir, db, 300);
    fault(srv, { delayResponses: { count: 1000, ms: 250 } });

    const run = spawnCli(syncArgs(srv, db, '--json', '--chunk-size', '20'));
    await until('two chunks settled', () => {
      try {
        return count(db, 'SELECT count(*) AS n FROM outbox') <= 260;
      } catch {
        return false; // the CLI is still creating the file
      }
    });
    process.kill(run.child.pid!, 'SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('Cancelling the sync');
    const summary = parseJson<CliSummary>(r);
    expect(summary.outcome).toBe('cancelled');
    expect(summary.created).toBeGreaterThanOrEqual(40);
    expect(summary.created).toBeLessThan(300);
    expect(count(db, "SELECT count(*) AS n FROM outbox WHERE status = 'in_flight'")).toBe(0);
    expect(query(db, 'SELECT outcome FROM sync_runs')).toEqual([{ outcome: 'cancelled' }]);

    srv.faults.clear();
    const rest = await cli(syncArgs(srv, db, '--json', '--quiet'));
    expect(rest.code, rest.stderr).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM outbox')).toBe(0);
    const names = [...(await serverVisitors(srv)).values()]
      .map((v) => String(v.name))
      .filter((n) => n.startsWith('Person '));
    expect(names).toHaveLength(300);
    expect(new Set(names).size).toBe(300);
  });
});
