import { iso } from '../clock';
import type { FeedPoint, StoreTx } from '../storage/types';
import { encodeCursor, nextPoint, pointOf, positionAt, type FeedPosition } from './cursor';
import { toWireChange } from './records';

/**
 * One page of the change feed, bounded by count AND by bytes: a page of
 * 10 000 records of 100 KB each would be a gigabyte of JSON (V8 cannot even
 * make such a string). The page ends early with `hasMore: true` once the next
 * record would pass the byte budget; it always carries at least one record.
 *
 * Records are serialized one by one as they are read, so the page's JSON is
 * built once, without a second JSON.stringify over the whole page.
 */

export interface PageLimits {
  /** Most records (the request's `limit`). */
  limit: number;
  /** Most bytes of the page's JSON. */
  maxBytes: number;
}

export interface PageJson {
  /** The page as JSON text: { visitors, cursor, hasMore, syncTimestamp }. */
  json: string;
  count: number;
  hasMore: boolean;
  cursor: string;
}

export type PageResult = { ok: true; page: PageJson } | { ok: false; message: string };

/** Rows are read in batches of at most this many, so a large `limit` never loads more than the budget. */
const BATCH = 500;
/** Room for the envelope around the records ("cursor", "hasMore", "syncTimestamp"). */
const ENVELOPE_BYTES = 256;

export async function readChangePage(
  tx: StoreTx,
  from: FeedPosition,
  limits: PageLimits,
  syncTimestampMs: () => number,
): Promise<PageResult> {
  const parts: string[] = [];
  let bytes = ENVELOPE_BYTES;
  let after: FeedPoint = pointOf(from);
  let lastRow: FeedPoint | null = null;
  let head: FeedPoint = after;
  let hasMore = false;
  for (let first = true; parts.length < limits.limit; first = false) {
    const batch = await tx.changes({
      after,
      sinceMs: from.sinceMs,
      limit: Math.min(BATCH, limits.limit - parts.length),
    });
    if (first && batch.ahead) {
      // A cursor from the future: another server, or this database was reset.
      return {
        ok: false,
        message: `since: cursor ${encodeCursor(from)} is ahead of this server's changes; the server's data was replaced, pull everything again`,
      };
    }
    head = batch.head;
    let full = false;
    for (const row of batch.rows) {
      const json = JSON.stringify(toWireChange(row));
      const size = Buffer.byteLength(json) + 1;
      if (parts.length > 0 && bytes + size > limits.maxBytes) {
        full = true;
        break;
      }
      parts.push(json);
      bytes += size;
      lastRow = row.tx === undefined ? { seq: row.seq } : { tx: row.tx, seq: row.seq };
    }
    if (full) {
      hasMore = true;
      break;
    }
    hasMore = batch.hasMore;
    if (!batch.hasMore || lastRow === null) break;
    after = lastRow;
  }
  const cursor = encodeCursor(
    positionAt(nextPoint(pointOf(from), lastRow, hasMore, head), from.sinceMs),
  );
  const json =
    `{"visitors":[${parts.join(',')}],"cursor":${JSON.stringify(cursor)},` +
    `"hasMore":${hasMore},"syncTimestamp":"${iso(syncTimestampMs())}"}`;
  return { ok: true, page: { json, count: parts.length, hasMore, cursor } };
}
