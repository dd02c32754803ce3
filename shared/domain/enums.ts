/** Every enumeration the central CRM's Activity Management Guide defines. */

export const ACTIVITY_TYPES = [
  'call', 'email', 'meeting', 'task', 'note', 'demo', 'presentation', 'proposal', 'follow_up',
  'quote', 'contract', 'appointment', 'visit', 'webinar', 'training', 'support', 'escalation',
  'research', 'other',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const ACTIVITY_TYPE_LABELS: Record<ActivityType, string> = {
  call: 'Call', email: 'Email', meeting: 'Meeting', task: 'Task', note: 'Note', demo: 'Demo',
  presentation: 'Presentation', proposal: 'Proposal', follow_up: 'Follow-up', quote: 'Quote',
  contract: 'Contract', appointment: 'Appointment', visit: 'Visit', webinar: 'Webinar',
  training: 'Training', support: 'Support', escalation: 'Escalation', research: 'Research',
  other: 'Other',
};

export const ACTIVITY_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled', 'deferred', 'waiting'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export const ACTIVITY_STATUS_LABELS: Record<ActivityStatus, string> = {
  pending: 'Pending', in_progress: 'In progress', completed: 'Completed', cancelled: 'Cancelled',
  deferred: 'Deferred', waiting: 'Waiting',
};

/** Statuses in which an activity is still open work (and so can be overdue). */
export const OPEN_STATUSES = ['pending', 'in_progress', 'deferred', 'waiting'] as const satisfies readonly ActivityStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

/** Statuses a PATCH may move an activity between (completed/cancelled only via actions). */
export const PATCHABLE_STATUSES = OPEN_STATUSES;

export const PRIORITIES = ['low', 'medium', 'high', 'urgent', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: 'Low', medium: 'Medium', high: 'High', urgent: 'Urgent', critical: 'Critical',
};

/** low < medium < high < urgent < critical (docs/crm-contract.md "Lists and search", sort_by=priority). */
export const PRIORITY_RANK: Record<Priority, number> = { low: 0, medium: 1, high: 2, urgent: 3, critical: 4 };

/** Entity types an activity can belong to (activityable_type). */
export const ACTIVITYABLE_TYPES = ['lead', 'customer', 'opportunity', 'contact'] as const;
export type ActivityableType = (typeof ACTIVITYABLE_TYPES)[number];

/** Entity types of the offline directory. */
export const DIRECTORY_TYPES = ['lead', 'customer', 'opportunity', 'contact', 'user'] as const;
export type DirectoryType = (typeof DIRECTORY_TYPES)[number];

/** List filter status values: the six statuses plus the derived "overdue". */
export const LIST_STATUS_FILTERS = [...ACTIVITY_STATUSES, 'overdue'] as const;
export type ListStatusFilter = (typeof LIST_STATUS_FILTERS)[number];

export const SORT_FIELDS = ['due_at', 'created_at', 'priority'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const INCLUDES = ['assignedUser', 'contact', 'activityable'] as const;
export type Include = (typeof INCLUDES)[number];

export const BULK_ACTIONS = ['cancel', 'complete', 'reschedule', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Everything a rep can do to an activity (the guide's "Actions Available"). */
export const ACTIONS = ['update', 'complete', 'cancel', 'reschedule', 'delete', 'recreate'] as const;
export type Action = (typeof ACTIONS)[number];

/*
 * Values the guide does not list. A real CRM may add types, statuses and priorities later (`sms`,
 * `on_hold`, `blocker`): such rows are kept with the raw value (docs/crm-contract.md "Tolerant client"),
 * shown as unknown, and never chosen from the app (the input schemas accept only the known ones).
 */
declare const unknownValueBrand: unique symbol;
/** A raw value of one of the guide's enumerations that this version does not know. */
export type UnknownValue = string & { readonly [unknownValueBrand]: true };
/** An activity's type as stored: one the guide lists, or one a newer CRM sent. */
export type ActivityTypeValue = ActivityType | UnknownValue;
export type ActivityStatusValue = ActivityStatus | UnknownValue;
export type PriorityValue = Priority | UnknownValue;

const includes = <T extends string>(values: readonly T[], v: string): v is T => (values as readonly string[]).includes(v);

export function isKnownType(v: string): v is ActivityType { return includes(ACTIVITY_TYPES, v); }
export function isKnownStatus(v: string): v is ActivityStatus { return includes(ACTIVITY_STATUSES, v); }
export function isKnownPriority(v: string): v is Priority { return includes(PRIORITIES, v); }

/** A raw value from a server, typed as known or unknown (never rejected). */
export function typeValue(raw: string): ActivityTypeValue { return isKnownType(raw) ? raw : (raw as UnknownValue); }
export function statusValue(raw: string): ActivityStatusValue { return isKnownStatus(raw) ? raw : (raw as UnknownValue); }
export function priorityValue(raw: string): PriorityValue { return isKnownPriority(raw) ? raw : (raw as UnknownValue); }

/** Longest raw value a label shows; a server could send anything. */
const UNKNOWN_LABEL_MAX = 40;
/** A raw value as the rep is shown it: without control or invisible characters (which would make it lie or break a line), bounded. */
export function unknownValueText(raw: string): string {
  const clean = raw.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  return clean.length > UNKNOWN_LABEL_MAX ? `${clean.slice(0, UNKNOWN_LABEL_MAX - 1)}…` : clean || '(blank)';
}
/** "sms (unknown to this version)": the raw value, honestly marked. */
export function unknownLabel(raw: string): string {
  return `${unknownValueText(raw)} (unknown to this version)`;
}
export function typeLabel(v: ActivityTypeValue): string { return isKnownType(v) ? ACTIVITY_TYPE_LABELS[v] : unknownLabel(v); }
export function statusLabel(v: ActivityStatusValue): string { return isKnownStatus(v) ? ACTIVITY_STATUS_LABELS[v] : unknownLabel(v); }
export function priorityLabel(v: PriorityValue): string { return isKnownPriority(v) ? PRIORITY_LABELS[v] : unknownLabel(v); }

/**
 * The known type an activity is grouped, filtered and coloured under: its own, or "other" for a
 * type this version does not know (the guide's catch-all, so the type filter "Other" finds it).
 */
export function typeGroup(v: ActivityTypeValue): ActivityType { return isKnownType(v) ? v : 'other'; }

/**
 * Rank for sort_by=priority. A priority this version does not know ranks with medium, just above
 * it (1.5): medium is the guide's default (a record without a priority is medium), so an unknown
 * value is read as "no known urgency", neither buried below the rep's low work nor raised above
 * high, urgent and critical work on a guess. Its own half step keeps the unknown ones together
 * (then by raw value), so an index read and an in-memory sort agree on the order.
 */
export function priorityRank(v: PriorityValue): number { return isKnownPriority(v) ? PRIORITY_RANK[v] : PRIORITY_RANK.medium + 0.5; }

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 100;
export const MIN_SEARCH_LENGTH = 2;
