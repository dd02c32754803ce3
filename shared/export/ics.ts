/**
 * iCalendar (RFC 5545) export of activities: one VEVENT per activity with a due time, reminders
 * as VALARMs. Hand-written because it is small and must be exact (escaping, 75-octet folding,
 * CRLF); tests check it with the ical.js parser.
 */
import type { Activity } from '../domain/activity.ts';
import { isKnownPriority, isKnownStatus, type ActivityStatus, type Priority } from '../domain/enums.ts';
import { isOpen } from '../domain/rules.ts';
import { instantMs } from '../domain/time.ts';

/** What the export needs of an activity; Activity and the store's LocalActivity both fit. */
export type IcsActivity = Pick<
  Activity,
  'status' | 'priority' | 'subject' | 'description' | 'location' | 'due_at' | 'duration_minutes' | 'reminder_at' | 'tags' | 'outcome'
> &
  Partial<Pick<Activity, 'created_at' | 'updated_at' | 'rescheduled_count'>> & {
    id?: string;
    lid?: string;
    server_id?: string | null;
  };

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

const PRODID = '-//Fieldbook//Fieldbook Activities//EN';

/** RFC 5545 STATUS for VEVENT has TENTATIVE, CONFIRMED and CANCELLED only. */
export const ICS_STATUS: Record<ActivityStatus, 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED'> = {
  pending: 'CONFIRMED',
  in_progress: 'CONFIRMED',
  completed: 'CONFIRMED',
  cancelled: 'CANCELLED',
  deferred: 'TENTATIVE',
  waiting: 'TENTATIVE',
};

/** RFC 5545 PRIORITY: 1 highest … 9 lowest (5 = normal). */
export const ICS_PRIORITY: Record<Priority, number> = { critical: 1, urgent: 2, high: 3, medium: 5, low: 9 };

/** TEXT value escaping (RFC 5545 §3.3.11); control characters other than tab are dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

const encoder = new TextEncoder();

/**
 * Fold one content line so no physical line exceeds 75 octets (RFC 5545 §3.1). Continuation
 * lines start with a space, which counts toward their 75; a UTF-8 sequence is never split.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

/** 20251220T140000Z */
export function icsDateTime(iso: string): string {
  const ms = instantMs(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not a date and time: ${iso}`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** RFC 5545 DURATION from seconds, e.g. -PT15M, -P1D, PT1H30M. */
export function icsDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  let s = Math.round(Math.abs(seconds));
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let time = '';
  if (h) time += `${h}H`;
  if (m) time += `${m}M`;
  if (s) time += `${s}S`;
  if (!days && !time) return 'PT0S';
  return `${sign}P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

export function icsUid(a: Pick<IcsActivity, 'id' | 'lid' | 'server_id'>, domain = 'fieldbook.local'): string {
  const key = a.lid ?? a.server_id ?? a.id;
  if (!key) throw new Error('An activity needs a lid or an id to be exported.');
  return `${key}@${domain}`;
}

function eventLines(a: IcsActivity & { due_at: string }, opts: IcsOptions): string[] {
  const startMs = instantMs(a.due_at);
  const minutes = a.duration_minutes ?? opts.defaultDurationMinutes ?? 30;
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(icsUid(a, opts.uidDomain))}`,
    `DTSTAMP:${icsDateTime(opts.now)}`,
    `DTSTART:${icsDateTime(a.due_at)}`,
    `DTEND:${icsDateTime(new Date(startMs + minutes * 60_000).toISOString())}`,
    `SUMMARY:${escapeText(a.subject)}`,
  ];
  const description = [a.description, a.outcome ? `Outcome: ${a.outcome}` : null].filter((x): x is string => !!x).join('\n\n');
  if (description) lines.push(`DESCRIPTION:${escapeText(description)}`);
  if (a.location) lines.push(`LOCATION:${escapeText(a.location)}`);
  if (a.tags.length) lines.push(`CATEGORIES:${a.tags.map(escapeText).join(',')}`);
  // A status or priority this version does not know: no STATUS (RFC 5545 makes it optional), normal priority.
  if (isKnownStatus(a.status)) lines.push(`STATUS:${ICS_STATUS[a.status]}`);
  lines.push(`PRIORITY:${isKnownPriority(a.priority) ? ICS_PRIORITY[a.priority] : ICS_PRIORITY.medium}`);
  if (a.rescheduled_count) lines.push(`SEQUENCE:${a.rescheduled_count}`);
  if (a.created_at && !Number.isNaN(instantMs(a.created_at))) lines.push(`CREATED:${icsDateTime(a.created_at)}`);
  if (a.updated_at && !Number.isNaN(instantMs(a.updated_at))) lines.push(`LAST-MODIFIED:${icsDateTime(a.updated_at)}`);
  // Closed work needs no reminder; an alarm for a cancelled or done activity would only nag.
  if (a.reminder_at && isOpen(a.status) && !Number.isNaN(instantMs(a.reminder_at))) {
    const seconds = (instantMs(a.reminder_at) - startMs) / 1000;
    lines.push(
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `DESCRIPTION:${escapeText(`Reminder: ${a.subject}`)}`,
      `TRIGGER;RELATED=START:${icsDuration(seconds)}`,
      'END:VALARM',
    );
  }
  lines.push('END:VEVENT');
  return lines;
}

function overlaps(a: IcsActivity & { due_at: string }, range: { from: string; to: string }, defaultMinutes: number): boolean {
  const start = instantMs(a.due_at);
  const end = start + (a.duration_minutes ?? defaultMinutes) * 60_000;
  // A zero-length event at the range start still belongs to it.
  return start < instantMs(range.to) && (end > instantMs(range.from) || start === instantMs(range.from));
}

/** The .ics text for the given activities (ordered by due time), with what was left out. */
export function toIcs(activities: readonly IcsActivity[], opts: IcsOptions): IcsResult {
  const hasDue = (a: IcsActivity): a is IcsActivity & { due_at: string } => !!a.due_at && !Number.isNaN(instantMs(a.due_at));
  const skipped = activities.filter((a) => !hasDue(a));
  const withDue = activities
    .filter(hasDue)
    .filter((a) => !opts.range || overlaps(a, opts.range, opts.defaultDurationMinutes ?? 30))
    .sort((x, y) => instantMs(x.due_at) - instantMs(y.due_at));
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  if (opts.calendarName) lines.push(`X-WR-CALNAME:${escapeText(opts.calendarName)}`);
  for (const a of withDue) lines.push(...eventLines(a, opts));
  lines.push('END:VCALENDAR');
  return { text: `${lines.map(foldLine).join('\r\n')}\r\n`, included: withDue.length, skipped };
}

/** A file name for a range export, e.g. fieldbook-2025-12-01_2025-12-31.ics */
export function icsFileName(fromDate: string, toDate: string): string {
  const clean = (s: string) => s.replace(/[^0-9A-Za-z-]/g, '');
  return `fieldbook-${clean(fromDate)}_${clean(toDate)}.ics`;
}
