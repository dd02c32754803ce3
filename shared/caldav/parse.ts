/**
 * Reading calendar object resources that come back from the server (issue #14, inbound side):
 * what an event says about its time, parsed with ical.js (the parser calendar software is tested
 * against; iCalendar has line folding, escaping, time zones and recurrence rules that a
 * hand-written reader would get wrong). The writer stays shared/ical/event.ts.
 */
import { TZDate } from '@date-fns/tz';
import ICAL from 'ical.js';
import { isValidTimeZone } from '../domain/local-time.ts';
import type { BusyInterval } from '../domain/load.ts';

export const FIELDBOOK_UID_DOMAIN = 'fieldbook.local';

export interface ParsedEvent {
  uid: string;
  /** Start and end as instants (epoch ms). For an all-day event, midnight UTC of its dates. */
  startMs: number;
  endMs: number;
  /** DTSTART is a DATE (no time of day). */
  allDay: boolean;
  status: 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED' | null;
  /** TRANSP:TRANSPARENT: the event does not take the time (RFC 5545 §3.8.2.7; default OPAQUE). */
  transparent: boolean;
  /** The master has an RRULE or RDATE, or the object holds RECURRENCE-ID overrides. */
  recurring: boolean;
  sequence: number;
}

export class CalendarParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarParseError';
  }
}

function root(text: string): ICAL.Component {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    throw new CalendarParseError(`Not an iCalendar object: ${e instanceof Error ? e.message : String(e)}`);
  }
  // A text with several VCALENDARs parses to an array of them; a resource holds one.
  const first = Array.isArray(jcal) && Array.isArray(jcal[0]) ? (jcal[0] as unknown[]) : (jcal as unknown[]);
  const cal = new ICAL.Component(first as [string, unknown[], unknown[]]);
  if (cal.name !== 'vcalendar') throw new CalendarParseError('Not an iCalendar object: no VCALENDAR.');
  // DTSTART;TZID=… resolves through the object's own VTIMEZONE (ical.js looks in the component
  // tree); nothing is registered in ical.js's process-wide registry, where the first object to
  // define a zone would decide it for every later one.
  return cal;
}

/**
 * An ICAL.Time as an instant. A TZID the object does not define (RFC 7809 lets servers leave
 * out VTIMEZONE for IANA zones) leaves ical.js with a floating time: it is read in that IANA zone.
 */
function instant(t: ICAL.Time, tzid?: string | null): number {
  if (!t.isDate && tzid && t.zone === ICAL.Timezone.localTimezone && isValidTimeZone(tzid)) {
    return new TZDate(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, tzid).getTime();
  }
  return t.toUnixTime() * 1000;
}

function tzidOf(c: ICAL.Component, name: 'dtstart' | 'dtend'): string | null {
  const v = c.getFirstProperty(name)?.getParameter('tzid');
  return typeof v === 'string' ? v : null;
}

function eventOf(vevent: ICAL.Component, recurring: boolean): ParsedEvent {
  const ev = new ICAL.Event(vevent);
  const start = ev.startDate as ICAL.Time | null;
  if (!start) throw new CalendarParseError('The event has no DTSTART.');
  const end = ev.endDate as ICAL.Time | null;
  const startMs = instant(start, tzidOf(vevent, 'dtstart'));
  // No DTEND nor DURATION: a DATE lasts one day, a DATE-TIME no time (RFC 5545 §3.6.1).
  const endMs = end ? instant(end, tzidOf(vevent, vevent.hasProperty('dtend') ? 'dtend' : 'dtstart')) : start.isDate ? startMs + 86_400_000 : startMs;
  const status = vevent.getFirstPropertyValue('status');
  const sequence = Number(vevent.getFirstPropertyValue('sequence') ?? 0);
  return {
    uid: String(ev.uid ?? ''),
    startMs,
    endMs: Math.max(endMs, startMs),
    allDay: start.isDate,
    status: status === 'TENTATIVE' || status === 'CONFIRMED' || status === 'CANCELLED' ? status : null,
    transparent: String(vevent.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT',
    recurring,
    sequence: Number.isFinite(sequence) ? sequence : 0,
  };
}

function masterOf(cal: ICAL.Component): { master: ICAL.Component | null; events: ICAL.Component[] } {
  const events = cal.getAllSubcomponents('vevent');
  const master = events.find((e) => !e.hasProperty('recurrence-id')) ?? events[0] ?? null;
  return { master, events };
}

/**
 * The one event of a calendar object resource (its master VEVENT, the one without RECURRENCE-ID),
 * or null when the object holds no VEVENT (a VTODO, a VJOURNAL). Throws CalendarParseError when
 * the text is not iCalendar or the event has no start.
 */
export function parseCalendarObject(text: string): ParsedEvent | null {
  const { master, events } = masterOf(root(text));
  if (!master) return null;
  const recurring = master.hasProperty('rrule') || master.hasProperty('rdate') || events.length > 1;
  return eventOf(master, recurring);
}

/** The local id behind a UID Fieldbook wrote (shared/ical/event.ts icsUid), or null for anyone else's event. */
export function fieldbookLid(uid: string, domain = FIELDBOOK_UID_DOMAIN): string | null {
  const suffix = `@${domain}`;
  if (!uid.endsWith(suffix)) return null;
  const lid = uid.slice(0, -suffix.length);
  return lid && !lid.includes('@') ? lid : null;
}

/** Occurrences stepped through per event at most (a daily rule from 20 years ago is ~7 300), so a rule without an end cannot spin. */
const MAX_STEPS = 20_000;

/**
 * The time an event takes between fromMs and toMs, as intervals (a recurring event's
 * occurrences, with its overrides and EXDATEs). Nothing for an event that does not take time:
 * transparent, cancelled, or all-day (an all-day entry marks a day rather than booking its hours,
 * and counting it as 24 hours booked would flag every such day over-scheduled).
 */
export function busyIntervals(text: string, fromMs: number, toMs: number): BusyInterval[] {
  const cal = root(text);
  const { master, events } = masterOf(cal);
  if (!master) return [];
  const takesTime = (p: ParsedEvent) => !p.transparent && p.status !== 'CANCELLED' && !p.allDay && p.endMs > p.startMs;
  const recurring = master.hasProperty('rrule') || master.hasProperty('rdate');
  if (!recurring) {
    const p = eventOf(master, false);
    return takesTime(p) && p.startMs < toMs && p.endMs > fromMs ? [{ startMs: p.startMs, endMs: p.endMs }] : [];
  }
  const ev = new ICAL.Event(master, { strictExceptions: false });
  for (const other of events) if (other !== master && other.hasProperty('recurrence-id')) ev.relateException(other);
  const base = eventOf(master, true);
  if (base.transparent || base.status === 'CANCELLED' || base.allDay) return [];
  const out: BusyInterval[] = [];
  const span = base.endMs - base.startMs;
  const it = ev.iterator();
  for (let n = 0; n < MAX_STEPS; n++) {
    const next = it.next() as ICAL.Time | undefined;
    if (!next) break;
    const startMs = instant(next, tzidOf(master, 'dtstart'));
    if (startMs >= toMs) break;
    // Long before the window (a rule started years ago): not worth its details (an override moving it more than a day is missed).
    if (startMs + span + 86_400_000 < fromMs) continue;
    const occ = ev.getOccurrenceDetails(next);
    const item = occ.item;
    const status = item.component.getFirstPropertyValue('status');
    const transparent = String(item.component.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT';
    const s = instant(occ.startDate, tzidOf(item.component, 'dtstart'));
    const e = instant(occ.endDate, tzidOf(item.component, item.component.hasProperty('dtend') ? 'dtend' : 'dtstart'));
    if (status === 'CANCELLED' || transparent || e <= s) continue;
    if (s < toMs && e > fromMs) out.push({ startMs: s, endMs: e });
  }
  return out;
}
