import { createHash } from 'node:crypto';
import { appError, AppErrorException } from '../../../shared/errors';
import {
  digestLine,
  type DigestRange,
  type MirrorDifference,
  type MirrorReport,
} from '../../../shared/digest';
import { toValues, type Visitor, type VisitorValues } from '../../../shared/visitor';
import type { Db } from '../db/open';
import { StepSize, type StepSizeOptions } from '../jobs/step-size';
import type { VisitorRecord, VisitorsRepo } from '../visitors/visitors-repo';
import { integrityInWorker, type IntegrityCheck } from './integrity-check';
import { mergePulled } from './merge-pulled';
import type { ApiFailure, ServerApi } from './server-api';

/**
 * Check and repair of the mirror against the server, without downloading
 * everything: the server hashes ranges of its records (GET
 * /api/visitors/digest), the console hashes the same ranges of its mirror,
 * and only ranges that differ are narrowed down, until they are small enough
 * to compare record by record. A record with local work (a pending operation,
 * an open conflict) is compared by the server version it was based on, so
 * local work never counts as damage.
 */

export type { MirrorDifference, MirrorReport };

export interface CheckProgress {
  /** Server records whose range is settled (matched or compared one by one). */
  done: number;
  total: number;
}

/** Ranges at most this big are compared record by record. */
const LEAF = 400;
const PARTS = 16;
/**
 * Records of the mirror read and hashed per step, sized by time (see
 * StepSize): a range is read a page at a time with progress between, as one
 * of the first sixteen ranges of a 200 000-record mirror (12 500 records,
 * their local work looked up) took 0.6 to 1.3 s at once on a loaded machine.
 */
export const HASH_STEP: StepSizeOptions = { first: 500, min: 100, max: 20_000 };
/** While the check waits (the server, SQLite's integrity_check), progress is reported this often. */
const WAIT_TICK_MS = 50;

type Local = VisitorRecord & { localWork: boolean };

const hashOf = (line: string) => createHash('sha256').update(line).digest();

/** What the mirror says the server held: the base of a record with local work, else its values. */
function comparedValues(l: Local): VisitorValues {
  return l.localWork ? (l.base ?? l.values) : l.values;
}

/**
 * The mirror's side of a digest range, hashed a page at a time: one step
 * each, with `progress` before each. The records come back too while they
 * are few enough to be a leaf (null past that).
 */
async function localRange(
  visitors: VisitorsRepo,
  range: Pick<DigestRange, 'after' | 'until'>,
  step: StepSize,
  progress: () => Promise<void>,
): Promise<{ count: number; hash: string; records: Local[] | null }> {
  const h = createHash('sha256');
  let count = 0;
  let records: Local[] | null = [];
  let after = range.after;
  for (;;) {
    await progress();
    const size = step.size;
    const page = step.time(() => {
      const rows = visitors.mirroredRange(after, range.until, size);
      for (const r of rows)
        h.update(hashOf(digestLine(r.serverId!, r.serverVersion, comparedValues(r))));
      return rows;
    });
    step.end(page.length);
    count += page.length;
    if (records) records = count <= LEAF ? records.concat(page) : null;
    if (page.length < size) break;
    after = page[page.length - 1]!.serverId;
  }
  return { count, hash: h.digest('hex'), records };
}

/** Awaits `work`, calling `tick` about every WAIT_TICK_MS meanwhile (it may throw to stop). */
async function waiting<T>(work: Promise<T>, tick?: () => Promise<void>): Promise<T> {
  if (!tick) return work;
  work.catch(() => undefined); // a throw from tick leaves it unawaited
  const beat = Symbol('beat');
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const r = await Promise.race([
        work,
        new Promise<typeof beat>((resolve) => {
          timer = setTimeout(resolve, WAIT_TICK_MS, beat);
        }),
      ]);
      if (r !== beat) return r as T;
    } finally {
      clearTimeout(timer);
    }
    await tick();
  }
}

/** One leaf, record by record; local work is not damage unless the server is behind it. */
export function compareRecords(
  server: readonly Visitor[],
  local: readonly Local[],
): MirrorDifference[] {
  const out: MirrorDifference[] = [];
  const mine = new Map(local.map((l) => [l.serverId!, l]));
  for (const s of server) {
    const l = mine.get(s.id);
    mine.delete(s.id);
    const sv = s.version ?? null;
    if (!l) {
      out.push({
        serverId: s.id,
        localId: null,
        kind: 'missing_here',
        localVersion: null,
        serverVersion: sv,
        localWork: false,
      });
      continue;
    }
    const base = {
      serverId: s.id,
      localId: l.localId,
      localVersion: l.serverVersion,
      serverVersion: sv,
      localWork: l.localWork,
    };
    // Changed on the server since the local edit was based on it: the next sync merges it.
    if (l.localWork && sv !== null && l.serverVersion !== null && sv > l.serverVersion) continue;
    if (sv !== l.serverVersion) out.push({ ...base, kind: 'different_version' });
    else if (digestLine(s.id, sv, toValues(s)) !== digestLine(s.id, sv, comparedValues(l)))
      out.push({ ...base, kind: 'different_values' });
  }
  for (const l of mine.values()) {
    // Deleted on the server while edited here: the push reports it as a conflict.
    if (l.localWork) continue;
    out.push({
      serverId: l.serverId!,
      localId: l.localId,
      kind: 'missing_there',
      localVersion: l.serverVersion,
      serverVersion: null,
      localWork: false,
    });
  }
  return out;
}

function fail(error: ApiFailure): never {
  throw new AppErrorException(appError(error.code, error.message, error.retryable));
}

/**
 * Checks the mirror; the server's records of every differing leaf come back
 * for a repair. SQLite's integrity_check runs meanwhile on a thread of its own
 * (integrity-check.ts). Progress is reported between the steps of the local
 * hashing and, while the check waits for the server or for integrity_check,
 * about every 50 ms; a throw from it stops the check, and the integrity_check
 * with it.
 */
export async function checkMirror(deps: {
  api: ServerApi;
  db: Db;
  visitors: VisitorsRepo;
  signal?: AbortSignal;
  /** Called often (see above), with the same numbers until a range settles; may throw to stop. */
  onProgress?: (p: CheckProgress) => void | Promise<void>;
  /** The bounds of the hashing's steps (default HASH_STEP; tests narrow them or give a clock). */
  hashing?: StepSizeOptions;
  /** How integrity_check runs (default: in a worker thread). */
  integrity?: IntegrityCheck;
}): Promise<{ report: MirrorReport; fetched: Map<string, Visitor> }> {
  const { api, visitors } = deps;
  const differences: MirrorDifference[] = [];
  const fetched = new Map<string, Visitor>();
  let requests = 0;
  let total = 0;
  let done = 0;
  const progress = deps.onProgress && (async () => void (await deps.onProgress!({ done, total })));
  const tick = progress ?? (() => Promise.resolve());
  const step = new StepSize(deps.hashing ?? HASH_STEP);
  // A stop (a cancel, a failure) also abandons the request under way.
  const stop = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, stop.signal]) : stop.signal;
  const integrity = (deps.integrity ?? integrityInWorker)(deps.db);
  let finished = false;
  try {
    const queue: Pick<DigestRange, 'after' | 'until'>[] = [{ after: null, until: null }];
    while (queue.length > 0) {
      if (deps.signal?.aborted)
        throw new AppErrorException(appError('cancelled', 'The check was cancelled.'));
      const range = queue.shift()!;
      const res = await waiting(api.digest({ ...range, parts: PARTS }, signal), progress);
      requests++;
      if (!res.ok) fail(res.error);
      if (range.after === null && range.until === null)
        total = res.value.ranges.reduce((n, r) => n + r.count, 0);
      for (const r of res.value.ranges) {
        const ours = await localRange(visitors, r, step, tick);
        if (ours.count === r.count && ours.hash === r.hash) {
          done += r.count;
        } else if (r.count <= LEAF) {
          const leaf = await waiting(
            api.digest({ after: r.after, until: r.until, records: true }, signal),
            progress,
          );
          requests++;
          if (!leaf.ok) fail(leaf.error);
          const records = leaf.value.records ?? [];
          // More records here than a leaf holds (the server's are few): read them whole.
          const mine =
            ours.records ?? visitors.mirroredRange(r.after, r.until, Number.MAX_SAFE_INTEGER);
          const found = compareRecords(records, mine);
          differences.push(...found);
          const wanted = new Set(found.map((d) => d.serverId));
          for (const s of records) if (wanted.has(s.id)) fetched.set(s.id, s);
          done += r.count;
        } else queue.push({ after: r.after, until: r.until });
        await tick();
      }
    }
    const problems = await waiting(integrity.result, progress);
    finished = true;
    return {
      report: {
        equal: differences.length === 0 && problems.length === 0,
        serverRecords: total,
        differences,
        integrity: problems,
        requests,
      },
      fetched,
    };
  } finally {
    if (!finished) {
      integrity.stop();
      stop.abort();
    }
  }
}

/**
 * Re-pulls only the records that differ, in one transaction: a record with no
 * local work takes the server's copy (or goes, when the server has none); one
 * with local work keeps its values and operations and takes the server's copy
 * as its base. Returns how many records were written or removed.
 */
export function repairMirror(
  deps: { db: Db; visitors: VisitorsRepo; at: string },
  differences: readonly MirrorDifference[],
  fetched: ReadonlyMap<string, Visitor>,
): number {
  const { visitors, at } = deps;
  let changed = 0;
  deps.db.transaction(() => {
    for (const d of differences) {
      const s = fetched.get(d.serverId);
      const l = d.localId ? visitors.get(d.localId) : undefined;
      const localWork = d.localWork;
      if (d.kind === 'missing_there') {
        if (l && !localWork) {
          visitors.remove(l.localId);
          changed++;
        }
        continue;
      }
      if (!s) continue;
      if (!l || !localWork) {
        visitors.upsertSynced(l?.localId ?? s.id, s, at);
      } else {
        const pulled = toValues(s);
        visitors.mergePulled(
          l.localId,
          {
            values: mergePulled(l.values, l.base ?? l.values, pulled),
            base: pulled,
            version: s.version ?? null,
            lastModified: s.lastModified,
          },
          at,
        );
      }
      changed++;
    }
  })();
  return changed;
}
