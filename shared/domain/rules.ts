/**
 * The guide's rules as pure functions: each takes an activity and validated input and returns the
 * new record. The app applies them optimistically offline; the stand-in CRM applies the same ones.
 */
import type { Activity } from './activity.ts';
import {
  OPEN_STATUSES, isKnownPriority, isKnownType, unknownValueText, type ActivityStatusValue, type ActivityType,
} from './enums.ts';
import { ValidationError } from './errors.ts';
import { defaultReminderAt, shiftReminder, type ReminderLeads } from './reminders.ts';
import type {
  CancelActivityInput, CompleteActivityInput, CreateActivityInput, RescheduleActivityInput, UpdateActivityInput,
} from './schemas.ts';
import { instantMs } from './time.ts';
import { assertAction } from './transitions.ts';

/**
 * Open work: pending, in progress, deferred, waiting. A status this version does not know is not
 * open work (so never overdue, never in the overdue queue): counting it would press the rep to act
 * on an activity the app cannot act on; it stays visible in the list and the calendar.
 */
export function isOpen(status: ActivityStatusValue): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

/** Due in the past and still open work (pending, in_progress, deferred, waiting). */
export function isOverdue(a: Pick<Activity, 'due_at' | 'status'>, nowMs: number): boolean {
  return !!a.due_at && isOpen(a.status) && instantMs(a.due_at) < nowMs;
}

export interface CreateContext {
  id: string;
  now: string;
  /** The signed-in user: default assignee and created_by. */
  currentUser: { id: string; name: string; email?: string | null };
  /** Apply the per-type default reminder when none is given (the app does; the server does not). */
  reminderDefaults?: ReminderLeads | false;
}

export function applyCreate(input: CreateActivityInput, ctx: CreateContext): Activity {
  const status = input.status ?? 'pending';
  const reminder =
    input.reminder_at !== undefined
      ? input.reminder_at
      : ctx.reminderDefaults === false || ctx.reminderDefaults === undefined
        ? null
        : defaultReminderAt(input.type, input.due_at, ctx.reminderDefaults);
  const a: Activity = {
    id: ctx.id,
    type: input.type,
    status,
    priority: input.priority ?? 'medium',
    subject: input.subject,
    description: input.description ?? null,
    activityable_type: input.activityable_type,
    activityable_id: input.activityable_id,
    contact_id: input.contact_id ?? null,
    assigned_user_id: input.assigned_user_id ?? ctx.currentUser.id,
    created_by: { id: ctx.currentUser.id, name: ctx.currentUser.name },
    due_at: input.due_at ?? null,
    duration_minutes: input.duration_minutes ?? null,
    location: input.location ?? null,
    reminder_at: reminder,
    follow_up_required: input.follow_up_required ?? false,
    follow_up_date: input.follow_up_date ?? null,
    is_overdue: false,
    is_billable: input.is_billable ?? false,
    billable_rate: input.billable_rate ?? null,
    tags: dedupe(input.tags ?? []),
    custom_fields: input.custom_fields ?? {},
    outcome: input.outcome ?? null,
    completed_at: status === 'completed' ? (input.completed_at ?? ctx.now) : null,
    cancelled_at: null,
    cancellation_reason: null,
    previous_due_at: null,
    rescheduled_count: 0,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  a.is_overdue = isOverdue(a, instantMs(ctx.now));
  return a;
}

export function applyUpdate(a: Activity, patch: UpdateActivityInput, now: string): Activity {
  // A key carrying undefined changes nothing, so it must not trip the completed-notes-only rule.
  const fields = Object.keys(stripUndefined(patch));
  assertAction(a.status, 'update', fields);
  const next: Activity = { ...a, ...stripUndefined(patch), updated_at: now };
  if (patch.tags) next.tags = dedupe(patch.tags);
  if (next.due_at && next.reminder_at && instantMs(next.reminder_at) > instantMs(next.due_at)) {
    throw new ValidationError({ reminder_at: ['The reminder must be at or before the due time.'] });
  }
  next.is_overdue = isOverdue(next, instantMs(now));
  return next;
}

export function applyComplete(a: Activity, input: CompleteActivityInput, now: string): Activity {
  assertAction(a.status, 'complete');
  const next: Activity = {
    ...a,
    status: 'completed',
    completed_at: now,
    outcome: input.outcome ?? a.outcome,
    duration_minutes: input.duration_minutes ?? a.duration_minutes,
    follow_up_required: input.follow_up_required ?? a.follow_up_required,
    follow_up_date: input.follow_up_date !== undefined ? input.follow_up_date : a.follow_up_date,
    tags: input.tags ? dedupe([...a.tags, ...input.tags]) : a.tags,
    is_overdue: false,
    updated_at: now,
  };
  return next;
}

export interface CancelResult {
  cancelled: Activity;
  /** With reschedule=true: the new pending copy. */
  rescheduled: Activity | null;
}

export function applyCancel(a: Activity, input: CancelActivityInput, now: string, newId?: string): CancelResult {
  assertAction(a.status, 'cancel');
  const cancelled: Activity = {
    ...a,
    status: 'cancelled',
    cancelled_at: now,
    cancellation_reason: input.reason ?? null,
    is_overdue: false,
    updated_at: now,
  };
  if (!input.reschedule || !input.reschedule_date) return { cancelled, rescheduled: null };
  if (!newId) throw new Error('applyCancel: reschedule needs an id for the new activity');
  return { cancelled, rescheduled: rescheduledCopy(a, input.reschedule_date, newId, now) };
}

/** The new pending copy a cancel-with-reschedule creates (docs/crm-contract.md "Fields and rules" lists what is copied). */
export function rescheduledCopy(a: Activity, dueAt: string, id: string, now: string): Activity {
  const copy: Activity = {
    ...a,
    id,
    status: 'pending',
    due_at: dueAt,
    reminder_at: a.due_at ? shiftReminder(a.reminder_at, a.due_at, dueAt) : null,
    outcome: null,
    completed_at: null,
    cancelled_at: null,
    cancellation_reason: null,
    previous_due_at: null,
    rescheduled_count: 0,
    follow_up_required: false,
    follow_up_date: null,
    tags: [...a.tags],
    custom_fields: { ...a.custom_fields },
    created_at: now,
    updated_at: now,
  };
  copy.is_overdue = isOverdue(copy, instantMs(now));
  return copy;
}

export function applyReschedule(a: Activity, input: RescheduleActivityInput, now: string): Activity {
  assertAction(a.status, 'reschedule');
  const next: Activity = {
    ...a,
    status: a.status === 'deferred' || a.status === 'waiting' ? 'pending' : a.status,
    previous_due_at: a.due_at,
    rescheduled_count: a.rescheduled_count + 1,
    due_at: input.new_due_at,
    reminder_at: input.update_reminder ? shiftReminder(a.reminder_at, a.due_at, input.new_due_at) : a.reminder_at,
    priority: input.priority ?? a.priority,
    updated_at: now,
  };
  next.is_overdue = isOverdue(next, instantMs(now));
  return next;
}

/**
 * "Recreate" a cancelled activity: a create input copied from it, due at the given time. The app
 * only sends values it knows: a type this version does not know must be replaced by `type` (else a
 * field error says so), and a priority it does not know is left to the default (medium).
 */
export function recreateInput(a: Activity, dueAt: string | null, type?: ActivityType): CreateActivityInput {
  assertActionRecreate(a);
  const knownType = type ?? (isKnownType(a.type) ? a.type : undefined);
  if (!knownType) {
    throw new ValidationError({ type: [`${unknownValueText(a.type)} is a type this version of Fieldbook does not know; choose a type for the new activity.`] });
  }
  return {
    type: knownType,
    subject: a.subject,
    activityable_type: a.activityable_type,
    activityable_id: a.activityable_id,
    description: a.description,
    contact_id: a.contact_id,
    assigned_user_id: a.assigned_user_id,
    due_at: dueAt,
    duration_minutes: a.duration_minutes,
    priority: isKnownPriority(a.priority) ? a.priority : undefined,
    location: a.location,
    tags: [...a.tags],
    custom_fields: { ...a.custom_fields },
    is_billable: a.is_billable,
    billable_rate: a.billable_rate,
  };
}

function assertActionRecreate(a: Activity): void {
  assertAction(a.status, 'recreate');
}

function dedupe(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
