/**
 * Notices under the status bar. They take their own room in the layout (never drawn over a
 * control) and go by themselves: news after a few seconds, errors and notices with a button after
 * longer, and any notice as soon as its cause is gone (dismissCause). Pointer or focus on a notice
 * holds it while the rep reads it. A change just made offers Undo for its undo window (counted
 * down on the button); Ctrl+Z / Cmd+Z takes back the newest change anywhere but in a field.
 */
import { useEffect, useState } from 'react';
import { useUiStore, type Toast } from '../state/store.ts';
import { undoEntry } from '../data/undo.ts';
import { isUndoKey, typingIn } from './shortcuts.ts';

/** How long each kind stays, in ms. */
export const TOAST_MS = { info: 5_000, success: 5_000, error: 15_000, action: 20_000 } as const;

export function toastLifetime(toast: Pick<Toast, 'kind' | 'action' | 'undo'>, now = Date.now()): number {
  if (toast.undo) return Math.max(3_000, toast.undo.until - now);
  if (toast.action) return TOAST_MS.action;
  return TOAST_MS[toast.kind];
}

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useUiStore((s) => s.dismissToast);
  const setView = useUiStore((s) => s.setView);
  const openActivity = useUiStore((s) => s.openActivity);
  const [held, setHeld] = useState(false);
  const action = toast.action;
  const undo = toast.undo;
  const left = useSecondsLeft(undo?.until ?? null);
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
      {undo && (
        <button type="button" className="button small primary" onClick={() => { dismiss(toast.id); void undoEntry(undo.entry); }} aria-keyshortcuts="Control+Z Meta+Z">
          Undo{left > 0 && <span className="toast-countdown" aria-hidden="true"> · {left} s</span>}
        </button>
      )}
      {undo?.extra && (
        <button type="button" className="button small" onClick={() => { undo.extra?.run(); }}>{undo.extra.label}</button>
      )}
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

/** Whole seconds until `until` (0 after it, or without one), ticking each second. */
function useSecondsLeft(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1_000));
}

/** Ctrl+Z / Cmd+Z: Undo of the newest change, unless the rep is typing (the field's own undo). */
function useUndoShortcut(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isUndoKey(e) || e.defaultPrevented || e.repeat || typingIn(e)) return;
      e.preventDefault();
      void undoEntry();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function Toasts() {
  const toasts = useUiStore((s) => s.toasts);
  useUndoShortcut();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => <ToastItem key={t.id} toast={t} />)}
    </div>
  );
}
