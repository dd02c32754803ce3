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

/** low < medium < high < urgent < critical (CONTRACT-NOTES, sort_by=priority). */
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

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 100;
export const MIN_SEARCH_LENGTH = 2;
