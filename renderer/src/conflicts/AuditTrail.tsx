import { useEffect, useState } from 'react';
import type { AuditEntryView } from '../../../shared/ipc/conflicts-contract';
import type { Resolution } from '../../../shared/resolve/types';
import { changedFields } from '../../../shared/diff';
import { VisitorValuesSchema, type VisitorField } from '../../../shared/visitor';
import { getApi } from '../api';
import { describeResolution, FIELD_LABEL, show } from './format';
import { formatDateTime } from '../intl';

const ACTION_LABEL: Record<string, string> = {
  resolve: 'Resolved',
  undo_resolve: 'Undone',
  discard: 'Discarded',
  retry: 'Retried',
  edit_retry: 'Edited and retried',
  export: 'Exported',
  purge: 'Purged',
  archive_exported: 'Archived after export',
  to_conflict: 'Turned into a conflict',
  restore: 'Restored from the archive',
  archive_export: 'Archive exported',
  archive_purge: 'Purged from the archive',
};

/** What an entry changed, in words: the decision taken and the fields it changed. */
function summary(a: AuditEntryView): string {
  const detail = a.detail as { resolution?: Resolution } | null;
  const decision = detail?.resolution ? describeResolution(detail.resolution) : '';
  const before = VisitorValuesSchema.safeParse(a.before);
  if (a.after === 'deleted') return [decision, 'visitor removed'].filter(Boolean).join(' · ');
  const after = VisitorValuesSchema.safeParse(a.after);
  if (!before.success || !after.success) return decision;
  const fields = changedFields(before.data, after.data).map(
    (f: VisitorField) => `${FIELD_LABEL[f]}: ${show(before.data[f])} → ${show(after.data[f])}`,
  );
  return [decision, ...fields].filter(Boolean).join(' · ');
}

/** The audit trail of one visitor (newest first), kept fresh as decisions are taken. */
export function AuditTrail({ localId }: { localId: string }) {
  const [state, setState] = useState<{ localId: string; entries: AuditEntryView[] } | null>(null);
  useEffect(() => {
    const api = getApi();
    const load = () =>
      api.invoke('audit:forVisitor', { localId }).then(
        (entries) => setState({ localId, entries }),
        () => undefined,
      );
    void load();
    const offs = [
      api.on('conflicts:changed', () => void load()),
      api.on('outbox:changed', () => void load()),
    ];
    return () => offs.forEach((off) => off());
  }, [localId]);
  const entries = state?.localId === localId ? state.entries : [];
  if (entries.length === 0) return null;
  return (
    <section className="audit-list" aria-label="Decision history">
      <h3>Decision history</h3>
      <ul>
        {entries.map((a) => (
          <li key={a.id} data-testid="audit-entry">
            <time dateTime={a.at}>{formatDateTime(a.at, { seconds: true, zone: true })}</time> ·{' '}
            {a.actor} · <b>{ACTION_LABEL[a.action] ?? a.action}</b>
            {summary(a) ? ` · ${summary(a)}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
