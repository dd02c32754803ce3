/** The activity record as the central CRM returns it (detail shape), and its tolerant parser. */
import { z } from 'zod';
import {
  ACTIVITYABLE_TYPES, priorityValue, statusValue, typeValue,
  type ActivityableType, type ActivityStatusValue, type ActivityTypeValue, type PriorityValue,
} from './enums.ts';

export interface EntityRef {
  id: string;
  name: string;
  /** Opportunities: deal value (the overdue queue sorts by it). */
  value?: number | null;
  stage?: string | null;
  email?: string | null;
  phone?: string | null;
  /** IANA zone where known (customer-local time). */
  time_zone?: string | null;
}

export interface UserRef {
  id: string;
  name: string;
  email?: string | null;
}

/** Every field of the guide's create, detail, complete, cancel and reschedule bodies and responses. */
export interface Activity {
  id: string;
  /** A value the guide does not list (a newer CRM's) is kept as sent: see enums.ts, UnknownValue. */
  type: ActivityTypeValue;
  status: ActivityStatusValue;
  priority: PriorityValue;
  subject: string;
  description: string | null;
  activityable_type: ActivityableType;
  activityable_id: string;
  activityable?: EntityRef | null;
  contact_id: string | null;
  contact?: EntityRef | null;
  assigned_user_id: string;
  assigned_user?: UserRef | null;
  created_by?: UserRef | null;
  due_at: string | null;
  duration_minutes: number | null;
  location: string | null;
  reminder_at: string | null;
  follow_up_required: boolean;
  follow_up_date: string | null;
  is_overdue: boolean;
  is_billable: boolean;
  billable_rate: number | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  outcome: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  cancellation_reason: string | null;
  previous_due_at: string | null;
  rescheduled_count: number;
  created_at: string;
  updated_at: string;
}

/** The fields a rep edits; what sync merges field by field. */
export const MERGEABLE_FIELDS = [
  'type', 'status', 'priority', 'subject', 'description', 'activityable_type', 'activityable_id', 'contact_id',
  'assigned_user_id', 'due_at', 'duration_minutes', 'location', 'reminder_at', 'follow_up_required',
  'follow_up_date', 'is_billable', 'billable_rate', 'tags', 'custom_fields', 'outcome', 'completed_at',
  'cancelled_at', 'cancellation_reason', 'previous_due_at', 'rescheduled_count',
] as const satisfies readonly (keyof Activity)[];
export type MergeableField = (typeof MERGEABLE_FIELDS)[number];

/** Ids as strings; a CRM with integer keys sends numbers. */
const idish = z.union([z.string(), z.number().transform(String)]);
/** Numbers; servers with decimal casts send them as strings ("150.00"). */
const numberish = z.union([
  z.number(),
  z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number),
]);
/**
 * A date-only field some servers send as midnight UTC ("2025-12-23T00:00:00.000000Z"): keep the
 * date as written, never convert it through a zone (which would shift it a day west of UTC).
 */
const dateOnlyish = z.string().transform((s) => (/^\d{4}-\d{2}-\d{2}T/.test(s) ? s.slice(0, 10) : s));

const entityRef = z.looseObject({
  id: idish,
  name: z.string(),
  value: numberish.nullish(),
  stage: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  time_zone: z.string().nullish(),
});
const userRef = z.looseObject({ id: idish, name: z.string(), email: z.string().nullish() });

/**
 * An enumeration's value as a server sends it: any non-blank text, known or not. A CRM may add
 * types, statuses and priorities the guide does not list; such a row is kept with its raw value.
 */
const enumish = <T>(toValue: (raw: string) => T) => z.string().trim().min(1).max(200).transform(toValue);

/**
 * An activity as a server sends it. Tolerant: list items may omit fields the detail has, unknown
 * fields are kept, and so are types, statuses and priorities the guide does not list. `id`,
 * `type`, `status` and `subject` are the minimum to place it anywhere.
 */
export const remoteActivitySchema = z.looseObject({
  id: idish,
  type: enumish(typeValue),
  status: enumish(statusValue),
  priority: enumish(priorityValue).optional(),
  subject: z.string(),
  description: z.string().nullish(),
  activityable_type: z.enum(ACTIVITYABLE_TYPES).optional(),
  activityable_id: idish.optional(),
  activityable: entityRef.nullish(),
  contact_id: idish.nullish(),
  contact: entityRef.nullish(),
  assigned_user_id: idish.nullish(),
  assigned_user: userRef.nullish(),
  created_by: userRef.nullish(),
  due_at: z.string().nullish(),
  duration_minutes: numberish.nullish(),
  location: z.string().nullish(),
  reminder_at: z.string().nullish(),
  follow_up_required: z.boolean().nullish(),
  follow_up_date: dateOnlyish.nullish(),
  is_overdue: z.boolean().optional(),
  is_billable: z.boolean().nullish(),
  billable_rate: numberish.nullish(),
  tags: z.array(z.string()).nullish(),
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
  outcome: z.string().nullish(),
  completed_at: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  cancellation_reason: z.string().nullish(),
  previous_due_at: z.string().nullish(),
  rescheduled_count: numberish.nullish(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type RemoteActivity = z.infer<typeof remoteActivitySchema>;

/** Fields a complete record must carry; a list item missing any of them is completed from the detail endpoint. */
export const DETAIL_FIELDS = [
  'priority', 'description', 'activityable_type', 'activityable_id', 'contact_id', 'assigned_user_id', 'due_at',
  'duration_minutes', 'location', 'reminder_at', 'follow_up_required', 'follow_up_date', 'is_billable',
  'billable_rate', 'tags', 'custom_fields', 'updated_at',
] as const;

export function isPartialRemote(a: RemoteActivity): boolean {
  return DETAIL_FIELDS.some((f) => !(f in a));
}

/** Fill a remote record's missing fields with the guide's defaults, giving a full Activity. */
export function normalizeRemote(r: RemoteActivity): Activity {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    priority: r.priority ?? 'medium',
    subject: r.subject,
    description: r.description ?? null,
    activityable_type: r.activityable_type ?? 'customer',
    activityable_id: r.activityable_id ?? r.activityable?.id ?? '',
    activityable: r.activityable ?? null,
    contact_id: r.contact_id ?? r.contact?.id ?? null,
    contact: r.contact ?? null,
    assigned_user_id: r.assigned_user_id ?? r.assigned_user?.id ?? '',
    assigned_user: r.assigned_user ?? null,
    created_by: r.created_by ?? null,
    due_at: r.due_at ?? null,
    duration_minutes: r.duration_minutes ?? null,
    location: r.location ?? null,
    reminder_at: r.reminder_at ?? null,
    follow_up_required: r.follow_up_required ?? false,
    follow_up_date: r.follow_up_date ?? null,
    is_overdue: r.is_overdue ?? false,
    is_billable: r.is_billable ?? false,
    billable_rate: r.billable_rate ?? null,
    tags: r.tags ?? [],
    custom_fields: r.custom_fields ?? {},
    outcome: r.outcome ?? null,
    completed_at: r.completed_at ?? null,
    cancelled_at: r.cancelled_at ?? null,
    cancellation_reason: r.cancellation_reason ?? null,
    previous_due_at: r.previous_due_at ?? null,
    rescheduled_count: r.rescheduled_count ?? 0,
    created_at: r.created_at ?? '',
    updated_at: r.updated_at ?? '',
  };
}
