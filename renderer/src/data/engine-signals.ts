/**
 * What the window tells the sync engine about the rep's attention (pull.ts "Cost to the CRM"):
 * hidden → idle polls back off further; shown or focused → poll at once. And refresh-on-open:
 * an activity's detail view re-reads that one record from the CRM when it opens (a no-op offline).
 */
import { useEffect } from 'react';
import type { SyncEngine } from '../app/ports.ts';

interface VisibilitySource extends EventTarget { visibilityState: string }

/** Tell the engine when the window is hidden, shown or focused; returns the unsubscribe. */
export function watchVisibility(engine: Pick<SyncEngine, 'setVisible'>, doc: VisibilitySource, win: EventTarget): () => void {
  const onVisibility = () => engine.setVisible(doc.visibilityState !== 'hidden');
  const onFocus = () => engine.setVisible(true);
  doc.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('focus', onFocus);
  if (doc.visibilityState === 'hidden') engine.setVisible(false);
  return () => {
    doc.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('focus', onFocus);
  };
}

export function useVisibilitySignals(engine: SyncEngine | null): void {
  useEffect(() => (engine ? watchVisibility(engine, document, window) : undefined), [engine]);
}

/** Re-read this activity from the CRM when its view opens (and when it switches to another). */
export function useRefreshOnOpen(engine: SyncEngine | null, lid: string): void {
  useEffect(() => {
    // A failure is not the view's business: the row stays as it is and the next poll tries again.
    if (engine) engine.refreshActivity(lid).catch(() => undefined);
  }, [engine, lid]);
}
