import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { toIcs } from '../export/ics.ts';
import { eventLines, joinLines, toCalendarObject, type IcalActivity } from './event.ts';

const NOW = '2025-12-19T10:00:00Z';

function act(over: Partial<IcalActivity> = {}): IcalActivity {
  return {
    lid: '01JLOCAL0000000000000000AA',
    server_id: '01hwxyzB23abc456def789ghi0',
    status: 'pending',
    priority: 'high',
    subject: 'Site visit; bring samples',
    description: 'Walk the floor, then pricing.',
    location: 'ACME HQ, Room 4',
    due_at: '2025-12-20T14:00:00Z',
    duration_minutes: 45,
    reminder_at: '2025-12-20T13:30:00Z',
    tags: [],
    outcome: null,
    activityable: { id: 'D1', name: 'ACME renewal, 2026' },
    contact: { id: 'C1', name: 'Dana Ruiz' },
    ...over,
  };
}

function vevents(text: string): ICAL.Component[] {
  const cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
  expect(cal.name).toBe('vcalendar');
  return cal.getAllSubcomponents('vevent');
}

describe('toCalendarObject: one activity as one CalDAV resource, read back with ical.js', () => {
  const text = toCalendarObject(act(), { now: NOW });
  const [vevent, ...rest] = vevents(text);
  if (!vevent) throw new Error('no VEVENT in the calendar object');
  const event = new ICAL.Event(vevent);

  it('is one VEVENT in a VCALENDAR without METHOD (RFC 4791 §4.1)', () => {
    expect(rest).toHaveLength(0);
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text).not.toMatch(/METHOD:/);
  });

  it('UID from the local id; start, end, subject, location round-trip', () => {
    expect(event.uid).toBe('01JLOCAL0000000000000000AA@fieldbook.local');
    expect(event.startDate.toJSDate().toISOString()).toBe('2025-12-20T14:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2025-12-20T14:45:00.000Z');
    expect(event.summary).toBe('Site visit; bring samples');
    expect(event.location).toBe('ACME HQ, Room 4');
  });

  it('the description names the related record and the contact', () => {
    expect(event.description).toBe('Walk the floor, then pricing.\n\nRelated: ACME renewal, 2026\n\nContact: Dana Ruiz');
  });

  it('reminder_at becomes a VALARM 30 minutes before the start', () => {
    const alarm = vevent.getFirstSubcomponent('valarm');
    expect(alarm?.getFirstPropertyValue('action')).toBe('DISPLAY');
    const trigger = alarm?.getFirstPropertyValue('trigger') as ICAL.Duration;
    expect(trigger.toSeconds()).toBe(-1800);
  });

  it('the same activity written again is the same text (stable UID, no noise)', () => {
    expect(toCalendarObject(act(), { now: NOW })).toBe(text);
  });

  it('an activity without a due time has no calendar object', () => {
    expect(() => toCalendarObject(act({ due_at: null }), { now: NOW })).toThrow(RangeError);
  });
});

describe('one writer', () => {
  it('the .ics export holds exactly the VEVENT the CalDAV object holds', () => {
    const a = act();
    const exported = toIcs([a], { now: NOW }).text;
    const object = toCalendarObject(a, { now: NOW });
    const event = joinLines(eventLines({ ...a, due_at: a.due_at ?? '' }, { now: NOW }));
    expect(exported).toContain(event);
    expect(object).toContain(event);
  });
});
