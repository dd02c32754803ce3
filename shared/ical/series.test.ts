import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildSeries, type RecurrenceRuleInput } from '../domain/recurrence.ts';
import type { CreateActivityInput } from '../domain/schemas.ts';
import { instantMs } from '../domain/time.ts';
import { isSeriesMember, seriesEventObject, seriesOccurrences, seriesOfRow, seriesRemoteChanges, seriesUid, type SeriesRow } from './series.ts';

const NOW = '2026-03-01T08:00:00Z';
const BERLIN = 'Europe/Berlin';
// Mondays and Wednesdays at 09:00 Berlin from 16 March 2026: crosses the 29 March DST change.
const RULE: RecurrenceRuleInput = { frequency: 'weekly', weekdays: ['mon', 'wed'], count: 8, time_zone: BERLIN };
const TEMPLATE: CreateActivityInput = {
  type: 'meeting', subject: 'Pipeline review', priority: 'medium', activityable_type: 'customer', activityable_id: 'cus_1',
  due_at: '2026-03-16T08:00:00Z', duration_minutes: 45, reminder_at: '2026-03-16T07:45:00Z', location: 'Room 2', tags: [],
};

function rows(): SeriesRow[] {
  return buildSeries(TEMPLATE, RULE, 'S1').map((c, i) => ({
    lid: `L${i + 1}`, status: 'pending', priority: 'medium', subject: c.subject, description: null, location: c.location ?? null,
    due_at: c.due_at!, duration_minutes: c.duration_minutes ?? null, reminder_at: c.reminder_at ?? null, tags: [], outcome: null,
    custom_fields: c.custom_fields ?? {}, deleted: 0,
  }));
}

/** Occurrence 3 moved two hours later and retitled, occurrence 5 cancelled. */
function edited(): SeriesRow[] {
  return rows().map((r, i) => {
    if (i === 2) return { ...r, due_at: new Date(instantMs(r.due_at!) + 2 * 3_600_000).toISOString(), subject: 'Pipeline review (moved)' };
    if (i === 4) return { ...r, status: 'cancelled' };
    return r;
  });
}

/** The object read with ical.js on its own terms: its VTIMEZONE registered, exceptions related, every occurrence expanded. */
function expand(text: string): { start: string; end: string; summary: string; alarm: string | null }[] {
  const cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
  for (const vtz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  const events = cal.getAllSubcomponents('vevent');
  const master = events.find((e) => !e.hasProperty('recurrence-id'))!;
  const ev = new ICAL.Event(master);
  for (const o of events) if (o !== master) ev.relateException(o);
  const out: { start: string; end: string; summary: string; alarm: string | null }[] = [];
  const it = ev.iterator();
  for (let next = it.next(); next; next = it.next()) {
    const d = ev.getOccurrenceDetails(next);
    const alarm = d.item.component.getFirstSubcomponent('valarm')?.getFirstPropertyValue('trigger');
    out.push({
      start: d.startDate.toJSDate().toISOString(), end: d.endDate.toJSDate().toISOString(),
      summary: String(d.item.summary), alarm: alarm ? String(alarm) : null,
    });
  }
  return out;
}

describe('seriesEventObject: a series as one event, read back with ical.js', () => {
  it('is one master VEVENT with RRULE in the rep\'s zone whose occurrences are exactly the series\' (across DST), nothing else', () => {
    const members = rows();
    const obj = seriesEventObject('S1', members, { now: NOW })!;
    expect(obj.uid).toBe(seriesUid('S1'));
    expect(obj.ics).toContain('\r\nDTSTART;TZID=Europe/Berlin:20260316T090000\r\n');
    expect(obj.ics).toContain('\r\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=8;WKST=MO\r\n');
    expect(obj.ics).not.toContain('EXDATE');
    expect(obj.ics).not.toContain('RECURRENCE-ID');
    expect(obj.ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    const occ = expand(obj.ics);
    expect(occ.map((o) => o.start)).toEqual(members.map((m) => new Date(m.due_at!).toISOString()));
    // 09:00 on the wall clock before and after the change: 08:00Z, then 07:00Z.
    expect(occ[0]!.start).toBe('2026-03-16T08:00:00.000Z');
    expect(occ.at(-1)!.start).toBe('2026-04-08T07:00:00.000Z');
    expect(occ.every((o) => instantMs(o.end) - instantMs(o.start) === 45 * 60_000)).toBe(true);
    expect(occ.every((o) => o.summary === 'Pipeline review' && o.alarm === '-PT15M')).toBe(true);
    expect({ start: obj.start_ms, end: obj.end_ms }).toEqual({ start: instantMs('2026-03-16T08:00:00Z'), end: instantMs('2026-03-16T08:45:00Z') });
  });

  it('an edited occurrence is a RECURRENCE-ID override, a cancelled one an EXDATE; the rest follow the rule', () => {
    const members = edited();
    const obj = seriesEventObject('S1', members, { now: NOW })!;
    expect(obj.ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(obj.ics).toContain('\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260323T090000\r\n');
    expect(obj.ics).toContain('\r\nEXDATE;TZID=Europe/Berlin:20260330T090000\r\n');
    const occ = expand(obj.ics);
    const expected = rows().map((r) => r.due_at);
    expected[2] = '2026-03-23T10:00:00.000Z';
    expect(occ.map((o) => o.start)).toEqual(expected.filter((_, i) => i !== 4).map((d) => new Date(d!).toISOString()));
    expect(occ[2]!.summary).toBe('Pipeline review (moved)');
    expect(occ.filter((o) => o.summary === 'Pipeline review')).toHaveLength(6);
  });

  it('the same members write the same object; a change to one occurrence changes it', () => {
    const a = seriesEventObject('S1', rows(), { now: NOW })!.ics;
    expect(seriesEventObject('S1', [...rows()].reverse(), { now: NOW })!.ics).toBe(a);
    expect(seriesEventObject('S1', edited(), { now: NOW })!.ics).not.toBe(a);
  });

  it('a missing or deleted occurrence and one the filter leaves out are EXDATEs too; none shown, no object', () => {
    const members = rows();
    const obj = seriesEventObject('S1', [...members.slice(0, 1), { ...members[1]!, deleted: 1 }, ...members.slice(3)], {
      now: NOW, include: (r) => r.lid !== 'L4',
    })!;
    expect(obj.ics).toContain('\r\nEXDATE;TZID=Europe/Berlin:20260318T090000,20260323T090000,20260325T090000\r\n');
    expect(expand(obj.ics)).toHaveLength(5);
    expect(seriesEventObject('S1', members.map((m) => ({ ...m, status: 'cancelled' as const })), { now: NOW })).toBeNull();
  });

  it('a master whose first occurrence moved still starts at the planned time, the moved one overrides it', () => {
    const members = rows();
    members[0] = { ...members[0]!, due_at: '2026-03-16T12:00:00Z' };
    const obj = seriesEventObject('S1', members, { now: NOW })!;
    expect(obj.ics).toContain('\r\nDTSTART;TZID=Europe/Berlin:20260316T090000\r\n');
    expect(obj.ics).toContain('\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260316T090000\r\n');
    expect(expand(obj.ics)[0]!.start).toBe('2026-03-16T12:00:00.000Z');
    expect(obj.start_ms).toBe(instantMs('2026-03-16T12:00:00Z'));
  });
});

describe('series membership', () => {
  it('a row with a series link, an index and a stored rule belongs to its series event; others stay events of their own', () => {
    const [first] = rows();
    expect(seriesOfRow(first!)).toBe('S1');
    expect(isSeriesMember(first!)).toBe(true);
    expect(seriesOfRow({ custom_fields: { series_id: 'S1', series_index: 1 } })).toBeNull();
    expect(seriesOfRow({ custom_fields: { ...first!.custom_fields, series_index: 'x' } })).toBeNull();
    expect(seriesOfRow({ custom_fields: {} })).toBeNull();
  });
});

describe('reading a series event back into per-occurrence changes', () => {
  it('our own object changes nothing', () => {
    const members = edited();
    expect(seriesRemoteChanges('S1', members, seriesEventObject('S1', members, { now: NOW })!.ics, { now: NOW })).toEqual([]);
  });

  it('occurrences as the calendar has them: overrides applied, EXDATEs left out', () => {
    const occ = seriesOccurrences(seriesEventObject('S1', edited(), { now: NOW })!.ics, BERLIN)!;
    expect(occ).toHaveLength(7);
    expect(occ[2]).toMatchObject({ recurrenceMs: instantMs('2026-03-23T08:00:00Z'), startMs: instantMs('2026-03-23T10:00:00Z'), summary: 'Pipeline review (moved)' });
    expect(occ.some((o) => o.recurrenceMs === instantMs('2026-03-30T07:00:00Z'))).toBe(false);
  });

  it('a move, a resize and an exclusion made there become moved, resized and removed for those activities only', () => {
    const local = rows();
    const there = rows().map((r, i) => {
      if (i === 2) return { ...r, due_at: '2026-03-23T13:00:00Z' };
      if (i === 3) return { ...r, duration_minutes: 90 };
      if (i === 4) return { ...r, status: 'cancelled' as const };
      return r;
    });
    const remote = seriesEventObject('S1', there, { now: NOW })!.ics;
    expect(seriesRemoteChanges('S1', local, remote, { now: NOW })).toEqual([
      { kind: 'moved', lid: 'L3', due_at: '2026-03-23T13:00:00Z', duration_minutes: null },
      { kind: 'resized', lid: 'L4', duration_minutes: 90 },
      { kind: 'removed', lid: 'L5' },
    ]);
  });

  it('another client\'s override written with a TZID DTSTART and a STATUS:CANCELLED occurrence are read too', () => {
    const local = rows();
    const ours = seriesEventObject('S1', local, { now: NOW })!.ics;
    const extra = [
      'BEGIN:VEVENT', `UID:${seriesUid('S1')}`, 'DTSTAMP:20260301T080000Z', 'RECURRENCE-ID;TZID=Europe/Berlin:20260401T090000',
      'DTSTART;TZID=Europe/Berlin:20260401T150000', 'DTEND;TZID=Europe/Berlin:20260401T154500', 'SUMMARY:Pipeline review', 'END:VEVENT',
      'BEGIN:VEVENT', `UID:${seriesUid('S1')}`, 'DTSTAMP:20260301T080000Z', 'RECURRENCE-ID;TZID=Europe/Berlin:20260406T090000',
      'DTSTART;TZID=Europe/Berlin:20260406T090000', 'DURATION:PT45M', 'STATUS:CANCELLED', 'SUMMARY:Pipeline review', 'END:VEVENT',
    ].join('\r\n');
    const remote = ours.replace('END:VCALENDAR', `${extra}\r\nEND:VCALENDAR`);
    expect(seriesRemoteChanges('S1', local, remote, { now: NOW })).toEqual([
      { kind: 'moved', lid: 'L6', due_at: '2026-04-01T13:00:00Z', duration_minutes: null },
      { kind: 'removed', lid: 'L7' },
    ]);
  });
});
