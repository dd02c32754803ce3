/**
 * Customer-local time: a due time shown in the rep's zone and, where the contact or related
 * record has one, in the customer's zone beside it (scheduling form, reminders).
 */
import { TZDate, tzName } from '@date-fns/tz';
import { format } from 'date-fns';
import { z } from 'zod';
import type { EntityRef } from './activity.ts';
import { instantMs } from './time.ts';

/** True for a zone the platform's Intl knows (IANA names such as Europe/Berlin, or UTC). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string({ error: 'Choose a time zone, e.g. Europe/Berlin.' })
  .refine(isValidTimeZone, { error: 'Choose a time zone from the list, e.g. Europe/Berlin or America/New_York.' });

/** A moment as the clock on the wall shows it in one zone. */
export interface ZonedTime {
  zone: string;
  /** Calendar day there, YYYY-MM-DD. */
  date: string;
  /** 24-hour clock there, HH:mm. */
  time: string;
  /** Short weekday there, e.g. "Mon". */
  weekday: string;
  /** Short zone name at that moment as Intl (en-US) gives it, e.g. "EDT", "PST" or "GMT+1". */
  abbreviation: string;
  /** Offset from UTC in minutes at that moment (east positive). */
  offsetMinutes: number;
}

export function zonedTime(iso: string, zone: string): ZonedTime {
  const ms = instantMs(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not a date and time: ${iso}`);
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${zone}`);
  const d = new TZDate(ms, zone);
  return {
    zone,
    date: format(d, 'yyyy-MM-dd'),
    time: format(d, 'HH:mm'),
    weekday: format(d, 'EEE'),
    abbreviation: tzName(zone, d, 'short'),
    // TZDate.getTimezoneOffset follows Date: minutes *behind* UTC, so flip the sign.
    offsetMinutes: -d.getTimezoneOffset(),
  };
}

export interface LocalTimePair {
  rep: ZonedTime;
  /** null when the customer's zone is unknown or invalid. */
  customer: ZonedTime | null;
  /** Customer's calendar day relative to the rep's: -1 the day before, +1 the day after. */
  dayDiff: number;
  /** True when both clocks show the same time (then the UI shows one). */
  sameClock: boolean;
  /** Customer's hour falls outside the working hours given (default 08:00–18:00). */
  outsideCustomerHours: boolean;
  /** E.g. "Customer: 03:00 EST (previous day)"; empty when there is nothing to add. */
  label: string;
}

export interface WorkingHours {
  /** First hour of the working day, 0–23. */
  start: number;
  /** Hour the working day ends (exclusive), 1–24. */
  end: number;
}
const DEFAULT_HOURS: WorkingHours = { start: 8, end: 18 };

/** The due time in the rep's zone and beside it in the customer's, with a one-line label. */
export function customerLocalTime(
  iso: string,
  repZone: string,
  customerZone: string | null | undefined,
  hours: WorkingHours = DEFAULT_HOURS,
): LocalTimePair {
  const rep = zonedTime(iso, repZone);
  if (!customerZone || !isValidTimeZone(customerZone)) {
    return { rep, customer: null, dayDiff: 0, sameClock: true, outsideCustomerHours: false, label: '' };
  }
  const customer = zonedTime(iso, customerZone);
  const dayDiff = Math.round((Date.parse(`${customer.date}T00:00:00Z`) - Date.parse(`${rep.date}T00:00:00Z`)) / 86_400_000);
  const sameClock = dayDiff === 0 && customer.time === rep.time;
  const [h = 0, m = 0] = customer.time.split(':').map(Number);
  const minutes = h * 60 + m;
  const outsideCustomerHours = minutes < hours.start * 60 || minutes >= hours.end * 60;
  const day = dayDiff === 0 ? '' : dayDiff === 1 ? ' (next day)' : dayDiff === -1 ? ' (previous day)' : ` (${customer.weekday} ${customer.date})`;
  const label = sameClock ? '' : `Customer: ${customer.time} ${customer.abbreviation}${day}`;
  return { rep, customer, dayDiff, sameClock, outsideCustomerHours, label };
}

/** The customer's zone: the contact's if known (it's the person on the call), else the related record's. */
export function customerZoneOf(a: { contact?: EntityRef | null; activityable?: EntityRef | null }): string | null {
  for (const z of [a.contact?.time_zone, a.activityable?.time_zone]) {
    if (z && isValidTimeZone(z)) return z;
  }
  return null;
}

/** One line for reminders and lists: "Thu 09:00 CET · Customer: 03:00 EST" (the rep's part alone when no zone is known). */
export function dueTimeLabel(iso: string, repZone: string, customerZone?: string | null): string {
  const pair = customerLocalTime(iso, repZone, customerZone);
  const rep = `${pair.rep.weekday} ${pair.rep.time} ${pair.rep.abbreviation}`;
  return pair.label ? `${rep} · ${pair.label}` : rep;
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * When the calendar day `day` (YYYY-MM-DD) plus `addDays` days begins, as epoch milliseconds:
 * midnight in `zone`, or in UTC without one. Null when `day` is not written YYYY-MM-DD. A range of
 * days [from, to] is [dayStartMs(from, zone), dayStartMs(to, zone, 1)). Over a daylight-saving
 * change the day is 23 or 25 hours long: the next day's midnight is found, not added as 24 hours.
 */
export function dayStartMs(day: string, zone?: string | null, addDays = 0): number | null {
  const m = CALENDAR_DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays];
  return zone ? new TZDate(y, mo, d, zone).getTime() : Date.UTC(y, mo, d);
}
