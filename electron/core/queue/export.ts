import type { ArchiveItem, QueueItem } from '../../../shared/ipc/queue-contract';
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

const ARCHIVE_COLUMNS = [
  'archiveId',
  'opId',
  'action',
  'localId',
  'serverId',
  'visitor',
  'was',
  'class',
  'code',
  'message',
  'attempts',
  'attemptErrors',
  'createdAt',
  'archivedAt',
  'archivedBy',
  'serverName',
  'dependsOn',
  'payload',
] as const;

/** Discarded operations: the payload and every attempt's error, who discarded them and when. */
export function archiveToCsv(items: readonly ArchiveItem[]): string {
  const lines = [ARCHIVE_COLUMNS.join(',')];
  for (const i of items) {
    const row: Record<(typeof ARCHIVE_COLUMNS)[number], string> = {
      archiveId: String(i.id),
      opId: i.opId,
      action: i.action,
      localId: i.localId,
      serverId: i.serverId ?? '',
      visitor: i.visitorName,
      was: i.was,
      class: CLASS_INFO[i.cls].label,
      code: i.code,
      message: i.message,
      attempts: String(i.attempts),
      attemptErrors: JSON.stringify(i.attemptLog),
      createdAt: i.createdAt,
      archivedAt: i.archivedAt,
      archivedBy: i.archivedBy,
      serverName: i.serverName ?? '',
      dependsOn: i.dependsOn ?? '',
      payload: i.data === null ? '' : JSON.stringify(i.data),
    };
    lines.push(ARCHIVE_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function archiveToJson(items: readonly ArchiveItem[], exportedAt: string): string {
  return `${JSON.stringify({ exportedAt, count: items.length, archived: items }, null, 2)}\n`;
}
