import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_STATUSES, PRIORITIES } from '../domain/enums.ts';
import { escapeText, foldLine, ICS_PRIORITY, ICS_STATUS, icsDateTime, icsDuration, icsFileName, icsUid, toIcs, type IcsActivity } from './ics.ts';

const NOW = '2025-12-19T10:00:00Z';

function act(over: Partial<IcsActivity> = {}): IcsActivity {
  return {
    lid: '01JLOCAL0000000000000000AA',
    server_id: '01hwxyzB23abc456def789ghi0',
    status: 'pending',
    priority: 'high',
    subject: 'Follow-up Call - Proposal Discussion',
    description: 'Discuss pricing, timeline; and next steps.\nBring the SOW.',
    location: 'ACME HQ, Room 4\\B',
    due_at: '2025-12-20T14:00:00Z',
    duration_minutes: 30,
    reminder_at: '2025-12-20T13:45:00Z',
    tags: ['proposal', 'pricing,Q1'],
    outcome: null,
    created_at: '2025-12-18T10:00:00Z',
    updated_at: '2025-12-18T11:00:00Z',
    rescheduled_count: 0,
    ...over,
  };
}

/** ical.js types its parse result as any; it is a jCal array. */
function jcal(text: string): unknown[] {
  return ICAL.parse(text) as unknown[];
}

/** Parse with ical.js, the way calendar software would read the file. */
function parse(text: string): ICAL.Component[] {
  const cal = new ICAL.Component(jcal(text));
  expect(cal.name).toBe('vcalendar');
  return cal.getAllSubcomponents('vevent');
}

describe('toIcs round-trips through ical.js', () => {
  const activities = [
    act(),
    act({
      lid: 'L2', server_id: null, subject: 'Demo - Integration Capabilities for SAP', due_at: '2025-12-22T09:30:00Z',
      duration_minutes: 90, reminder_at: '2025-12-21T09:30:00Z', priority: 'critical', tags: [], description: null, location: null,
    }),
    act({ lid: 'L3', subject: 'Quarterly review', due_at: '2025-12-21T08:00:00Z', duration_minutes: null, reminder_at: null, status: 'deferred' }),
  ];
  const result = toIcs(activities, { now: NOW, calendarName: 'Rita, activities' });
  const events = parse(result.text);

  it('writes one VEVENT per activity, in due order', () => {
    expect(result.included).toBe(3);
    expect(events).toHaveLength(3);
    expect(events.map((e) => new ICAL.Event(e).summary)).toEqual([
      'Follow-up Call - Proposal Discussion', 'Quarterly review', 'Demo - Integration Capabilities for SAP',
    ]);
  });

  it('UID comes from the lid (stable) else the server id', () => {
    expect(events.map((e) => new ICAL.Event(e).uid)).toEqual([
      '01JLOCAL0000000000000000AA@fieldbook.local', 'L3@fieldbook.local', 'L2@fieldbook.local',
    ]);
    expect(icsUid({ server_id: 'S1' })).toBe('S1@fieldbook.local');
    expect(icsUid({ id: 'I1' }, 'crm.example')).toBe('I1@crm.example');
    expect(() => icsUid({})).toThrow(/needs a lid or an id/);
  });

  it('start and end are UTC instants; no duration → the default 30 minutes', () => {
    const times = events.map((e) => {
      const ev = new ICAL.Event(e);
      return [ev.startDate.toJSDate().toISOString(), ev.endDate.toJSDate().toISOString(), ev.startDate.zone.tzid];
    });
    expect(times).toEqual([
      ['2025-12-20T14:00:00.000Z', '2025-12-20T14:30:00.000Z', 'UTC'],
      ['2025-12-21T08:00:00.000Z', '2025-12-21T08:30:00.000Z', 'UTC'],
      ['2025-12-22T09:30:00.000Z', '2025-12-22T11:00:00.000Z', 'UTC'],
    ]);
  });

  it('DTSTAMP is the export time', () => {
    for (const e of events) expect((e.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString()).toBe('2025-12-19T10:00:00.000Z');
  });

  it('text with commas, semicolons, backslashes and newlines comes back unchanged', () => {
    const first = new ICAL.Event(events[0]);
    expect(first.description).toBe('Discuss pricing, timeline; and next steps.\nBring the SOW.');
    expect(first.location).toBe('ACME HQ, Room 4\\B');
  });

  it('tags become CATEGORIES, a comma inside a tag kept', () => {
    const cats = events[0]?.getFirstProperty('categories')?.getValues();
    expect(cats).toEqual(['proposal', 'pricing,Q1']);
    expect(events[2]?.getFirstProperty('categories')).toBeNull();
  });

  it('reminders become VALARMs with TRIGGER relative to the start', () => {
    const alarm = (e: ICAL.Component | undefined) => e?.getFirstSubcomponent('valarm') ?? null;
    const a0 = alarm(events[0]);
    expect(a0?.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(a0?.getFirstPropertyValue('description')).toBe('Reminder: Follow-up Call - Proposal Discussion');
    expect((a0?.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds()).toBe(-15 * 60);
    expect(alarm(events[1])).toBeNull();
    expect((alarm(events[2])?.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds()).toBe(-24 * 3600);
  });

  it('the alarm fires at reminder_at when applied to the parsed start', () => {
    const ev = events[2];
    const start = new ICAL.Event(ev).startDate.clone();
    start.addDuration(ev?.getFirstSubcomponent('valarm')?.getFirstPropertyValue('trigger') as ICAL.Duration);
    expect(start.toJSDate().toISOString()).toBe('2025-12-21T09:30:00.000Z');
  });

  it('status and priority map to RFC values', () => {
    expect(events.map((e) => [e.getFirstPropertyValue('status'), e.getFirstPropertyValue('priority')])).toEqual([
      ['CONFIRMED', 3], ['TENTATIVE', 3], ['CONFIRMED', 1],
    ]);
  });

  it('calendar name is escaped and readable', () => {
    const cal = new ICAL.Component(jcal(result.text));
    // X- properties default to TEXT (RFC 5545 §3.8.8.2), so the comma is escaped; ical.js keeps unknown values raw.
    expect(result.text).toContain('\r\nX-WR-CALNAME:Rita\\, activities\r\n');
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Rita\\, activities');
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstPropertyValue('prodid')).toBe('-//Fieldbook//Fieldbook Activities//EN');
  });

  it('uses CRLF line ends only and folds every line to ≤ 75 octets', () => {
    expect(result.text.endsWith('\r\n')).toBe(true);
    expect(result.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of result.text.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });
});

describe('edge cases', () => {
  it('a status or priority this version does not know: no STATUS line, normal priority, still a valid event', () => {
    const r = toIcs([act({ lid: 'U', status: 'on_hold' as IcsActivity['status'], priority: 'blocker' as IcsActivity['priority'] })], { now: NOW });
    expect(r.text).not.toMatch(/^STATUS:/m);
    expect(r.text).toMatch(/^PRIORITY:5\r?$/m);
    expect(r.text).not.toContain('undefined');
    expect(parse(r.text)).toHaveLength(1);
  });

  it('skips activities without a due time and says which', () => {
    const noDue = act({ lid: 'N', due_at: null });
    const r = toIcs([noDue, act()], { now: NOW });
    expect(r.included).toBe(1);
    expect(r.skipped).toEqual([noDue]);
    expect(parse(r.text)).toHaveLength(1);
  });

  it('range keeps events overlapping [from, to) only', () => {
    const r = toIcs(
      [
        act({ lid: 'before', due_at: '2025-11-30T22:00:00Z', duration_minutes: 60 }), // runs into the range
        act({ lid: 'ended', due_at: '2025-11-30T22:00:00Z', duration_minutes: 30 }), // ends before it
        act({ lid: 'inside', due_at: '2025-12-10T09:00:00Z' }),
        act({ lid: 'zero', due_at: '2025-12-01T00:00:00Z', duration_minutes: 0 }),
        act({ lid: 'at-end', due_at: '2026-01-01T00:00:00Z' }),
        act({ lid: 'nodue', due_at: null }),
      ],
      { now: NOW, range: { from: '2025-11-30T22:30:00Z', to: '2026-01-01T00:00:00Z' } },
    );
    expect(parse(r.text).map((e) => new ICAL.Event(e).uid.split('@')[0])).toEqual(['before', 'zero', 'inside']);
    const r2 = toIcs([act({ lid: 'zero', due_at: '2025-12-01T00:00:00Z', duration_minutes: 0 })], { now: NOW, range: { from: '2025-12-01T00:00:00Z', to: '2025-12-02T00:00:00Z' } });
    expect(r2.included).toBe(1);
    expect(r.skipped.map((a) => a.lid)).toEqual(['nodue']);
  });

  it('an empty export is still a valid calendar', () => {
    const r = toIcs([], { now: NOW });
    expect(parse(r.text)).toEqual([]);
  });

  it('long Unicode text folds without splitting characters and parses back identically', () => {
    const subject = `Präsentation für Müller GmbH – Überblick 📈 ${'äöü€😀'.repeat(40)}`;
    const description = `Zeile 1; mit Komma, und \\ Backslash\n${'日本語のテキスト'.repeat(30)}`;
    const r = toIcs([act({ subject, description })], { now: NOW });
    for (const line of r.text.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    const ev = new ICAL.Event(parse(r.text)[0]);
    expect(ev.summary).toBe(subject);
    expect(ev.description).toBe(description);
  });

  it('completed activities carry the outcome and no alarm; cancelled ones are CANCELLED', () => {
    const r = toIcs(
      [
        act({ lid: 'C', status: 'completed', outcome: 'Signed, 3 seats.', description: null }),
        act({ lid: 'X', status: 'cancelled', due_at: '2025-12-21T14:00:00Z' }),
      ],
      { now: NOW },
    );
    const [done, cancelled] = parse(r.text);
    expect(new ICAL.Event(done).description).toBe('Outcome: Signed, 3 seats.');
    expect(done?.getFirstSubcomponent('valarm')).toBeNull();
    expect(cancelled?.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled?.getFirstSubcomponent('valarm')).toBeNull();
  });

  it('SEQUENCE follows rescheduled_count so re-imports update the event', () => {
    const ev = parse(toIcs([act({ rescheduled_count: 2 })], { now: NOW }).text)[0];
    expect(ev?.getFirstPropertyValue('sequence')).toBe(2);
  });

  it('custom default duration', () => {
    const ev = new ICAL.Event(parse(toIcs([act({ duration_minutes: null })], { now: NOW, defaultDurationMinutes: 60 }).text)[0]);
    expect(ev.endDate.toJSDate().toISOString()).toBe('2025-12-20T15:00:00.000Z');
  });

  it('a zero-minute activity is a zero-length event, not the default length', () => {
    const ev = new ICAL.Event(parse(toIcs([act({ duration_minutes: 0 })], { now: NOW }).text)[0]);
    expect(ev.endDate.compare(ev.startDate)).toBe(0);
  });

  it('offset due times are written in UTC', () => {
    const ev = new ICAL.Event(parse(toIcs([act({ due_at: '2025-12-20T15:00:00+01:00', reminder_at: null })], { now: NOW }).text)[0]);
    expect(ev.startDate.toJSDate().toISOString()).toBe('2025-12-20T14:00:00.000Z');
  });
});

describe('helpers', () => {
  it.each([
    ['a,b;c\\d', 'a\\,b\\;c\\\\d'],
    ['line1\r\nline2\nline3\rline4', 'line1\\nline2\\nline3\\nline4'],
    ['bell\u0007tab\tok', 'belltab\tok'],
  ])('escapeText(%j)', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it('foldLine leaves short lines alone and folds at exactly 75 octets', () => {
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
    const line = `X:${'a'.repeat(200)}`;
    const parts = foldLine(line).split('\r\n');
    expect(parts[0]).toHaveLength(75);
    expect(parts.slice(1).every((p) => p.startsWith(' ') && p.length <= 75)).toBe(true);
    expect(parts.map((p, i) => (i ? p.slice(1) : p)).join('')).toBe(line);
  });

  it('foldLine never splits a 4-byte character', () => {
    const line = `X:${'😀'.repeat(50)}`;
    for (const part of foldLine(line).split('\r\n')) {
      expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(75);
      expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });

  it.each([
    [-15 * 60, '-PT15M'], [-86_400, '-P1D'], [-(86_400 + 2 * 3600), '-P1DT2H'], [90 * 60, 'PT1H30M'], [0, 'PT0S'], [-45, '-PT45S'],
  ])('icsDuration(%i) = %s', (s, d) => {
    expect(icsDuration(s)).toBe(d);
    expect(ICAL.Duration.fromString(d).toSeconds()).toBe(s);
  });

  it('icsDateTime', () => {
    expect(icsDateTime('2025-12-20T15:00:00.500+01:00')).toBe('20251220T140000Z');
    expect(() => icsDateTime('nope')).toThrow(RangeError);
  });

  it.each(ACTIVITY_STATUSES.map((s) => [s]))('status %s has an RFC STATUS', (s) => {
    expect(['TENTATIVE', 'CONFIRMED', 'CANCELLED']).toContain(ICS_STATUS[s]);
  });
  it('priorities are ordered 1 (critical) … 9 (low)', () => {
    const values = PRIORITIES.map((p) => ICS_PRIORITY[p]);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(ICS_PRIORITY.critical).toBe(1);
    expect(ICS_PRIORITY.low).toBe(9);
  });

  it('icsFileName', () => {
    expect(icsFileName('2025-12-01', '2025-12-31')).toBe('fieldbook-2025-12-01_2025-12-31.ics');
    expect(icsFileName('../x', 'y/z')).toBe('fieldbook-x_yz.ics');
  });
});
