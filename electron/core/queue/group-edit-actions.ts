import { fail } from '../../../shared/errors';
import type { GroupEditPreview, QueueTarget } from '../../../shared/ipc/queue-contract';
import {
  applyFieldEdit,
  describeFieldEdit,
  type FieldEdit,
} from '../../../shared/queue/group-edit';
import { validatePayloadEdit } from '../../../shared/queue/payload-edit';
import type { AuditRepo } from '../audit/audit-repo';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { OutboxRepo } from '../outbox/outbox-repo';
import type { Repos } from '../repos';
import type { Actor, QueueActions } from './queue-actions';
import type { QueueRef } from './queue-repo';

const SAMPLES = 5;
const INVALID_SAMPLES = 5;

type Done = ReturnType<QueueActions['result']>;

interface Planned {
  ref: QueueRef;
  seq: number;
  visitorName: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

interface Plan {
  preview: GroupEditPreview;
  changes: Planned[];
}

/**
 * A find-and-replace or a set-value on one field across a whole failure
 * group. The plan is computed once and used twice: the preview shows its
 * counts and samples, and the write (in one transaction) recomputes the same
 * plan and refuses if any payload fails the wire's schema, so nothing invalid
 * is ever written. Only operations that may be edited in place are touched
 * (the same rule as a single edit: none that may have reached the server).
 */
export class GroupEditActions {
  private readonly db: Db;
  private readonly outbox: OutboxRepo;
  private readonly audit: AuditRepo;

  constructor(
    repos: Repos,
    private readonly actions: QueueActions,
    private readonly clock: Clock,
  ) {
    ({ db: this.db, outbox: this.outbox, audit: this.audit } = repos);
  }

  private plan(target: QueueTarget, edit: FieldEdit): Plan {
    const { refs } = this.actions.resolve(target);
    const notEditable = new Map<string, number>();
    const invalidSamples: GroupEditPreview['invalidSamples'] = [];
    const changes: Planned[] = [];
    let unchanged = 0;
    let invalid = 0;
    for (const ref of refs) {
      const detail = this.actions.detail(ref.opId);
      if (!detail.editable || ref.seq === null) {
        const reason = detail.notEditableReason ?? 'It cannot be edited.';
        notEditable.set(reason, (notEditable.get(reason) ?? 0) + 1);
        continue;
      }
      const row = this.outbox.bySeq(ref.seq);
      if (!row) continue;
      const edited = applyFieldEdit({ action: row.action, data: row.data }, edit);
      if (!edited.changed) {
        unchanged++;
        continue;
      }
      const checked = validatePayloadEdit(
        {
          action: row.action,
          localId: row.localId,
          serverId: row.serverId,
          timestamp: row.timestamp,
        },
        JSON.stringify(edited.data),
      );
      const visitorName = detail.item.visitorName;
      if (!checked.ok) {
        invalid++;
        if (invalidSamples.length < INVALID_SAMPLES)
          invalidSamples.push({ opId: ref.opId, visitorName, reason: checked.reason });
        continue;
      }
      changes.push({ ref, seq: ref.seq, visitorName, before: row.data ?? {}, after: checked.data });
    }
    return {
      changes,
      preview: {
        matched: refs.length,
        changed: changes.length,
        unchanged,
        notEditable: [...notEditable].map(([reason, count]) => ({ reason, count })),
        invalid,
        invalidSamples,
        samples: changes.slice(0, SAMPLES).map((c) => ({
          opId: c.ref.opId,
          visitorName: c.visitorName,
          before: c.before[edit.field] ?? null,
          after: c.after[edit.field] ?? null,
        })),
      },
    };
  }

  /** What the edit would do; reads only. */
  preview(target: QueueTarget, edit: FieldEdit): GroupEditPreview {
    return this.db.transaction(() => this.plan(target, edit).preview)();
  }

  /** Writes the edit and makes the edited operations due now, one audit row each. */
  apply(target: QueueTarget, edit: FieldEdit, by: Actor): Done {
    return this.db
      .transaction((): Done => {
        const { preview, changes } = this.plan(target, edit);
        if (preview.invalid > 0) {
          const first = preview.invalidSamples[0];
          fail(
            'validation',
            `Nothing was written: ${preview.invalid.toLocaleString('en-US')} of the edited payloads would be refused by the server${first ? ` (${first.visitorName || first.opId}: ${first.reason})` : ''}. Change the edit and preview again.`,
          );
        }
        if (changes.length === 0)
          fail(
            'nothing_to_edit',
            'The edit changes none of these operations: nothing was written.',
          );
        const at = this.clock.now().toISOString();
        const words = describeFieldEdit(edit);
        for (const c of changes) {
          const row = this.outbox.bySeq(c.seq)!;
          this.outbox.adminRewrite(c.seq, c.after, at);
          this.actions.applyEditToMirror(row.localId, c.seq, row.action, c.before, c.after, at);
          this.audit.add({
            ...this.actions.entry(by, 'edit_retry', c.ref),
            at,
            detail: {
              code: row.lastError?.code ?? null,
              edit: words,
              batch: changes.length,
              serverName: by.serverName,
            },
            before: c.before,
            after: c.after,
          });
        }
        const skipped = preview.unchanged + preview.notEditable.reduce((n, r) => n + r.count, 0);
        const reasons = [
          ...(preview.unchanged
            ? [`${preview.unchanged} left as they were (${words} changes nothing in them).`]
            : []),
          ...preview.notEditable.map((r) => `${r.count}: ${r.reason}`),
        ];
        const done = this.actions.result(
          changes.length,
          changes.map((c) => c.ref),
        );
        return { ...done, skipped, skippedReason: reasons.length ? reasons.join(' ') : null };
      })
      .immediate();
  }
}
