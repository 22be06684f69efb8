import { useEffect, useState, type FormEvent } from 'react';
import { AuditTrail } from '../conflicts/AuditTrail';
import { patchBetween } from '../../../shared/diff';
import { issueFields } from '../../../shared/errors';
import type { OutboxRow, VisitorRow } from '../../../shared/ipc/contract';
import {
  EMPTY_VALUES,
  VisitorCreateDataSchema,
  toValues,
  type VisitorValues,
} from '../../../shared/visitor';
import { getApi } from '../api';
import { errorText } from '../error-text';
import { localTimeZone } from '../intl';
import { isoToWallTime, timeZones, wallTimeToIso } from '../zoned-time';
import { CAPTURE_METHODS } from './capture-methods';

/** The form edits text; these turn it into a record and back. */
type Form = Record<
  | 'name'
  | 'company'
  | 'email'
  | 'title'
  | 'phone'
  | 'interests'
  | 'notes'
  | 'captureMethod'
  | 'capturedAt'
  /** The zone capturedAt's wall time is read in (not stored: the instant is). */
  | 'capturedZone',
  string
>;

function toForm(v: VisitorValues, zone = localTimeZone()): Form {
  return {
    name: v.name,
    company: v.company ?? '',
    email: v.email ?? '',
    title: v.title ?? '',
    phone: v.phone ?? '',
    interests: v.interests.join(', '),
    notes: v.notes ?? '',
    captureMethod: v.captureMethod ?? '',
    capturedAt: v.capturedAt ? isoToWallTime(v.capturedAt, zone) : '',
    capturedZone: zone,
  };
}

/** `original` keeps precision the inputs cannot show (seconds of capturedAt) when untouched. */
function fromForm(f: Form, original: VisitorValues): Record<string, unknown> {
  const untouchedDate =
    original.capturedAt !== null &&
    f.capturedAt === isoToWallTime(original.capturedAt, f.capturedZone);
  return {
    name: f.name.trim(),
    company: f.company.trim() || null,
    email: f.email.trim() || null,
    title: f.title.trim() || null,
    phone: f.phone.trim() || null,
    interests: f.interests
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    notes: f.notes.trim() ? f.notes : null,
    captureMethod: f.captureMethod || null,
    capturedAt: untouchedDate
      ? original.capturedAt
      : f.capturedAt
        ? // A time that cannot be read stays as typed, so the schema names the field.
          (wallTimeToIso(f.capturedAt, f.capturedZone) ?? f.capturedAt)
        : null,
  };
}

const LABELS: Record<keyof Form, string> = {
  name: 'Name',
  company: 'Company',
  email: 'Email',
  title: 'Title',
  phone: 'Phone',
  interests: 'Interests (comma separated)',
  notes: 'Notes',
  captureMethod: 'Captured by',
  capturedAt: 'Captured at',
  capturedZone: 'Time zone of “Captured at”',
};

function syncState(row: VisitorRow | null, ops: OutboxRow[]): string {
  if (!row) return 'New visitor: saved locally, then sent with the next sync.';
  const op = ops.at(-1);
  if (!op)
    return row.serverId ? `Synced (server version ${row.version ?? '?'}).` : 'Saved locally.';
  const fields = op.data ? Object.keys(op.data).join(', ') : '';
  const status = op.status === 'pending' ? 'waiting to sync' : op.status.replace('_', ' ');
  if (op.action === 'create') return `Not on the server yet: a create is ${status}.`;
  if (op.action === 'update') return `Changed locally (${fields}): an update is ${status}.`;
  return `Deleted locally: a delete is ${status}.`;
}

function describeOp(op: OutboxRow): string {
  const parts = [
    op.action === 'update' && op.data ? `update (${Object.keys(op.data).join(', ')})` : op.action,
  ];
  parts.push(op.status.replace('_', ' '));
  if (op.attempts > 0) parts.push(`${op.attempts} attempt${op.attempts === 1 ? '' : 's'}`);
  if (op.baseVersion !== null) parts.push(`from version ${op.baseVersion}`);
  return parts.join(' · ');
}

export function RecordPanel(props: {
  row: VisitorRow | null;
  onSaved: (row: VisitorRow) => void;
  onDeleted: () => void;
  onClose: () => void;
}) {
  const { row, onSaved, onDeleted, onClose } = props;
  const original = row ? toValues(row) : EMPTY_VALUES;
  const [form, setForm] = useState<Form>(() => toForm(original));
  const [zones] = useState(() => timeZones(localTimeZone()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [ops, setOps] = useState<OutboxRow[]>([]);
  const [busy, setBusy] = useState(false);
  const localId = row?.localId;

  useEffect(() => {
    if (!localId) return;
    getApi()
      .invoke('outbox:forVisitor', { localId })
      .then(setOps, (e: unknown) => setBanner(errorText(e)));
  }, [localId]);

  const parsed = VisitorCreateDataSchema.safeParse(fromForm(form, original));
  const patch = parsed.success && row ? patchBetween(original, toValues(parsed.data)) : null;
  const unchanged = row !== null && patch !== null && Object.keys(patch).length === 0;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!parsed.success) return setErrors(issueFields(parsed.error));
    setErrors({});
    setBusy(true);
    try {
      const saved = row
        ? await getApi().invoke('visitors:update', { localId: row.localId, patch: patch! })
        : await getApi().invoke('visitors:create', { values: parsed.data });
      onSaved(saved);
    } catch (err) {
      setBanner(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!row) return;
    setBusy(true);
    try {
      await getApi().invoke('visitors:delete', { localId: row.localId });
      onDeleted();
    } catch (err) {
      setBanner(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (
    name: keyof Form,
    input: 'text' | 'email' | 'tel' | 'textarea' | 'select' | 'datetime-local' = 'text',
  ) => {
    const id = `field-${name}`;
    const common = {
      id,
      name,
      value: form[name],
      'aria-invalid': errors[name] ? true : undefined,
      'aria-describedby': errors[name] ? `${id}-error` : undefined,
    };
    const set = (value: string) => setForm((f) => ({ ...f, [name]: value }));
    return (
      <div className={`field${errors[name] ? ' invalid' : ''}`}>
        <label htmlFor={id}>{LABELS[name]}</label>
        {input === 'textarea' ? (
          <textarea {...common} rows={4} onChange={(e) => set(e.target.value)} />
        ) : input === 'select' ? (
          <select {...common} onChange={(e) => set(e.target.value)}>
            <option value="">—</option>
            {CAPTURE_METHODS.map((m) => (
              <option key={m} value={m}>
                {m.replace('_', ' ')}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...common}
            type={input}
            step={input === 'datetime-local' ? 1 : undefined}
            onChange={(e) => set(e.target.value)}
          />
        )}
        {errors[name] && (
          <div className="field-error" id={`${id}-error`}>
            {errors[name]}
          </div>
        )}
      </div>
    );
  };

  return (
    <aside className="record-panel" aria-label={row ? `Visitor ${row.name}` : 'New visitor'}>
      <div className="panel-head">
        <h2>{row ? row.name : 'New visitor'}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close panel">
          ✕
        </button>
      </div>
      <p className="sync-state" data-testid="sync-state">
        {syncState(row, ops)}
      </p>
      {banner && (
        <div className="banner error" role="alert">
          {banner}
        </div>
      )}
      <form onSubmit={save} noValidate>
        {field('name')}
        {field('company')}
        {field('email', 'email')}
        {field('title')}
        {field('phone', 'tel')}
        {field('interests')}
        {field('captureMethod', 'select')}
        {field('capturedAt', 'datetime-local')}
        <div className="field">
          <label htmlFor="field-capturedZone">{LABELS.capturedZone}</label>
          <select
            id="field-capturedZone"
            value={form.capturedZone}
            onChange={(e) => {
              const zone = e.target.value;
              // The same wall time, now read in the zone chosen: the person says where it was read.
              setForm((f) => ({ ...f, capturedZone: zone }));
            }}
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </div>
        {field('notes', 'textarea')}
        <div className="panel-actions">
          <button type="submit" className="primary" disabled={busy || unchanged}>
            {row ? 'Save changes' : 'Create visitor'}
          </button>
          {row && !confirmDelete && (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => setConfirmDelete(true)}
            >
              Delete…
            </button>
          )}
        </div>
        {confirmDelete && (
          <div className="confirm" role="alertdialog" aria-label="Confirm delete">
            <p>
              Delete {row?.name}?{' '}
              {row?.serverId
                ? 'The deletion is sent with the next sync.'
                : 'It was never synced, so it simply disappears.'}
            </p>
            <button type="button" className="danger" onClick={remove} disabled={busy}>
              Delete visitor
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </div>
        )}
      </form>
      {ops.length > 0 && (
        <section className="pending-ops" aria-label="Queued operations">
          <h3>Queued operations</h3>
          <ul>
            {ops.map((op) => (
              <li key={op.opId} data-testid="pending-op">
                {describeOp(op)}
              </li>
            ))}
          </ul>
        </section>
      )}
      {localId && <AuditTrail localId={localId} />}
    </aside>
  );
}
