import type { ConflictKind } from '../../../shared/protocol';
import type { PickKind, Resolution, Strategy } from '../../../shared/resolve/types';
import type { VisitorField } from '../../../shared/visitor';

import { FIELD_LABEL } from '../field-labels';
import { formatNumber } from '../intl';

export { FIELD_LABEL };

export const KIND_LABEL: Record<ConflictKind, string> = {
  field: 'Both edited',
  update_deleted: 'Deleted on server',
  delete_modified: 'We deleted, they edited',
};

export const STRATEGY_LABEL: Record<Strategy, string> = {
  server_wins: 'Theirs (server wins)',
  client_wins: 'Ours (client wins)',
  merge: 'Merge',
  manual: 'Field by field',
};

export const PICK_LABEL: Record<PickKind | 'typed', string> = {
  client: 'Ours',
  server: 'Theirs',
  merged: 'Merged',
  typed: 'Typed',
};

/** A field value as one line of text; "—" for no value. */
export function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  return String(value);
}

export function describeResolution(r: Resolution | null): string {
  if (!r) return '';
  if (r.strategy !== 'manual') return STRATEGY_LABEL[r.strategy];
  const picks = Object.entries(r.picks).map(
    ([f, p]) => `${FIELD_LABEL[f as VisitorField]}: ${PICK_LABEL[p.kind]}`,
  );
  return picks.join(' · ');
}

export const count = (n: number, word: string): string =>
  `${formatNumber(n)} ${word}${n === 1 ? '' : 's'}`;
