/** Small labels for type, status, priority and sync state; colour is never the only signal. */
import {
  isKnownPriority, isKnownStatus, isKnownType, priorityLabel, statusLabel, typeGroup, typeLabel,
  type ActivityStatusValue, type ActivityTypeValue, type PriorityValue,
} from '#shared/domain/index';
import type { SyncState } from '#shared/sync/index';

/*
 * A value this version does not know (a newer CRM's) is shown raw with "(unknown to this
 * version)" and styled as the catch-all: a type takes Other's colour, a status and a priority the
 * neutral "unknown" style. The raw value never goes into a class name.
 */

export function TypeBadge({ type }: { type: ActivityTypeValue }) {
  return (
    <span className={`badge type-badge type-${typeGroup(type)}${isKnownType(type) ? '' : ' unknown-value'}`}>
      <span className="dot" aria-hidden="true" />{typeLabel(type)}
    </span>
  );
}

export function StatusBadge({ status, overdue }: { status: ActivityStatusValue; overdue?: boolean }) {
  return (
    <span className="badge-group">
      <span className={`badge status-badge ${isKnownStatus(status) ? `status-${status}` : 'status-unknown unknown-value'}`}>{statusLabel(status)}</span>
      {overdue && <span className="badge overdue-badge">Overdue</span>}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: PriorityValue }) {
  return (
    <span className={`badge priority-badge ${isKnownPriority(priority) ? `priority-${priority}` : 'priority-unknown unknown-value'}`}>
      {priorityLabel(priority)}
    </span>
  );
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
