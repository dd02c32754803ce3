/** Sync status for the status bar and Sync view: the engine's when running, else what the store shows. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
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

const IDLE: SyncStatus = {
  online: true, syncing: false, pending: 0, failed: 0, conflicts: 0, lastSyncedAt: null, lastError: null, needsSignIn: false,
};

export function useSyncStatus(): SyncStatus {
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
  // Counts straight from the store, so they are right even before the engine reports.
  const counts = useLiveQuery(async () => {
    const [queued, failed, conflicts] = await Promise.all([
      db.outbox.where('state').anyOf('queued', 'inflight', 'blocked').count(),
      db.outbox.where('state').equals('failed').count(),
      db.conflicts.count(),
    ]);
    return { pending: queued + failed, failed, conflicts };
  }, [db]);
  const base = status ?? IDLE;
  return {
    ...base,
    online: browserOnline && base.online,
    pending: counts?.pending ?? base.pending,
    failed: counts?.failed ?? base.failed,
    conflicts: counts?.conflicts ?? base.conflicts,
  };
}
