/** Default reminder lead times (the guide's Best Practice 5); types it doesn't name are configurable. */
import { typeGroup, type ActivityType, type ActivityTypeValue } from './enums.ts';
import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import { addMinutes, instantMs, minutesBetween } from './time.ts';

const DAY = 24 * 60;

/**
 * Minutes before due_at; every type has one (the rep changes or turns it off in Settings).
 * The guide names calls, meetings, tasks and demos; the rest follow the nearest of those:
 * things the rep travels to an hour ahead, documents to prepare a day ahead, quick contacts 15 min.
 */
export const DEFAULT_REMINDER_LEAD_MINUTES: Record<ActivityType, number | null> = {
  call: 15,
  meeting: 30,
  task: DAY,
  demo: DAY,
  visit: 60, appointment: 60, training: 60, research: 60, quote: 60,
  presentation: DAY, proposal: DAY, contract: DAY,
  webinar: 30, follow_up: 30,
  email: 15, note: 15, support: 15, escalation: 15, other: 15,
};

export type ReminderLeads = Partial<Record<ActivityType, number | null>>;

/** The lead for a type: the rep's setting where given, else the guide's default; an unknown type takes Other's. */
export function reminderLead(value: ActivityTypeValue, overrides: ReminderLeads = {}): number | null {
  const type = typeGroup(value);
  return type in overrides ? (overrides[type] ?? null) : DEFAULT_REMINDER_LEAD_MINUTES[type];
}

/** reminder_at for a new activity without one: due_at minus the lead, or null. */
export function defaultReminderAt(type: ActivityTypeValue, dueAt: string | null | undefined, overrides: ReminderLeads = {}): string | null {
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

/** The snoozes a reminder offers, on the desktop's pop-up and in the app's reminder centre alike. */
export type SnoozeChoice = '5m' | '15m' | '60m' | 'tomorrow9';

/** When a snooze chosen at `now` ends; "tomorrow 9:00" in the rep's zone. */
export function snoozeUntil(now: number, choice: SnoozeChoice, zone: string): number {
  switch (choice) {
    case '5m':
      return now + 5 * 60_000;
    case '15m':
      return now + 15 * 60_000;
    case '60m':
      return now + 60 * 60_000;
    case 'tomorrow9': {
      const local = addDays(new TZDate(now, zone), 1);
      local.setHours(9, 0, 0, 0);
      return local.getTime();
    }
  }
}
