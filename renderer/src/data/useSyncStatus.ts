/** Sync status for the status bar and Sync view: the engine's when running, counts straight from the store. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { syncCounts } from '#shared/sync/index';
import { useApp } from '../app/context.tsx';
import type { SyncStatus } from '../app/ports.ts';

function useBrowserOnline(): boolean {
  return useSyncExternalStore(
    (cb) => {
      window.addEventListener('online', cb);
      window.addEventListener('offline', cb);
      return () => {
        window.removeEventListener('online', cb);
        window.removeEventListener('offline', cb);
      };
    },
    () => navigator.onLine,
  );
}

export interface UiSyncStatus {
  online: boolean;
  syncing: boolean;
  lastSyncedAt: number | null;
  /** Changes on their way to the CRM (shared/sync syncCounts: queued or in flight, activities and records). */
  pending: number;
  /** Activity changes the rep must decide on (refused, or past the attempt limit). */
  failed: number;
  conflicts: number;
  authRequired: boolean;
  lastError: string | null;
}

export function useSyncStatus(): UiSyncStatus {
  const { engine, db } = useApp();
  const browserOnline = useBrowserOnline();
  const [status, setStatus] = useState<SyncStatus | null>(() => engine?.getStatus() ?? null);
  useEffect(() => {
    if (!engine) {
      setStatus(null);
      return;
    }
    setStatus(engine.getStatus());
    return engine.subscribe(setStatus);
  }, [engine]);
  // Counts come from the store itself, so they are right offline and before the engine reports.
  const counts = useLiveQuery(() => syncCounts(db), [db]);
  return {
    online: browserOnline && (status?.online ?? true),
    syncing: status?.syncing ?? false,
    lastSyncedAt: status?.lastSyncedAt ?? null,
    pending: counts?.pending ?? 0,
    failed: counts?.failed ?? 0,
    conflicts: counts?.conflicts ?? 0,
    authRequired: status?.authRequired ?? false,
    lastError: status?.lastError ?? null,
  };
}
