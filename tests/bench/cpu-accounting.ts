import { existsSync, readFileSync, readdirSync } from 'node:fs';

/**
 * CPU seconds spent by processes, read from Linux's /proc, so a benchmark can
 * say where the machine's time went (per component, per 1 000 operations)
 * instead of only how long it took: on a shared 2-core machine the wall clock
 * depends on what else runs, the CPU cost per operation hardly does.
 * Elsewhere (no /proc) every reading is null and the benchmark leaves these
 * figures out.
 */

/** Clock ticks per second of /proc's times (USER_HZ, 100 on every Linux build in use). */
const TICKS = 100;

export const cpuAccountingAvailable = existsSync('/proc/self/stat') && existsSync('/proc/stat');

interface ProcTimes {
  ppid: number;
  /** utime + stime, seconds. */
  own: number;
  /** cutime + cstime: children that exited and were waited for, seconds. */
  reaped: number;
}

function procTimes(pid: number): ProcTimes | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(f[1]),
    own: (Number(f[11]) + Number(f[12])) / TICKS,
    reaped: (Number(f[13]) + Number(f[14])) / TICKS,
  };
}

/** CPU seconds of one process so far (all its threads), or 0 once it is gone. */
export function processCpu(pid: number): number {
  return procTimes(pid)?.own ?? 0;
}

/**
 * CPU seconds of a process and all its children so far, exited children
 * included (their time is added to the parent when it reaps them): a
 * PostgreSQL postmaster and its backends.
 */
export function processTreeCpu(pid: number): number {
  const root = procTimes(pid);
  if (!root) return 0;
  let total = root.own + root.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procTimes(Number(entry));
    if (child && child.ppid === pid) total += child.own;
  }
  return total;
}

/** Busy and total CPU seconds of the whole machine so far (all cores, iowait counted idle). */
export function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
  const n = fields.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = n[3]! + n[4]!;
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}
