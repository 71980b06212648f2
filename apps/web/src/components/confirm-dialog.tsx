/**
 * A modal confirmation on the native <dialog>: the browser traps focus and closes it on Escape.
 * Focus goes back to the element that opened it (or `returnFocusTo`), wherever the dialog is closed from.
 */
import { type ReactNode, type RefObject, useEffect, useId, useRef } from 'react';
import { ErrorMessage } from './messages';

export type TConfirmDialogProps = {
  isOpen: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  isDanger?: boolean;
  isPending?: boolean;
  /** Shown inside the dialog, e.g. the server's answer when the action failed. */
  errorMessage?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  /** Where focus goes when the dialog closes, if not the element focused when it opened. */
  returnFocusTo?: RefObject<HTMLElement | null>;
};

export function ConfirmDialog({
  isOpen,
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  isDanger = false,
  isPending = false,
  errorMessage,
  onConfirm,
  onCancel,
  returnFocusTo,
}: TConfirmDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const openerRef = useRef<HTMLElement | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (isOpen && !dialog.open) {
      openerRef.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      // The safe choice has focus first: Enter on a destructive dialog must not destroy.
      cancelRef.current?.focus();
    } else if (!isOpen && dialog.open) {
      dialog.close();
    }
  }, [isOpen]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const restoreFocus = () => {
      const target = returnFocusTo?.current ?? openerRef.current;
      if (target?.isConnected) target.focus();
    };
    dialog.addEventListener('close', restoreFocus);
    return () => dialog.removeEventListener('close', restoreFocus);
  }, [returnFocusTo]);

  return (
    <dialog
      ref={dialogRef}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        // Escape: let React state decide, so the dialog and the state never disagree.
        event.preventDefault();
        if (!isPending) onCancel();
      }}
    >
      <h2 id={titleId} className="confirm-dialog-title">
        {title}
      </h2>
      <div id={bodyId} className="confirm-dialog-body">
        {children}
      </div>
      {errorMessage && <ErrorMessage>{errorMessage}</ErrorMessage>}
      <div className="confirm-dialog-actions">
        <button ref={cancelRef} type="button" className="button" onClick={onCancel} disabled={isPending}>
          {cancelLabel}
        </button>
        <button
          type="button"
          className={isDanger ? 'button button-danger' : 'button button-primary'}
          onClick={onConfirm}
          disabled={isPending}
          aria-busy={isPending}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
