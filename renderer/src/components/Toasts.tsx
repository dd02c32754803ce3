/**
 * Notices under the status bar. They take their own room in the layout (never drawn over a
 * control) and go by themselves: news after a few seconds, errors and notices with a button after
 * longer, and any notice as soon as its cause is gone (dismissCause). Pointer or focus on a notice
 * holds it while the rep reads it.
 */
import { useEffect, useState } from 'react';
import { useUiStore, type Toast } from '../state/store.ts';

/** How long each kind stays, in ms. */
export const TOAST_MS = { info: 5_000, success: 5_000, error: 15_000, action: 20_000 } as const;

export function toastLifetime(toast: Pick<Toast, 'kind' | 'action'>): number {
  if (toast.action) return TOAST_MS.action;
  return TOAST_MS[toast.kind];
}

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useUiStore((s) => s.dismissToast);
  const setView = useUiStore((s) => s.setView);
  const openActivity = useUiStore((s) => s.openActivity);
  const [held, setHeld] = useState(false);
  const action = toast.action;
  useEffect(() => {
    if (held) return;
    const t = setTimeout(() => dismiss(toast.id), toastLifetime(toast));
    return () => clearTimeout(t);
  }, [toast, dismiss, held]);
  return (
    <div
      className={`toast toast-${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <span>{toast.message}</span>
      {action && (
        <button type="button" className="button small" onClick={() => { if ('lid' in action) openActivity(action.lid); else setView(action.view); dismiss(toast.id); }}>
          {action.label}
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useUiStore((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => <ToastItem key={t.id} toast={t} />)}
    </div>
  );
}
