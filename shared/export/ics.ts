/**
 * iCalendar (RFC 5545) export of activities: one VEVENT per activity with a due time, reminders
 * as VALARMs. Each event comes from the one writer, shared/ical/event.ts (the CalDAV events use
 * it too); this file makes the file around them. Tests check it with the ical.js parser.
 */
import {
  calendarHead,
  escapeText,
  eventLines,
  hasDueTime,
  joinLines,
  type IcalActivity,
} from '../ical/event.ts';
import { instantMs } from '../domain/time.ts';

export { escapeText, foldLine, ICS_PRIORITY, ICS_STATUS, icsDateTime, icsDuration, icsUid } from '../ical/event.ts';

/** What the export needs of an activity; Activity and the store's LocalActivity both fit. */
export type IcsActivity = IcalActivity;

export interface IcsOptions {
  /** DTSTAMP: when the file is made (passed in, so output is reproducible). */
  now: string;
  /** Shown as the calendar's name by apps that read X-WR-CALNAME. */
  calendarName?: string;
  /** Length of events whose activity has no duration (RFC 5545 would make them zero-length). */
  defaultDurationMinutes?: number;
  /** Right-hand side of every UID. */
  uidDomain?: string;
  /** Only events overlapping [from, to) (instants); others are left out silently. */
  range?: { from: string; to: string };
}

export interface IcsResult {
  text: string;
  /** Number of VEVENTs written. */
  included: number;
  /** Activities left out because they have no due time (a calendar needs a start). */
  skipped: IcsActivity[];
}

function overlaps(a: IcsActivity & { due_at: string }, range: { from: string; to: string }, defaultMinutes: number): boolean {
  const start = instantMs(a.due_at);
  const end = start + (a.duration_minutes ?? defaultMinutes) * 60_000;
  // A zero-length event at the range start still belongs to it.
  return start < instantMs(range.to) && (end > instantMs(range.from) || start === instantMs(range.from));
}

/** The .ics text for the given activities (ordered by due time), with what was left out. */
export function toIcs(activities: readonly IcsActivity[], opts: IcsOptions): IcsResult {
  const skipped = activities.filter((a) => !hasDueTime(a));
  const withDue = activities
    .filter(hasDueTime)
    .filter((a) => !opts.range || overlaps(a, opts.range, opts.defaultDurationMinutes ?? 30))
    .sort((x, y) => instantMs(x.due_at) - instantMs(y.due_at));
  const lines = calendarHead(['METHOD:PUBLISH']);
  if (opts.calendarName) lines.push(`X-WR-CALNAME:${escapeText(opts.calendarName)}`);
  for (const a of withDue) lines.push(...eventLines(a, opts));
  lines.push('END:VCALENDAR');
  return { text: joinLines(lines), included: withDue.length, skipped };
}

/** A file name for a range export, e.g. fieldbook-2025-12-01_2025-12-31.ics */
export function icsFileName(fromDate: string, toDate: string): string {
  const clean = (s: string) => s.replace(/[^0-9A-Za-z-]/g, '');
  return `fieldbook-${clean(fromDate)}_${clean(toDate)}.ics`;
}
