/**
 * The one iCalendar (RFC 5545) writer: one activity as one VEVENT. The `.ics` export
 * (shared/export/ics.ts) and the CalDAV calendar objects (toCalendarObject, one event per
 * resource, issue #14) both come from eventLines here, so an event reads the same either way.
 * Hand-written because it is small and must be exact (escaping, 75-octet folding, CRLF); tests
 * check it with the ical.js parser.
 */
import type { Activity } from '../domain/activity.ts';
import { isKnownPriority, isKnownStatus, type ActivityStatus, type Priority } from '../domain/enums.ts';
import { isOpen } from '../domain/rules.ts';
import { instantMs } from '../domain/time.ts';

/** What an event needs of an activity; Activity and the store's LocalActivity both fit. */
export type IcalActivity = Pick<
  Activity,
  'status' | 'priority' | 'subject' | 'description' | 'location' | 'due_at' | 'duration_minutes' | 'reminder_at' | 'tags' | 'outcome'
> &
  Partial<Pick<Activity, 'created_at' | 'updated_at' | 'rescheduled_count' | 'activityable' | 'contact'>> & {
    id?: string;
    lid?: string;
    server_id?: string | null;
  };

export interface IcalEventOptions {
  /** DTSTAMP: when the event is written (passed in, so output is reproducible). */
  now: string;
  /** Length of events whose activity has no duration (RFC 5545 would make them zero-length). */
  defaultDurationMinutes?: number;
  /** Right-hand side of every UID. */
  uidDomain?: string;
}

export const PRODID = '-//Fieldbook//Fieldbook Activities//EN';

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

/** Content lines → the text: each folded, CRLF after every line. */
export function joinLines(lines: readonly string[]): string {
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
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

/** The event's UID: from the local id first (stable from creation on, before the CRM knows it). */
export function icsUid(a: Pick<IcalActivity, 'id' | 'lid' | 'server_id'>, domain = 'fieldbook.local'): string {
  const key = a.lid ?? a.server_id ?? a.id;
  if (!key) throw new Error('An activity needs a lid or an id to be exported.');
  return `${key}@${domain}`;
}

export function hasDueTime(a: IcalActivity): a is IcalActivity & { due_at: string } {
  return !!a.due_at && !Number.isNaN(instantMs(a.due_at));
}

/** The DESCRIPTION text: the activity's description, what it is about and with whom, the outcome. */
export function eventDescription(a: IcalActivity): string {
  return [
    a.description,
    a.activityable?.name ? `Related: ${a.activityable.name}` : null,
    a.contact?.name ? `Contact: ${a.contact.name}` : null,
    a.outcome ? `Outcome: ${a.outcome}` : null,
  ]
    .filter((x): x is string => !!x)
    .join('\n\n');
}

/** The content lines (unfolded) of one VEVENT, BEGIN to END. */
export function eventLines(a: IcalActivity & { due_at: string }, opts: IcalEventOptions): string[] {
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
  const description = eventDescription(a);
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

/** The VCALENDAR head every object starts with (METHOD only for published files, not CalDAV resources). */
export function calendarHead(extra: readonly string[] = []): string[] {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'CALSCALE:GREGORIAN', ...extra];
}

/**
 * One CalDAV calendar object resource (RFC 4791 §4.1): a VCALENDAR holding this activity's one
 * VEVENT, no METHOD. Throws when the activity has no due time (a calendar event needs a start).
 */
export function toCalendarObject(a: IcalActivity, opts: IcalEventOptions): string {
  if (!hasDueTime(a)) throw new RangeError('An activity without a due time has no calendar event.');
  return joinLines([...calendarHead(), ...eventLines(a, opts), 'END:VCALENDAR']);
}
