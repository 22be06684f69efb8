import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, rmdirSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small disk of its own for the client database: a tmpfs mounted on a
 * directory of the run, and a filler file that takes all of it but a few KB
 * at the moment the fault chooses. Mounting needs root (CAP_SYS_ADMIN), as the
 * test machines and CI give; without it the fault fails and says why, rather
 * than passing without a full disk.
 */
export interface Tmpfs {
  path: string;
  /** Bytes still free for the files on it. */
  free(): number;
  /** Grows the filler until only about `leaveBytes` are free; returns what is free then. */
  fill(leaveBytes: number): number;
  /** Removes the filler: the space is back. */
  unfill(): void;
  /** Unmounts (lazily, should a process still hold a file there) and removes the directory. */
  unmount(): void;
}

const FILLER = '.filler';

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as Error & { stderr?: Buffer };
    const said = e.stderr?.toString().trim() || e.message;
    throw new Error(`${cmd} ${args.join(' ')} failed: ${said}`);
  }
}

export function mountTmpfs(path: string, bytes: number): Tmpfs {
  mkdirSync(path, { recursive: true });
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', path]);
  } catch (err) {
    rmdirSync(path);
    const who = process.getuid?.() === 0 ? 'root' : `uid ${process.getuid?.() ?? '?'}`;
    throw new Error(
      `the client's disk-full fault needs a small tmpfs and could not mount one: mounting takes ` +
        `root with CAP_SYS_ADMIN, and this runs as ${who}: ${(err as Error).message}`,
    );
  }
  const filler = join(path, FILLER);
  const free = () => {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  };
  return {
    path,
    free,
    fill(leaveBytes) {
      const fd = openSync(filler, 'a');
      const block = Buffer.alloc(64 * 1024, 0x5a);
      try {
        for (let room = free() - leaveBytes; room > 0; room = free() - leaveBytes) {
          try {
            writeSync(fd, block, 0, Math.min(block.length, room));
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      } finally {
        closeSync(fd);
      }
      return free();
    },
    unfill() {
      rmSync(filler, { force: true });
    },
    unmount() {
      run('umount', ['-l', path]);
      rmdirSync(path);
    },
  };
}
