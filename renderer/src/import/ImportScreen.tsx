import { useEffect, useState, useSyncExternalStore } from 'react';
import { IMPORT_TARGETS, type ImportTarget } from '../../../shared/ipc/import-contract';
import type { VisitorField } from '../../../shared/visitor';
import { getApi } from '../api';
import { FIELD_LABEL } from '../field-labels';
import { jobProgressText } from '../jobs/JobsBar';
import { ImportStore } from './import-store';
import './import.css';

const count = (n: number) => n.toLocaleString();
const targetLabel = (t: ImportTarget) =>
  t === 'id' ? 'Id (update that visitor)' : FIELD_LABEL[t as VisitorField];

function size(bytes: number): string {
  if (bytes < 1024) return `${count(bytes)} bytes`;
  if (bytes < 1024 * 1024)
    return `${(bytes / 1024).toLocaleString(undefined, { maximumFractionDigits: 1 })} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString(undefined, { maximumFractionDigits: 1 })} MB`;
}

/**
 * Import: pick a CSV or JSONL file, see where each column goes (and change
 * it), check the whole file without writing (bad rows by line and reason),
 * then import with progress and Cancel. Layout only: import-store.ts holds
 * the state and the calls.
 */
export function ImportScreen() {
  const [store] = useState(() => new ImportStore(getApi()));
  useEffect(() => {
    store.start();
    return store.stop;
  }, [store]);
  const s = useSyncExternalStore(store.subscribe, store.snapshot);
  const busy = s.phase === 'checking' || s.phase === 'importing';
  const f = s.file;

  return (
    <section className="import-screen" aria-labelledby="import-title">
      <div className="import-head">
        <h1 id="import-title">Import visitors</h1>
        <button type="button" onClick={() => void store.pick()} disabled={busy}>
          {f ? 'Choose another file…' : 'Choose a file…'}
        </button>
      </div>
      {!f && (
        <p className="import-hint">
          A CSV file with a header row, or JSON Lines (one object per line). Nothing is written
          until you have checked the file and pressed Import; an import that stops part way goes on
          where it stopped when you import the same file again.
        </p>
      )}
      {s.error && (
        <p className="banner error" role="alert" data-testid="import-error">
          {s.error}
        </p>
      )}
      {f && (
        <>
          <p className="import-file" data-testid="import-file">
            <strong>{f.name}</strong> · {f.format.toUpperCase()} · {size(f.size)} ·{' '}
            {f.columns.length} columns
          </p>
          {f.resume && (
            <p className="banner" role="status" data-testid="import-resume">
              An import of this file stopped part way: {count(f.resume.rows)} rows are in (
              {count(f.resume.created)} new visitors). Importing it again goes on from line{' '}
              {count(f.resume.nextLine)}, with the mapping it started with.
            </p>
          )}
          {f.importedAt && !f.resume && (
            <p className="banner" role="status" data-testid="import-done-before">
              This file was imported to its end on {new Date(f.importedAt).toLocaleString()}.
              Importing it again changes nothing.
            </p>
          )}
          <table className="import-mapping" aria-label="Columns of the file and their fields">
            <thead>
              <tr>
                <th scope="col">Column in the file</th>
                <th scope="col">First values</th>
                <th scope="col">Goes to</th>
              </tr>
            </thead>
            <tbody>
              {s.mapping.map((m, i) => (
                <tr key={`${i}:${m.column}`}>
                  <th scope="row">{m.column || `(column ${i + 1}, no name)`}</th>
                  <td className="import-samples">{f.columns[i]?.samples.join(' · ')}</td>
                  <td>
                    <select
                      aria-label={`Field for the column ${m.column || i + 1}`}
                      value={m.target ?? ''}
                      disabled={busy || store.mappingLocked}
                      onChange={(e) =>
                        store.setTarget(
                          i,
                          e.target.value === '' ? null : (e.target.value as ImportTarget),
                        )
                      }
                    >
                      <option value="">— not imported —</option>
                      {IMPORT_TARGETS.map((t) => (
                        <option key={t} value={t}>
                          {targetLabel(t)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="import-actions">
            <button type="button" onClick={() => void store.check()} disabled={busy}>
              Check the file
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => void store.run()}
              disabled={s.phase !== 'checked' || !!f.importedAt}
            >
              {s.phase === 'importing'
                ? 'Importing…'
                : s.started || f.resume
                  ? 'Continue the import'
                  : 'Import'}
            </button>
          </div>
        </>
      )}
      {busy && (
        <div className="import-progress" role="status" data-testid="import-progress">
          <span>{s.phase === 'checking' ? 'Checking every row…' : 'Importing…'}</span>
          <progress
            aria-label={s.phase === 'checking' ? 'Check progress' : 'Import progress'}
            max={s.progress?.total ?? undefined}
            value={
              s.progress?.total != null ? Math.min(s.progress.done, s.progress.total) : undefined
            }
          />
          <span data-testid="import-progress-text">
            {s.progress ? jobProgressText(s.progress) : 'starting…'}
          </span>
          <button type="button" onClick={() => void store.cancel()} disabled={!s.progress}>
            {s.phase === 'checking' ? 'Cancel the check' : 'Cancel the import'}
          </button>
        </div>
      )}
      {s.stopped && (
        <p className="banner" role="status" data-testid="import-stopped">
          {s.stopped}
        </p>
      )}
      {s.report && <CheckReport report={s.report} />}
      {s.summary && (
        <section className="import-summary" aria-label="Import result" data-testid="import-summary">
          <h2>{s.summary.alreadyImported ? 'Imported before' : 'Imported'}</h2>
          <p>
            {count(s.summary.created)} new visitors, {count(s.summary.updated)} updated,{' '}
            {count(s.summary.unchanged)} unchanged, {count(s.summary.rejected)} rows refused
            {s.summary.resumed ? ' (continued where the earlier import stopped)' : ''}. The changes
            are in the outbox: the next sync sends them.
          </p>
        </section>
      )}
    </section>
  );
}

function CheckReport({
  report: r,
}: {
  report: NonNullable<ReturnType<ImportStore['snapshot']>['report']>;
}) {
  return (
    <section className="import-report" aria-label="Check of the file" data-testid="import-report">
      <h2>Check</h2>
      <dl className="import-numbers">
        <div>
          <dt>Rows</dt>
          <dd data-testid="check-rows">{count(r.rows)}</dd>
        </div>
        <div>
          <dt>New visitors</dt>
          <dd data-testid="check-created">{count(r.created)}</dd>
        </div>
        <div>
          <dt>Updates</dt>
          <dd data-testid="check-updated">{count(r.updated)}</dd>
        </div>
        <div>
          <dt>Unchanged</dt>
          <dd>{count(r.unchanged)}</dd>
        </div>
        <div>
          <dt>Refused</dt>
          <dd data-testid="check-rejected">{count(r.rejected)}</dd>
        </div>
        {r.alreadyImported > 0 && (
          <div>
            <dt>Already imported</dt>
            <dd>{count(r.alreadyImported)}</dd>
          </div>
        )}
      </dl>
      {r.rejected > 0 && (
        <>
          <h3>
            Rows that will not be imported
            {r.rejected > r.rejectedLines.length &&
              ` (the first ${count(r.rejectedLines.length)} of ${count(r.rejected)})`}
          </h3>
          <div className="import-bad-rows">
            <table aria-label="Rows that will not be imported" data-testid="bad-rows">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {r.rejectedLines.map((b) => (
                  <tr key={b.line}>
                    <td>{count(b.line)}</td>
                    <td>{b.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
