import { csvCell } from '../csv-cell';
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

/** The audit trail as CSV, one row per entry; JSON columns stay JSON inside their cell. */
export function auditCsv(entries: Iterable<AuditEntry>): { csv: string; rows: number } {
  const lines = [COLUMNS.join(',')];
  for (const e of entries) lines.push(COLUMNS.map((c) => csvCell(e[c])).join(','));
  return { csv: lines.join('\r\n') + '\r\n', rows: lines.length - 1 };
}
