import { createHash } from 'node:crypto';
import {
  DIGEST_MAX_PARTS,
  DIGEST_MAX_RECORDS,
  digestLine,
  type DigestRange,
  type DigestResponse,
} from '../../shared/digest';
import type { RequestContext } from '../app';
import { badRequest } from '../http/errors';
import { sendJson } from '../http/respond';
import type { StoredVisitor } from '../storage/types';
import { toWireVisitor } from '../sync/records';
import { storeUnavailable } from './bulk-sync';

const PAGE = 5_000;

export interface DigestQuery {
  after?: string | undefined;
  until?: string | undefined;
  parts?: string | undefined;
  records?: string | undefined;
}

/**
 * GET /api/visitors/digest (docs/protocol.md, ext): hashes over ranges of the
 * live records so a client can find what its mirror lacks or holds wrong
 * without downloading everything; with records=1, the records of a small range.
 */
export async function handleDigest(
  { app, reply }: RequestContext,
  query: DigestQuery,
): Promise<void> {
  const parts = query.parts === undefined ? 16 : Number(query.parts);
  if (!Number.isInteger(parts) || parts < 1 || parts > DIGEST_MAX_PARTS)
    throw badRequest(`parts: must be a whole number from 1 to ${DIGEST_MAX_PARTS}`);
  if (query.records !== undefined && query.records !== '1' && query.records !== '0')
    throw badRequest('records: must be 1 or 0');
  const after = query.after ?? null;
  const until = query.until ?? null;
  if (after !== null && until !== null && until <= after)
    throw badRequest('until: must come after "after"');
  const wantRecords = query.records === '1';
  const scanned = await app.store
    .read(async (tx) => {
      if (!tx.liveRange) throw new Error('this storage cannot scan by id');
      const out: StoredVisitor[] | { id: string; hash: Buffer }[] = [];
      for (let from = after; ;) {
        const page = await tx.liveRange(from, PAGE);
        for (const r of page) {
          if (until !== null && r.id > until) return out;
          if (wantRecords) {
            if (out.length >= DIGEST_MAX_RECORDS) return null;
            (out as StoredVisitor[]).push(r);
          } else
            (out as { id: string; hash: Buffer }[]).push({
              id: r.id,
              hash: createHash('sha256')
                .update(digestLine(r.id, r.version, r.values))
                .digest(),
            });
        }
        if (page.length < PAGE) return out;
        from = page.at(-1)!.id;
      }
    })
    .catch(storeUnavailable);
  if (scanned === null)
    throw badRequest(
      `records: the range holds more than ${DIGEST_MAX_RECORDS} records; ask for parts`,
    );
  if (wantRecords) {
    const records = scanned as StoredVisitor[];
    const body: DigestResponse = {
      ranges: [
        rangeOf(
          after,
          until,
          records.map((r) => lineHash(r)),
        ),
      ],
      records: records.map((r) => toWireVisitor(r)),
    };
    sendJson(reply, 200, body);
    return;
  }
  const hashed = scanned as { id: string; hash: Buffer }[];
  const n = hashed.length;
  const k = Math.max(1, Math.min(parts, n));
  const ranges: DigestRange[] = [];
  let lower = after;
  for (let i = 0; i < k; i++) {
    const slice = hashed.slice(Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k));
    // The last range reaches to the request's end, so ids only the client holds fall in one.
    const upper = i === k - 1 ? until : slice.at(-1)!.id;
    ranges.push(
      rangeOf(
        lower,
        upper,
        slice.map((x) => x.hash),
      ),
    );
    lower = upper;
  }
  sendJson(reply, 200, { ranges } satisfies DigestResponse);
}

function lineHash(r: StoredVisitor): Buffer {
  return createHash('sha256')
    .update(digestLine(r.id, r.version, r.values))
    .digest();
}

function rangeOf(after: string | null, until: string | null, hashes: Buffer[]): DigestRange {
  const h = createHash('sha256');
  for (const x of hashes) h.update(x);
  return { after, until, count: hashes.length, hash: h.digest('hex') };
}
