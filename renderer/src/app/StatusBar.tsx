/**
 * Always visible: where the rep stands (offline, CRM unreachable, signed out or token refused,
 * online and synced), pending changes, syncing, the rep, Sync now.
 */
import { formatDistanceToNowStrict } from 'date-fns';
import { useApp } from './context.tsx';
import { useCrmReach } from './connection.ts';
import { useSyncStatus } from '../data/useSyncStatus.ts';
import { useUiStore } from '../state/store.ts';
import { useWaitingForUndo } from '../data/undo.ts';

export type Standing = 'offline' | 'unreachable' | 'signed-out' | 'refused' | 'online';

function ConnectionPill({ standing, baseUrl }: { standing: Standing; baseUrl: string }) {
  const setView = useUiStore((s) => s.setView);
  switch (standing) {
    case 'offline':
      return <span className="pill pill-offline" title="This device has no network; your work is kept here and syncs later."><span className="dot" aria-hidden="true" />Offline</span>;
    case 'unreachable':
      return (
        <span className="pill pill-error" title={`The network is up, but nothing answers at ${baseUrl}; your work is kept here and syncs when it answers.`}>
          <span className="dot" aria-hidden="true" />CRM unreachable
        </span>
      );
    case 'signed-out':
      return <button type="button" className="pill pill-warn pill-button" onClick={() => setView('settings')}>Not signed in</button>;
    case 'refused':
      return <button type="button" className="pill pill-warn pill-button" onClick={() => setView('settings')}>Token refused · Sign in again to sync</button>;
    case 'online':
      return <span className="pill pill-online"><span className="dot" aria-hidden="true" />Online</span>;
  }
}

export function StatusBar() {
  const { engine, session, currentUser } = useApp();
  const status = useSyncStatus();
  const reach = useCrmReach();
  const setView = useUiStore((s) => s.setView);
  const openCreate = useUiStore((s) => s.openCreate);
  const standing: Standing = !status.online ? 'offline'
    : !session.signedIn ? 'signed-out'
    : status.authRequired ? 'refused'
    : reach === 'unreachable' ? 'unreachable'
    : 'online';
  return (
    <header className="statusbar">
      <div className="statusbar-left" role="status" aria-live="polite" aria-label="Sync status">
        <ConnectionPill standing={standing} baseUrl={session.baseUrl} />
        <span className={`pill ${status.pending ? 'pill-pending' : ''}`}>
          {status.pending} pending {status.pending === 1 ? 'change' : 'changes'}
        </span>
        <WaitingForUndo />
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
          disabled={!engine || !status.online || !session.signedIn}
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

/** Changes held for Undo are waiting on purpose, not stuck: said beside the pending count. */
function WaitingForUndo() {
  const n = useWaitingForUndo();
  if (n === 0) return null;
  return <span className="pill" title="Sent when the few seconds to undo them are over.">{n} waiting to send · Undo available</span>;
}
