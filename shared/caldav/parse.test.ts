import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { toCalendarObject, type IcalActivity } from '../ical/event.ts';
import { busyIntervals, CalendarParseError, fieldbookLid, parseCalendarObject } from './parse.ts';

const ms = (iso: string) => Date.parse(iso);

const activity: IcalActivity = {
  lid: '01JLOCAL', status: 'pending', priority: 'medium', subject: 'Call Acme, re: Q1', description: null, location: null,
  due_at: '2026-03-10T09:30:00Z', duration_minutes: 45, reminder_at: null, tags: [], outcome: null,
};

const BERLIN = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'TZNAME:CEST', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'TZNAME:CET', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
  'END:VTIMEZONE',
];

function cal(...lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other//Client//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

describe('parseCalendarObject', () => {
  it('reads back what Fieldbook wrote: UID, start, end', () => {
    const p = parseCalendarObject(toCalendarObject(activity, { now: '2026-03-01T00:00:00Z' }));
    expect(p).toMatchObject({ uid: '01JLOCAL@fieldbook.local', startMs: ms('2026-03-10T09:30:00Z'), endMs: ms('2026-03-10T10:15:00Z'), allDay: false, recurring: false, status: 'CONFIRMED' });
  });

  it('resolves a TZID start through the object\'s VTIMEZONE (summer time) and a DURATION', () => {
    const p = parseCalendarObject(cal(...BERLIN, 'BEGIN:VEVENT', 'UID:x@other', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Berlin:20260610T140000', 'DURATION:PT1H30M', 'END:VEVENT'));
    expect(p).toMatchObject({ startMs: ms('2026-06-10T12:00:00Z'), endMs: ms('2026-06-10T13:30:00Z') });
  });

  it('a TZID the object does not define is read in that IANA zone (RFC 7809), and no zone is registered process-wide', () => {
    const p = parseCalendarObject(cal('BEGIN:VEVENT', 'UID:y@other', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20260115T090000', 'DTEND;TZID=America/New_York:20260115T100000', 'END:VEVENT'));
    expect(p).toMatchObject({ startMs: ms('2026-01-15T14:00:00Z'), endMs: ms('2026-01-15T15:00:00Z') });
    const weekly = cal('BEGIN:VEVENT', 'UID:w@other', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20260305T090000', 'DTEND;TZID=America/New_York:20260305T100000', 'RRULE:FREQ=WEEKLY;COUNT=2', 'END:VEVENT');
    // Across the US change to summer time (8 March 2026): 9:00 local stays 9:00 local.
    expect(busyIntervals(weekly, ms('2026-03-01T00:00:00Z'), ms('2026-03-31T00:00:00Z')).map((i) => new Date(i.startMs).toISOString())).toEqual(['2026-03-05T14:00:00.000Z', '2026-03-12T13:00:00.000Z']);
    parseCalendarObject(cal(...BERLIN, 'BEGIN:VEVENT', 'UID:x@other', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Berlin:20260610T140000', 'DURATION:PT1H', 'END:VEVENT'));
    expect(ICAL.TimezoneService.has('Europe/Berlin')).toBe(false);
  });

  it('an event moved by another client (a new DTSTART, folded lines) is read at its new time', () => {
    const text = toCalendarObject(activity, { now: '2026-03-01T00:00:00Z' })
      .replace('DTSTART:20260310T093000Z', 'DTSTART:20260311T140000Z').replace('DTEND:20260310T101500Z', 'DTEND:20260311T150000Z');
    expect(parseCalendarObject(text)).toMatchObject({ startMs: ms('2026-03-11T14:00:00Z'), endMs: ms('2026-03-11T15:00:00Z') });
  });

  it('no VEVENT is null; not iCalendar is a CalendarParseError', () => {
    expect(parseCalendarObject(cal('BEGIN:VTODO', 'UID:t', 'DTSTAMP:20260101T000000Z', 'END:VTODO'))).toBeNull();
    expect(() => parseCalendarObject('hello')).toThrow(CalendarParseError);
  });
});

describe('fieldbookLid', () => {
  it('is the lid of a Fieldbook UID and null for anyone else\'s', () => {
    expect(fieldbookLid('01JLOCAL@fieldbook.local')).toBe('01JLOCAL');
    expect(fieldbookLid('abc@google.com')).toBeNull();
    expect(fieldbookLid('@fieldbook.local')).toBeNull();
  });
});

describe('busyIntervals', () => {
  const from = ms('2026-06-01T00:00:00Z');
  const to = ms('2026-06-30T00:00:00Z');

  it('a weekly appointment: each occurrence in the window, an EXDATE skipped, an override moved', () => {
    const text = cal(
      'BEGIN:VEVENT', 'UID:gym@other', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260601T170000Z', 'DTEND:20260601T180000Z',
      'RRULE:FREQ=WEEKLY;COUNT=10', 'EXDATE:20260608T170000Z', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:gym@other', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID:20260615T170000Z', 'DTSTART:20260615T190000Z', 'DTEND:20260615T200000Z', 'END:VEVENT',
    );
    expect(busyIntervals(text, from, to)).toEqual([
      { startMs: ms('2026-06-01T17:00:00Z'), endMs: ms('2026-06-01T18:00:00Z') },
      { startMs: ms('2026-06-15T19:00:00Z'), endMs: ms('2026-06-15T20:00:00Z') },
      { startMs: ms('2026-06-22T17:00:00Z'), endMs: ms('2026-06-22T18:00:00Z') },
      { startMs: ms('2026-06-29T17:00:00Z'), endMs: ms('2026-06-29T18:00:00Z') },
    ]);
  });

  it('a rule without an end stops at the window', () => {
    const text = cal('BEGIN:VEVENT', 'UID:d@other', 'DTSTAMP:20260101T000000Z', 'DTSTART:20200101T080000Z', 'DTEND:20200101T081500Z', 'RRULE:FREQ=DAILY', 'END:VEVENT');
    expect(busyIntervals(text, from, ms('2026-06-03T00:00:00Z'))).toHaveLength(2);
  });

  it('transparent, cancelled and all-day events take no time; one outside the window neither', () => {
    const one = (...extra: string[]) => cal('BEGIN:VEVENT', 'UID:o@other', 'DTSTAMP:20260101T000000Z', ...extra, 'END:VEVENT');
    expect(busyIntervals(one('DTSTART:20260602T090000Z', 'DTEND:20260602T100000Z', 'TRANSP:TRANSPARENT'), from, to)).toEqual([]);
    expect(busyIntervals(one('DTSTART:20260602T090000Z', 'DTEND:20260602T100000Z', 'STATUS:CANCELLED'), from, to)).toEqual([]);
    expect(busyIntervals(one('DTSTART;VALUE=DATE:20260602', 'DTEND;VALUE=DATE:20260603'), from, to)).toEqual([]);
    expect(busyIntervals(one('DTSTART:20260702T090000Z', 'DTEND:20260702T100000Z'), from, to)).toEqual([]);
    expect(busyIntervals(one('DTSTART:20260602T090000Z', 'DTEND:20260602T100000Z'), from, to)).toEqual([{ startMs: ms('2026-06-02T09:00:00Z'), endMs: ms('2026-06-02T10:00:00Z') }]);
  });
});
