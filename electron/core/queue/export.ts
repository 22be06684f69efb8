import type { QueueItem } from '../../../shared/queue/queue-schemas';
import { CLASS_INFO } from '../../../shared/queue/classify';

/** Failed and retrying operations as files an admin can hand to the server team. */

const COLUMNS = [
  'opId',
  'status',
  'class',
  'code',
  'message',
  'action',
  'localId',
  'serverId',
  'visitor',
  'attempts',
  'firstAttemptAt',
  'lastAttemptAt',
  'nextAttemptAt',
  'createdAt',
  'payload',
] as const;

/** RFC 4180: quoted when needed, quotes doubled; a leading = + - @ is defused for spreadsheets. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(items: readonly QueueItem[]): string {
  const lines = [COLUMNS.join(',')];
  for (const i of items) {
    const row: Record<(typeof COLUMNS)[number], string> = {
      opId: i.opId,
      status: i.status,
      class: CLASS_INFO[i.cls].label,
      code: i.code,
      message: i.message,
      action: i.action,
      localId: i.localId,
      serverId: i.serverId ?? '',
      visitor: i.visitorName,
      attempts: String(i.attempts),
      firstAttemptAt: i.firstAttemptAt ?? '',
      lastAttemptAt: i.lastAttemptAt ?? '',
      nextAttemptAt: i.nextAttemptAt ?? '',
      createdAt: i.createdAt,
      payload: i.data === null ? '' : JSON.stringify(i.data),
    };
    lines.push(COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(items: readonly QueueItem[], exportedAt: string): string {
  return `${JSON.stringify({ exportedAt, count: items.length, operations: items }, null, 2)}\n`;
}
