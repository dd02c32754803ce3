/**
 * The running calendar sync, for the views that show it (the Sync card, the calendar's busy
 * blocks): one module-level store the CalendarSync component fills, read with useSyncExternalStore.
 */
import { useSyncExternalStore } from 'react';

/** What the UI shows of the calendar sync. */
export interface CalendarSyncView {
  syncing: boolean;
  lastSyncedAt: number | null;
  lastError: string | null;
  /** Calendar changes waiting to reach the calendar server. */
  pending: number;
}

/** What the UI drives on it. */
export interface CalendarSyncHandle {
  sync(): Promise<unknown>;
  getView(): CalendarSyncView;
  subscribe(listener: () => void): () => void;
}

let current: CalendarSyncHandle | null = null;
const listeners = new Set<() => void>();
const notify = () => { for (const l of listeners) l(); };

export function publishCalendarSync(handle: CalendarSyncHandle | null): void {
  current = handle;
  notify();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  const off = current?.subscribe(l);
  return () => {
    listeners.delete(l);
    off?.();
  };
}

export function useCalendarSync(): CalendarSyncHandle | null {
  return useSyncExternalStore(subscribe, () => current);
}

let lastView: CalendarSyncView | null = null;
/** The view of the running sync; a stable object while nothing changed (useSyncExternalStore needs that). */
export function useCalendarSyncView(): CalendarSyncView | null {
  const handle = useCalendarSync();
  return useSyncExternalStore(
    (l) => handle?.subscribe(l) ?? (() => {}),
    () => {
      const v = handle?.getView() ?? null;
      if (v && lastView && v.syncing === lastView.syncing && v.lastSyncedAt === lastView.lastSyncedAt && v.lastError === lastView.lastError && v.pending === lastView.pending) return lastView;
      lastView = v;
      return v;
    },
  );
}
