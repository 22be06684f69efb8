import type { AuditEntry } from './audit-repo';

const COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'localId',
  'serverId',
  'conflictId',
  'opId',
  'batchId',
  'detail',
  'before',
  'after',
] as const;

/** RFC 4180: quoted when needed, quotes doubled; a leading =,+,-,@ is defused for spreadsheets. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The audit trail as CSV, one row per entry; JSON columns stay JSON inside their cell. */
export function auditCsv(entries: Iterable<AuditEntry>): { csv: string; rows: number } {
  const lines = [COLUMNS.join(',')];
  for (const e of entries) lines.push(COLUMNS.map((c) => csvCell(e[c])).join(','));
  return { csv: lines.join('\r\n') + '\r\n', rows: lines.length - 1 };
}
