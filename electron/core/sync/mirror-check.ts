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
import type { VisitorRecord, VisitorsRepo } from '../visitors/visitors-repo';
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

type Local = VisitorRecord & { localWork: boolean };

const hashOf = (line: string) => createHash('sha256').update(line).digest();

/** What the mirror says the server held: the base of a record with local work, else its values. */
function comparedValues(l: Local): VisitorValues {
  return l.localWork ? (l.base ?? l.values) : l.values;
}

function localRange(l: Local[]): { count: number; hash: string } {
  const h = createHash('sha256');
  for (const r of l) h.update(hashOf(digestLine(r.serverId!, r.serverVersion, comparedValues(r))));
  return { count: l.length, hash: h.digest('hex') };
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

/** Checks the mirror; the server's records of every differing leaf come back for a repair. */
export async function checkMirror(deps: {
  api: ServerApi;
  db: Db;
  visitors: VisitorsRepo;
  signal?: AbortSignal;
  /** After each range; may throw to stop (a cancelled job). */
  onProgress?: (p: CheckProgress) => void | Promise<void>;
}): Promise<{ report: MirrorReport; fetched: Map<string, Visitor> }> {
  const { api, visitors } = deps;
  const differences: MirrorDifference[] = [];
  const fetched = new Map<string, Visitor>();
  let requests = 0;
  let total = 0;
  let done = 0;
  const local = (r: Pick<DigestRange, 'after' | 'until'>) =>
    visitors.mirroredRange(r.after, r.until, Number.MAX_SAFE_INTEGER);
  const queue: Pick<DigestRange, 'after' | 'until'>[] = [{ after: null, until: null }];
  while (queue.length > 0) {
    if (deps.signal?.aborted)
      throw new AppErrorException(appError('cancelled', 'The check was cancelled.'));
    const range = queue.shift()!;
    const res = await api.digest({ ...range, parts: PARTS }, deps.signal);
    requests++;
    if (!res.ok) fail(res.error);
    if (range.after === null && range.until === null)
      total = res.value.ranges.reduce((n, r) => n + r.count, 0);
    for (const r of res.value.ranges) {
      const mine = local(r);
      const ours = localRange(mine);
      if (ours.count === r.count && ours.hash === r.hash) {
        done += r.count;
      } else if (r.count <= LEAF) {
        const leaf = await api.digest(
          { after: r.after, until: r.until, records: true },
          deps.signal,
        );
        requests++;
        if (!leaf.ok) fail(leaf.error);
        const records = leaf.value.records ?? [];
        const found = compareRecords(records, mine);
        differences.push(...found);
        const wanted = new Set(found.map((d) => d.serverId));
        for (const s of records) if (wanted.has(s.id)) fetched.set(s.id, s);
        done += r.count;
      } else queue.push({ after: r.after, until: r.until });
      await deps.onProgress?.({ done, total });
    }
  }
  // SQLite's check of an external-content FTS5 table compares its index with
  // every row of the content table, but the search index (visitors_fts)
  // deliberately leaves out deleted rows, so that part of the check reports
  // them as "corruption". The index is derived data; the records are checked above.
  const integrity = (deps.db.pragma('integrity_check') as { integrity_check: string }[])
    .map((r) => r.integrity_check)
    .filter((s) => s !== 'ok' && !/^fts5: .*visitors_fts/.test(s));
  return {
    report: {
      equal: differences.length === 0 && integrity.length === 0,
      serverRecords: total,
      differences,
      integrity,
      requests,
    },
    fetched,
  };
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
