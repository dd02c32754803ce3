/** Default reminder lead times (the guide's Best Practice 5); types it doesn't name are configurable. */
import type { ActivityType } from './enums.ts';
import { addMinutes, instantMs, minutesBetween } from './time.ts';

const DAY = 24 * 60;

/** Minutes before due_at. `null` = no reminder unless the rep sets one in Settings. */
export const DEFAULT_REMINDER_LEAD_MINUTES: Record<ActivityType, number | null> = {
  call: 15,
  meeting: 30,
  task: DAY,
  demo: DAY,
  email: null, note: null, presentation: null, proposal: null, follow_up: null, quote: null, contract: null,
  appointment: null, visit: null, webinar: null, training: null, support: null, escalation: null, research: null,
  other: null,
};

export type ReminderLeads = Partial<Record<ActivityType, number | null>>;

/** The lead for a type: the rep's setting where given, else the guide's default. */
export function reminderLead(type: ActivityType, overrides: ReminderLeads = {}): number | null {
  return type in overrides ? (overrides[type] ?? null) : DEFAULT_REMINDER_LEAD_MINUTES[type];
}

/** reminder_at for a new activity without one: due_at minus the lead, or null. */
export function defaultReminderAt(type: ActivityType, dueAt: string | null | undefined, overrides: ReminderLeads = {}): string | null {
  if (!dueAt) return null;
  const lead = reminderLead(type, overrides);
  return lead === null ? null : addMinutes(dueAt, -lead);
}

/** Keep the same lead time when due_at moves (reschedule with update_reminder). */
export function shiftReminder(reminderAt: string | null, oldDueAt: string | null, newDueAt: string): string | null {
  if (!reminderAt || !oldDueAt) return reminderAt;
  return addMinutes(newDueAt, -minutesBetween(reminderAt, oldDueAt));
}

/** True when the reminder time has come (and is not far past the due time of a closed activity). */
export function isReminderDue(reminderAt: string | null, nowMs: number): boolean {
  return !!reminderAt && instantMs(reminderAt) <= nowMs;
}
