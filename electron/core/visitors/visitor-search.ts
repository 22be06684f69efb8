import type { VisitorFilter } from '../../../shared/ipc/visitors-contract';

/** At most this many words of a search are used (each one narrows the result). */
const MAX_TERMS = 8;

/**
 * The person's search text as an FTS5 query over visitors_fts: every word
 * (letters and digits, as the unicode61 tokenizer splits them) as a prefix,
 * all of them required, in any field. "ann lab" finds "Ann Lee, Innovation
 * Labs"; "555 01" finds "+1 555 0100"; "ann@x" finds "ann@x.org". Quoting
 * each term makes FTS5's own syntax (AND, NEAR, *, :) plain text. Null when
 * the text holds no word at all (only punctuation): then there is no search.
 */
export function ftsQuery(text: string): string | null {
  const terms = text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t}"*`).join(' ');
}

/** rowids of the visitors whose text matches @fts; for `v.rowid IN (…)`. */
export const FTS_MATCH = `SELECT rowid FROM visitors_fts WHERE visitors_fts MATCH @fts`;

/** The same search for tables keyed by local_id (the workspace's conflicts, the queue's operations). */
export const FTS_LOCAL_IDS = `SELECT local_id FROM visitors WHERE rowid IN (${FTS_MATCH})`;

/**
 * The WHERE parts and parameters of a visitors query: the text search, the
 * sync state (synced, pending, conflict, failed), the capture method and the
 * capture date range (compared as instants, whatever offset each was typed with).
 */
export function visitorWhere(
  search: string,
  filter: VisitorFilter,
  /**
   * Many matches: walk the sort's index and test each row against the matches
   * (the first page is found early); few: fetch the matches and sort them.
   * The unary + keeps SQLite from driving the query by the match list.
   */
  manyMatches = false,
): { parts: string[]; params: Record<string, unknown>; key: string } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  const key: string[] = [];
  const fts = ftsQuery(search);
  if (fts) {
    parts.push(`${manyMatches ? '+' : ''}v.rowid IN (${FTS_MATCH})`);
    params.fts = fts;
    key.push(manyMatches ? 'Q' : 'q');
  }
  switch (filter.syncState) {
    case 'synced':
      parts.push(
        `v.dirty = 0 AND v.server_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.local_id = v.local_id AND c.status = 'open')`,
      );
      break;
    case 'pending':
      parts.push(
        `EXISTS (SELECT 1 FROM outbox o WHERE o.local_id = v.local_id AND o.status IN ('pending', 'in_flight', 'retrying'))`,
      );
      break;
    case 'conflict':
      parts.push(
        `EXISTS (SELECT 1 FROM conflicts c WHERE c.local_id = v.local_id AND c.status = 'open')`,
      );
      break;
    case 'failed':
      parts.push(
        `EXISTS (SELECT 1 FROM outbox o WHERE o.local_id = v.local_id AND o.status = 'failed')`,
      );
      break;
  }
  if (filter.syncState) key.push(`s:${filter.syncState}`);
  if (filter.captureMethod !== undefined) {
    parts.push('v.capture_method = @capture_method');
    params.capture_method = filter.captureMethod;
    key.push('m');
  }
  if (filter.capturedFrom !== undefined) {
    parts.push('julianday(v.captured_at) >= julianday(@captured_from)');
    params.captured_from = filter.capturedFrom;
    key.push('f');
  }
  if (filter.capturedTo !== undefined) {
    parts.push('julianday(v.captured_at) < julianday(@captured_to)');
    params.captured_to = filter.capturedTo;
    key.push('t');
  }
  return { parts, params, key: key.join(',') };
}
