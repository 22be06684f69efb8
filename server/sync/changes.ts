import type { ChangePage } from '../../shared/protocol';
import { iso } from '../clock';
import type { StoreTx } from '../storage/types';
import { encodeCursor, nextPosition, type FeedPosition } from './cursor';
import { toWireChange } from './records';

export type PageResult = { ok: true; page: ChangePage } | { ok: false; message: string };

/** One page of the change feed, read inside `tx`. */
export async function readChangePage(
  tx: StoreTx,
  from: FeedPosition,
  limit: number,
  syncTimestampMs: () => number,
): Promise<PageResult> {
  const { rows, hasMore, headSeq } = await tx.changes({
    afterSeq: from.afterSeq,
    sinceMs: from.sinceMs,
    limit,
  });
  if (from.afterSeq > headSeq) {
    // A cursor from the future: another server, or this database was reset.
    return {
      ok: false,
      message: `since: cursor is ahead of this server's changes (${from.afterSeq} > ${headSeq}); the server's data was replaced, pull everything again`,
    };
  }
  const last = rows.length > 0 ? rows[rows.length - 1]!.seq : null;
  return {
    ok: true,
    page: {
      visitors: rows.map(toWireChange),
      cursor: encodeCursor(nextPosition(from, last, hasMore, headSeq)),
      hasMore,
      syncTimestamp: iso(syncTimestampMs()),
    },
  };
}
