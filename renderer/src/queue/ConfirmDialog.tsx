import { useEffect, useRef, type ReactNode } from 'react';

/** A modal question with the count in its words; Escape or Cancel backs out. */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div className="q-backdrop" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <div className="q-dialog" role="dialog" aria-modal="true" aria-labelledby="q-dialog-title">
        <h2 id="q-dialog-title">{props.title}</h2>
        <div className="q-dialog-body">{props.children}</div>
        <div className="q-dialog-actions">
          <button onClick={props.onCancel}>Cancel</button>
          <button
            ref={confirmRef}
            className={props.danger ? 'q-danger' : 'primary'}
            disabled={props.busy}
            onClick={props.onConfirm}
          >
            {props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
