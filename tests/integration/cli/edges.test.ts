import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type RunningServer } from '../../../server/index';
import type { SyncSummary } from '../../../shared/ipc/contract';
import {
  STAFF,
  cleanUp,
  cli,
  parseJson,
  server,
  serverVisitors,
  spawnCli,
  syncArgs,
  tempDir,
  until,
  writeFile,
} from './helpers';

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

const people = (n: number) =>
  `name,email\n${Array.from({ length: n }, (_, i) => `Edge ${i},edge${i}@x.org`).join('\n')}\n`;

describe('cli edges', () => {
  it('keeps waiting within --max-wait while a server that answered restarts', async () => {
    const dir = tempDir();
    const serverDb = join(dir, 'server.sqlite');
    srv = await server({ seed: 5, db: serverDb });
    const port = new URL(srv.url).port;
    const db = join(dir, 'console.sqlite');
    const imported = await cli(['import', writeFile(dir, 'p.csv', people(4)), '--db', db]);
    expect(imported.code, imported.stderr).toBe(0);
    srv.faults.set(
      FaultsRequestSchema.parse({
        failRequests: { count: 1, status: 503, retryAfterSeconds: 2, route: 'bulk-sync' },
      }),
    );
    const run = spawnCli(syncArgs(srv, db, '--json', '--max-wait', '60'));
    await until('the first run', () => /Run 1 finished/.test(run.stderr()));
    // Down while the retry waits, back a few seconds later on the same file and port.
    await srv.stop();
    srv = undefined;
    await until(
      'a run against the stopped server',
      () => /did not answer/.test(run.stderr()) || run.child.exitCode !== null,
    );
    srv = await server({ db: serverDb, port: Number(port) });
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<SyncSummary>(r)).toMatchObject({ created: 4, retrying: 0, pending: 0 });
    expect((await serverVisitors(srv)).size).toBe(9);
  });

  it.each([
    ['a line break', 'abc\ndef'],
    ['a zero-width space', 'staff\u200b-token'],
    ['a lone surrogate', 'staff-\ud800token'],
  ])('refuses a token with %s in words, exit 2, no stack trace', async (_what, token) => {
    const dir = tempDir();
    const r = await cli(['sync', '--db', join(dir, 'c.sqlite'), '--server', 'http://127.0.0.1:9'], {
      VISITOR_CONSOLE_TOKEN: token,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the token may contain only letters, digits and punctuation/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a password in the server address', async () => {
    const dir = tempDir();
    const r = await cli([
      'sync',
      '--db',
      join(dir, 'c.sqlite'),
      '--server',
      'http://alice:secret@127.0.0.1:9',
      '--token',
      STAFF,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --server must not contain a user name or password/m);
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root)('a full disk is said in words, not a stack trace', async () => {
    const mnt = mkdtempSync(join(tmpdir(), 'vrc-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', mnt]);
    try {
      const dir = tempDir();
      const r = await cli([
        'import',
        writeFile(dir, 'many.csv', people(20_000)),
        '--db',
        join(mnt, 'c.sqlite'),
      ]);
      expect(r.code).toBe(2);
      // The import says which file stopped, that the disk is full, and how to go on.
      expect(r.stderr).toMatch(/^error: .*many\.csv: The disk is full: .*the import stopped\./m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});
