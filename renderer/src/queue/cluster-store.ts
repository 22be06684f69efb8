import type { Api } from '../../../shared/ipc/client';
import type {
  GroupEditPreview,
  QueueGroup,
  QueueTargetIn,
} from '../../../shared/ipc/queue-contract';
import { describeFieldEdit, type FieldEdit } from '../../../shared/queue/group-edit';
import { VISITOR_FIELDS, type VisitorField } from '../../../shared/visitor';
import { errorText } from '../error-text';
import { plural } from './format';

/** The edit as typed in the dialog, before it is a FieldEdit. */
export interface EditForm {
  field: VisitorField;
  mode: 'replace' | 'set';
  find: string;
  replace: string;
  value: string;
}

export type ClusterDialog =
  | {
      kind: 'edit';
      group: QueueGroup;
      target: QueueTargetIn;
      form: EditForm;
      /** The preview of exactly this form; null until asked, or after the form changed. */
      preview: GroupEditPreview | null;
    }
  | { kind: 'conflict'; group: QueueGroup; target: QueueTargetIn };

export interface ClusterSnapshot {
  dialog: ClusterDialog | null;
  busy: boolean;
  /** A refusal inside the dialog (it stays open to change the edit). */
  error: string | null;
}

/** The field a group's message names ("data.email: …" → email), to start the edit on. */
function fieldOf(message: string): VisitorField {
  const m = /\bdata\.([a-zA-Z]+)/.exec(message);
  return m && (VISITOR_FIELDS as readonly string[]).includes(m[1]!)
    ? (m[1] as VisitorField)
    : 'email';
}

export function editOf(form: EditForm): FieldEdit {
  return form.mode === 'replace'
    ? { type: 'replace', field: form.field, find: form.find, replace: form.replace }
    : { type: 'set', field: form.field, value: form.value === '' ? null : form.value };
}

/**
 * The failure groups' two bigger actions, as a store the screen renders:
 * edit one field across the group (previewed with a count and samples,
 * checked by the core with the wire schema, then written) and turn the group
 * into conflicts for the workspace. `done` tells the screen what happened.
 */
export class ClusterStore {
  private snap: ClusterSnapshot = { dialog: null, busy: false, error: null };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: Api,
    private readonly done: (text: string) => void,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ClusterSnapshot => this.snap;

  private set(patch: Partial<ClusterSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  openEdit(group: QueueGroup, target: QueueTargetIn): void {
    this.set({
      dialog: {
        kind: 'edit',
        group,
        target,
        form: { field: fieldOf(group.message), mode: 'replace', find: '', replace: '', value: '' },
        preview: null,
      },
      error: null,
    });
  }

  openConflict(group: QueueGroup, target: QueueTargetIn): void {
    this.set({ dialog: { kind: 'conflict', group, target }, error: null });
  }

  close = (): void => this.set({ dialog: null, error: null, busy: false });

  /** A changed form drops its preview: only a previewed edit can be applied. */
  setForm(patch: Partial<EditForm>): void {
    const d = this.snap.dialog;
    if (d?.kind !== 'edit') return;
    this.set({ dialog: { ...d, form: { ...d.form, ...patch }, preview: null }, error: null });
  }

  async preview(): Promise<void> {
    const d = this.snap.dialog;
    if (d?.kind !== 'edit') return;
    if (d.form.mode === 'replace' && d.form.find === '') {
      this.set({ error: 'Type the text to find.' });
      return;
    }
    this.set({ busy: true, error: null });
    try {
      const preview = await this.api.invoke('queue:editPreview', {
        ...d.target,
        edit: editOf(d.form),
      });
      const now = this.snap.dialog;
      if (now?.kind === 'edit' && now.form === d.form)
        this.set({ dialog: { ...now, preview }, busy: false });
      else this.set({ busy: false });
    } catch (err) {
      this.set({ busy: false, error: errorText(err) });
    }
  }

  async apply(): Promise<void> {
    const d = this.snap.dialog;
    if (d?.kind !== 'edit' || !d.preview) return;
    this.set({ busy: true, error: null });
    try {
      const r = await this.api.invoke('queue:editGroup', { ...d.target, edit: editOf(d.form) });
      this.close();
      this.done(
        `Edited ${plural(r.count, 'operation')} (${describeFieldEdit(editOf(d.form))})${r.syncStarted ? '; sending now' : '; they go with the next sync'}.${r.skipped ? ` ${r.skipped} left as they were.` : ''}`,
      );
    } catch (err) {
      this.set({ busy: false, error: errorText(err) });
    }
  }

  async turnIntoConflicts(): Promise<void> {
    const d = this.snap.dialog;
    if (d?.kind !== 'conflict') return;
    this.set({ busy: true, error: null });
    try {
      const r = await this.api.invoke('queue:toConflict', d.target);
      this.close();
      this.done(
        `${plural(r.count, 'operation')} turned into conflicts: decide them field by field in the Conflicts workspace.${r.skipped ? ` ${r.skipped} left in the queue: ${r.skippedReason ?? ''}` : ''}`,
      );
    } catch (err) {
      this.set({ busy: false, error: errorText(err) });
    }
  }
}
