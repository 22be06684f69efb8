import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeCore } from '../fixtures/core';
import { makeVisitors } from '../fixtures/visitors';
import { type Benchmark, median } from './harness';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNS = 5;

/**
 * Milliseconds from spawning `command` until it exits or, with `until`, until
 * its standard output matches (then it is stopped).
 */
function startMs(command: string, args: string[], until?: RegExp): Promise<number> {
  return new Promise((done, reject) => {
    const t0 = performance.now();
    // A process group of its own: stopping `npm run server` must stop the server npm
    // started too, which a signal to npm alone left running (six servers a bench run).
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    let took: number | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (until && took === null && until.test(out)) {
        took = performance.now() - t0;
        process.kill(-child.pid!, 'SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (until) return took === null ? reject(new Error(`no match: ${err}`)) : done(took);
      if (code !== 0) return reject(new Error(`${command} exited ${code}: ${err}`));
      done(performance.now() - t0);
    });
  });
}

async function medianOf(fn: () => Promise<number>): Promise<number> {
  await fn(); // the first start builds the bundle when a source changed
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await fn());
  return median(times);
}

/**
 * S1/S2: the start-up of the command-line tool and of the reference server,
 * as people start them (through npm), against starting Node with nothing to
 * do (`node -e 0`) in the same run. The limit (1 s) is on the value itself.
 */
export const benchmarks: Benchmark[] = [
  {
    name: 'start-up of npm run cli and npm run server',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'vrc-bench-'));
      try {
        const db = join(dir, 'visitors.sqlite');
        const core = makeCore({ dbPath: db });
        core.mirror(makeVisitors(1_000, 2));
        core.close();
        const node = await medianOf(() => startMs(process.execPath, ['-e', '0']));
        const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
        const cli = await medianOf(() =>
          startMs(npm, ['run', '-s', 'cli', '--', 'status', '--db', db, '--json']),
        );
        const server = await medianOf(() =>
          startMs(npm, ['run', '-s', 'server', '--', '--port', '0'], /listening on/),
        );
        return [
          {
            id: 'S1-cli',
            name: 'npm run cli -- status: spawn to exit (1 000 visitors)',
            value: cli,
            unit: 'ms',
            baseline: node,
            baselineLabel: 'node -e 0, spawn to exit',
            target: { valueAtMost: 1000 },
          },
          {
            id: 'S2-server',
            name: 'npm run server -- --port 0: spawn to "listening on"',
            value: server,
            unit: 'ms',
            baseline: node,
            baselineLabel: 'node -e 0, spawn to exit',
            target: { valueAtMost: 1000 },
          },
        ];
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
