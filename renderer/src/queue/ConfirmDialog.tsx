import { useEffect, useRef, type ReactNode } from 'react';
import { Dialog } from '../dialog/Dialog';

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
    <Dialog className="q-dialog" labelledBy="q-dialog-title" onClose={props.onCancel}>
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
    </Dialog>
  );
}
