/** Always visible: connection, pending changes, syncing, the rep, Sync now. */
import { formatDistanceToNowStrict } from 'date-fns';
import { useApp } from './context.tsx';
import { useSyncStatus } from '../data/useSyncStatus.ts';
import { useUiStore } from '../state/store.ts';

export function StatusBar() {
  const { engine, session, currentUser } = useApp();
  const status = useSyncStatus();
  const setView = useUiStore((s) => s.setView);
  const openCreate = useUiStore((s) => s.openCreate);
  return (
    <header className="statusbar">
      <div className="statusbar-left" role="status" aria-live="polite" aria-label="Sync status">
        {status.online ? (
          <span className="pill pill-online"><span className="dot" aria-hidden="true" />Online</span>
        ) : (
          <span className="pill pill-offline"><span className="dot" aria-hidden="true" />Offline</span>
        )}
        {!session.signedIn && <span className="pill pill-warn">Not signed in</span>}
        {status.authRequired && (
          <button type="button" className="pill pill-warn pill-button" onClick={() => setView('settings')}>Sign in again to sync</button>
        )}
        <span className={`pill ${status.pending ? 'pill-pending' : ''}`}>
          {status.pending} pending {status.pending === 1 ? 'change' : 'changes'}
        </span>
        {status.failed + status.conflicts > 0 && (
          <button type="button" className="pill pill-error pill-button" onClick={() => setView('sync')}>
            {status.failed + status.conflicts} need attention
          </button>
        )}
        {status.syncing && <span className="pill pill-syncing"><span className="spinner" aria-hidden="true" />Syncing…</span>}
        {!status.syncing && status.lastSyncedAt && (
          <span className="muted small">Synced {formatDistanceToNowStrict(status.lastSyncedAt, { addSuffix: true })}</span>
        )}
      </div>
      <div className="statusbar-right">
        {currentUser && <span className="muted small">{currentUser.name}</span>}
        <button
          type="button"
          className="button small"
          disabled={!engine || !status.online}
          onClick={() => { void engine?.syncNow(); }}
        >
          Sync now
        </button>
        <button type="button" className="button primary small" aria-keyshortcuts="N" title="New activity (N)" onClick={() => openCreate()}>
          New activity
        </button>
      </div>
    </header>
  );
}
