import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** The CLI as a user runs it: `npx tsx server/cli.ts …`, on 127.0.0.1. */

const ROOT = resolve(__dirname, '../../..');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    // Our own process group (detached), by id.
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
});

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exit: Promise<number | null>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const base = { ...process.env };
  delete base.VISITOR_SYNC_TOKENS;
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...base, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  let buffered = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    stdout.push(...lines);
    waiters.forEach((w) => w());
  });
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    stdout,
    stderr,
    exit,
    waitFor(re, timeoutMs = 30_000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `timed out waiting for ${re}; stdout: ${stdout.join('\n')}; stderr: ${stderr.join('')}`,
              ),
            ),
          timeoutMs,
        );
        const check = () => {
          for (const line of stdout) {
            const m = re.exec(line);
            if (m) {
              clearTimeout(timer);
              resolvePromise(m);
              return;
            }
          }
        };
        waiters.push(check);
        void exit.then(() => {
          clearTimeout(timer);
          check();
          reject(
            new Error(
              `exited before ${re}; stdout: ${stdout.join('\n')}; stderr: ${stderr.join('')}`,
            ),
          );
        });
        check();
      });
    },
  };
}

const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

describe('npm run server (server/cli.ts)', () => {
  it('npx tsx server/cli.ts --port 0 --db :memory: --seed 10: prints the token and listening line, serves, stops on SIGTERM', async () => {
    const cli = run('npx', [
      'tsx',
      'server/cli.ts',
      '--port',
      '0',
      '--db',
      ':memory:',
      '--seed',
      '10',
    ]);
    const [, url] = await cli.waitFor(/^listening on (http:\/\/127\.0\.0\.1:(\d+))$/);
    const [, token] = await cli.waitFor(/^development token \(admin\): (\S+) /);
    expect(cli.stdout.filter((l) => l.startsWith('listening on '))).toHaveLength(1);
    const headers = { authorization: `Bearer ${token}` };
    expect(await (await fetch(`${url}/api/me`, { headers })).json()).toEqual({
      role: 'admin',
      name: 'development',
    });
    const page = (await (await fetch(`${url}/api/visitors/changes`, { headers })).json()) as {
      visitors: unknown[];
    };
    expect(page.visitors).toHaveLength(10);
    process.kill(-cli.child.pid!, 'SIGTERM');
    await cli.exit;
  });

  it('exits 0 after SIGINT/SIGTERM with VISITOR_SYNC_TOKENS and the simulator', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const cli = run(
        TSX,
        ['server/cli.ts', '--port', '0', '--seed', '30', '--seed-value', '3', '--simulate', '10'],
        {
          VISITOR_SYNC_TOKENS: 'cli-staff-token:staff,cli-admin-token:admin',
        },
      );
      const [, url] = await cli.waitFor(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/);
      expect(cli.stdout.some((l) => l.startsWith('development token'))).toBe(false);
      const stats = (await (
        await fetch(`${url}/api/admin/stats`, {
          headers: { authorization: 'Bearer cli-admin-token' },
        })
      ).json()) as { stats: { tombstones: number; visitors: number } };
      expect(stats.stats).toMatchObject({ tombstones: 1, visitors: 30 }); // 10 edits, 1 delete, 1 create
      expect(
        (
          await fetch(`${url}/api/admin/stats`, {
            headers: { authorization: 'Bearer cli-staff-token' },
          })
        ).status,
      ).toBe(403);
      cli.child.kill(signal);
      expect(await cli.exit).toBe(0);
    }
  });

  it.each([
    [['--port', 'eighty'], /--port: must be an integer/],
    [['--frobnicate'], /frobnicate/],
    [['--seed', 'ten'], /--seed: must be an integer/],
  ])('bad arguments %j: a clear message and exit code 2', async (args, message) => {
    const cli = run(TSX, ['server/cli.ts', ...args]);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr.join('')).toMatch(message);
    expect(cli.stderr.join('')).toMatch(/usage: npm run server/);
  });

  it('a bad VISITOR_SYNC_TOKENS is exit code 2', async () => {
    const cli = run(TSX, ['server/cli.ts', '--port', '0'], { VISITOR_SYNC_TOKENS: 'tiny:staff' });
    expect(await cli.exit).toBe(2);
    expect(cli.stderr.join('')).toMatch(/VISITOR_SYNC_TOKENS entry 1/);
  });

  it('a port in use is exit code 1 with the reason', async () => {
    const first = run(TSX, ['server/cli.ts', '--port', '0']);
    const [, port] = await first.waitFor(/^listening on http:\/\/127\.0\.0\.1:(\d+)$/);
    const second = run(TSX, ['server/cli.ts', '--port', port!]);
    expect(await second.exit).toBe(1);
    expect(second.stderr.join('')).toMatch(/EADDRINUSE/);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
  });
});
