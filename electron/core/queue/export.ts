import type { QueueItem } from '../../../shared/ipc/queue-contract';
import { CLASS_INFO } from '../../../shared/queue/classify';
import { csvCell } from '../csv-cell';

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
    lines.push(COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(items: readonly QueueItem[], exportedAt: string): string {
  return `${JSON.stringify({ exportedAt, count: items.length, operations: items }, null, 2)}\n`;
}
