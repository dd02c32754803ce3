/** Small labels for type, status, priority and sync state; colour is never the only signal. */
import {
  ACTIVITY_STATUS_LABELS, ACTIVITY_TYPE_LABELS, PRIORITY_LABELS, type ActivityStatus, type ActivityType, type Priority,
} from '#shared/domain/index';
import type { SyncState } from '#shared/sync/types';

export function TypeBadge({ type }: { type: ActivityType }) {
  return <span className={`badge type-badge type-${type}`}><span className="dot" aria-hidden="true" />{ACTIVITY_TYPE_LABELS[type]}</span>;
}

export function StatusBadge({ status, overdue }: { status: ActivityStatus; overdue?: boolean }) {
  return (
    <span className="badge-group">
      <span className={`badge status-badge status-${status}`}>{ACTIVITY_STATUS_LABELS[status]}</span>
      {overdue && <span className="badge overdue-badge">Overdue</span>}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  return <span className={`badge priority-badge priority-${priority}`}>{PRIORITY_LABELS[priority]}</span>;
}

const SYNC_LABELS: Record<SyncState, string> = {
  synced: 'Synced', pending: 'Not yet synced', conflict: 'Conflict', failed: 'Sync failed',
};

/** The per-activity "not yet synced" mark; nothing for synced rows. */
export function SyncMark({ sync, always }: { sync: SyncState; always?: boolean }) {
  if (sync === 'synced' && !always) return null;
  return (
    <span className={`sync-mark sync-${sync}`} title={SYNC_LABELS[sync]}>
      <span className="dot" aria-hidden="true" />
      <span>{SYNC_LABELS[sync]}</span>
    </span>
  );
}
