import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * The reference server in a process of its own, started as `npm run server`
 * starts it (the compiled bundle), so its CPU is not the bench's. Resolves
 * once it prints `listening on …`.
 */
export function startServerProcess(args: string[], token: string): Promise<ServerProcess> {
  return new Promise((done, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [
        'scripts/run-compiled.mjs',
        'server',
        'server/cli.ts',
        '--port',
        '0',
        '--log-level',
        'warn',
        ...args,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, VISITOR_SYNC_TOKENS: `${token}:admin` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m)
        done({
          url: m[1]!,
          stop: () =>
            new Promise<void>((stopped) => {
              if (child.exitCode !== null) return stopped();
              child.once('exit', () => stopped());
              child.kill('SIGTERM');
            }),
        });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err.slice(-500)}`)));
  });
}
