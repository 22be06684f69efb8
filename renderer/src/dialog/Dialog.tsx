import { useEffect, useRef, type ReactNode } from 'react';
import './dialog.css';

/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest
 * of the window inert (focus stays inside, Tab cycles within), Escape asks
 * to close, and on closing focus goes back to what had it before.
 * `onClose` decides: the parent unmounts the dialog to close it.
 */
export function Dialog(props: {
  /** The dialog's accessible name, when no heading inside names it. */
  label?: string;
  /** The id of the heading inside that names the dialog. */
  labelledBy?: string;
  className?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    return () => {
      if (d.open) d.close();
      // The element that opened the dialog takes focus again, if it is still there.
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${props.className ? ` ${props.className}` : ''}`}
      aria-label={props.label}
      aria-labelledby={props.labelledBy}
      onCancel={(e) => {
        // Escape: the parent closes it (and may first refuse, e.g. while a job answers).
        e.preventDefault();
        // Only this one: React passes `cancel` on to the dialogs around it (a rule editor
        // opened from the rules dialog), which would close with it.
        e.stopPropagation();
        props.onClose();
      }}
      onKeyDown={(e) => {
        // Escape belongs to the dialog: the screen under it must not also act on it.
        if (e.key === 'Escape') e.stopPropagation();
      }}
    >
      {props.children}
    </dialog>
  );
}
