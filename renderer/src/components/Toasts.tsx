import { useEffect } from 'react';
import { useUiStore, type Toast } from '../state/store.ts';

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useUiStore((s) => s.dismissToast);
  const setView = useUiStore((s) => s.setView);
  const action = toast.action;
  useEffect(() => {
    // Errors and notices with a button stay until dismissed; the rest fade after a few seconds.
    if (toast.kind === 'error' || toast.action) return;
    const t = setTimeout(() => dismiss(toast.id), 5000);
    return () => clearTimeout(t);
  }, [toast, dismiss]);
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <span>{toast.message}</span>
      {action && (
        <button type="button" className="button small" onClick={() => { setView(action.view); dismiss(toast.id); }}>
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
