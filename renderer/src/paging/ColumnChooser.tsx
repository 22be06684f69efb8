import { useState } from 'react';
import { Dialog } from '../dialog/Dialog';
import type { TableShaping } from './use-table-layout';

/** The Columns button of a table, and its dialog: show or hide each column, move it, reset. */
export function ColumnChooser({ shaping }: { shaping: TableShaping }) {
  const [open, setOpen] = useState(false);
  const { layout, specs } = shaping;
  const byId = new Map(specs.map((s) => [s.id, s]));
  const visible = layout.order.filter((id) => !layout.hidden.has(id));
  const headingId = `columns-${shaping.id}-title`;
  return (
    <>
      <button
        type="button"
        className="column-chooser-button"
        aria-label="Choose columns"
        title="Choose, order and reset the columns"
        onClick={() => setOpen(true)}
      >
        ⚙ Columns
      </button>
      {open && (
        <Dialog labelledBy={headingId} className="column-chooser" onClose={() => setOpen(false)}>
          <h2 id={headingId}>Columns</h2>
          <p className="muted">
            Tick the columns to show; move them up or down (or drag a header onto another). Drag a
            column&apos;s right edge, or focus it and press ← →, to change its width. The layout is
            kept for the next time.
          </p>
          <ol className="column-list">
            {layout.order.map((id) => {
              const spec = byId.get(id)!;
              const shown = !layout.hidden.has(id);
              const at = visible.indexOf(id);
              return (
                <li key={id} data-column={id}>
                  <label>
                    <input
                      type="checkbox"
                      checked={shown}
                      disabled={spec.required}
                      onChange={(e) => shaping.setVisible(id, e.target.checked)}
                    />
                    {spec.label}
                    {spec.required && <span className="muted"> (always shown)</span>}
                  </label>
                  <span className="column-moves">
                    <button
                      type="button"
                      aria-label={`Move ${spec.label} up`}
                      disabled={!shown || at <= 0}
                      onClick={() => shaping.move(id, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      aria-label={`Move ${spec.label} down`}
                      disabled={!shown || at === visible.length - 1}
                      onClick={() => shaping.move(id, 1)}
                    >
                      ↓
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
          {shaping.problem && (
            <p className="error" role="alert">
              {shaping.problem}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={shaping.reset}>
              Reset to the default columns
            </button>
            <button type="button" className="primary" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
