/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert
 * (focus stays inside) and Escape closes it, so no hand-made focus trap is needed. Enter in a
 * single-line field, or Ctrl+Enter (⌘+Enter) anywhere, submits: the dialog's form, or else its
 * primary button.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

/** Inputs where Enter means "press this" rather than "I'm done": those keep their own Enter. */
const OWN_ENTER = new Set(['button', 'submit', 'reset', 'checkbox', 'file', 'image', 'color']);

function onDialogKeyDown(e: KeyboardEvent<HTMLDialogElement>) {
  if (e.key !== 'Enter' || e.altKey || e.shiftKey || e.nativeEvent.isComposing || e.defaultPrevented) return;
  const ctrl = e.ctrlKey || e.metaKey;
  const t = e.target;
  if (!ctrl) {
    // Plain Enter: only from a single-line field (a textarea keeps its new line, a button its click,
    // a combobox its pick, which it marks by preventing the default).
    if (!(t instanceof HTMLInputElement) || OWN_ENTER.has(t.type) || t.getAttribute('role') === 'combobox') return;
  }
  const dialog = e.currentTarget;
  const form = t instanceof HTMLElement ? (t.closest('form') ?? dialog.querySelector('form')) : dialog.querySelector('form');
  e.preventDefault();
  if (form) {
    form.requestSubmit();
    return;
  }
  dialog.querySelector<HTMLButtonElement>('.dialog-footer .button.primary:not(:disabled)')?.click();
}

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons at the bottom (right-aligned). */
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
  /** Extra description read by screen readers. */
  description?: string;
}

export function Dialog({ title, onClose, children, footer, size = 'medium', description }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!el.open) el.showModal();
    // showModal() focuses the first focusable (the close button); start where the work is instead:
    // a [data-autofocus] element, else the first control of the body.
    const start = el.querySelector<HTMLElement>('[data-autofocus]')
      ?? el.querySelector<HTMLElement>('.dialog-body :is(input, select, textarea, button):not(:disabled)');
    start?.focus();
    const onCancel = (e: Event) => {
      e.preventDefault();
      closeRef.current();
    };
    el.addEventListener('cancel', onCancel);
    return () => {
      el.removeEventListener('cancel', onCancel);
      if (el.open) el.close();
      // Give focus back to whatever opened the dialog.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onKeyDown={onDialogKeyDown}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </header>
      {description && <p id={descId} className="muted dialog-description">{description}</p>}
      <div className="dialog-body">{children}</div>
      {footer && <footer className="dialog-footer">{footer}</footer>}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, message, confirmLabel, danger, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      size="small"
      footer={
        <>
          <button type="button" className="button" onClick={onCancel} data-autofocus>Keep it</button>
          <button type="button" className={danger ? 'button danger' : 'button primary'} onClick={onConfirm}>{confirmLabel}</button>
        </>
      }
    >
      <div>{message}</div>
    </Dialog>
  );
}
