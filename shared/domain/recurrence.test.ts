import { describe, expect, it } from 'vitest';
import type { Activity } from './activity.ts';
import { ValidationError } from './errors.ts';
import { zonedTime } from './local-time.ts';
import {
  buildSeries, describeRecurrence, expandRecurrence, MAX_OCCURRENCES, parseSeriesRuleText, seriesRuleText, selectForEdit, selectForSeriesDelete, seriesLink,
  seriesEditPatches, seriesMembers, shiftOccurrence, type RecurrenceRuleInput, type SeriesEditItem, type SeriesItem,
} from './recurrence.ts';
import { createActivitySchema, updateActivitySchema, type CreateActivityInput } from './schemas.ts';
import { instantMs } from './time.ts';

const BERLIN = 'Europe/Berlin';
const NY = 'America/New_York';

const local = (iso: string, zone: string) => {
  const z = zonedTime(iso, zone);
  return `${z.weekday} ${z.date} ${z.time}`;
};

function errorsOf(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.errors;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('expandRecurrence', () => {
  it('daily keeps 09:00 Berlin across the spring DST change (UTC offset moves, wall clock does not)', () => {
    const due = expandRecurrence({ frequency: 'daily', count: 5, time_zone: BERLIN }, '2026-03-27T08:00:00Z');
    expect(due).toEqual([
      '2026-03-27T08:00:00Z', '2026-03-28T08:00:00Z', '2026-03-29T07:00:00Z', '2026-03-30T07:00:00Z', '2026-03-31T07:00:00Z',
    ]);
    expect(due.map((d) => zonedTime(d, BERLIN).time)).toEqual(['09:00', '09:00', '09:00', '09:00', '09:00']);
  });

  it('weekly keeps 09:00 New York across the autumn DST change', () => {
    const due = expandRecurrence({ frequency: 'weekly', weekdays: ['mon'], count: 3, time_zone: NY }, '2026-10-26T13:00:00Z');
    expect(due.map((d) => local(d, NY))).toEqual(['Mon 2026-10-26 09:00', 'Mon 2026-11-02 09:00', 'Mon 2026-11-09 09:00']);
    expect(due).toEqual(['2026-10-26T13:00:00Z', '2026-11-02T14:00:00Z', '2026-11-09T14:00:00Z']);
  });

  it('daily every 3 days', () => {
    const due = expandRecurrence({ frequency: 'daily', interval: 3, count: 3, time_zone: 'UTC' }, '2026-01-30T10:00:00Z');
    expect(due).toEqual(['2026-01-30T10:00:00Z', '2026-02-02T10:00:00Z', '2026-02-05T10:00:00Z']);
  });

  it('weekdays skips Saturday and Sunday', () => {
    // 2026-01-02 is a Friday.
    const due = expandRecurrence({ frequency: 'weekdays', count: 4, time_zone: BERLIN }, '2026-01-02T07:30:00Z');
    expect(due.map((d) => local(d, BERLIN))).toEqual([
      'Fri 2026-01-02 08:30', 'Mon 2026-01-05 08:30', 'Tue 2026-01-06 08:30', 'Wed 2026-01-07 08:30',
    ]);
  });

  it('weekdays starting on a Sunday begins on Monday', () => {
    const due = expandRecurrence({ frequency: 'weekdays', count: 1, time_zone: 'UTC' }, '2026-01-04T09:00:00Z');
    expect(due).toEqual(['2026-01-05T09:00:00Z']);
  });

  it('weekly on chosen days, until a date (inclusive)', () => {
    // Start Wednesday 2026-01-07; Mon/Wed/Fri until Monday 2026-01-19.
    const due = expandRecurrence(
      { frequency: 'weekly', weekdays: ['fri', 'mon', 'wed'], until: '2026-01-19', time_zone: BERLIN },
      '2026-01-07T13:00:00Z',
    );
    expect(due.map((d) => local(d, BERLIN))).toEqual([
      'Wed 2026-01-07 14:00', 'Fri 2026-01-09 14:00', 'Mon 2026-01-12 14:00', 'Wed 2026-01-14 14:00', 'Fri 2026-01-16 14:00',
      'Mon 2026-01-19 14:00',
    ]);
  });

  it('weekly falls only on the chosen days: a Tuesday start with Thursday picked begins Thursday', () => {
    const due = expandRecurrence({ frequency: 'weekly', weekdays: ['thu'], count: 2, time_zone: 'UTC' }, '2026-01-06T09:00:00Z');
    expect(due).toEqual(['2026-01-08T09:00:00Z', '2026-01-15T09:00:00Z']);
  });

  it('every 2 weeks on Tue and Thu', () => {
    const due = expandRecurrence({ frequency: 'weekly', interval: 2, weekdays: ['tue', 'thu'], count: 4, time_zone: 'UTC' }, '2026-01-06T09:00:00Z');
    expect(due).toEqual(['2026-01-06T09:00:00Z', '2026-01-08T09:00:00Z', '2026-01-20T09:00:00Z', '2026-01-22T09:00:00Z']);
  });

  it('weekly with Sunday picked (Sunday ends the ISO week)', () => {
    const due = expandRecurrence({ frequency: 'weekly', weekdays: ['sun'], count: 2, time_zone: 'UTC' }, '2026-01-05T09:00:00Z');
    expect(due.map((d) => local(d, 'UTC'))).toEqual(['Sun 2026-01-11 09:00', 'Sun 2026-01-18 09:00']);
  });

  it('monthly on the 31st skips months without one', () => {
    const due = expandRecurrence({ frequency: 'monthly', count: 4, time_zone: BERLIN }, '2026-01-31T09:00:00Z');
    expect(due.map((d) => zonedTime(d, BERLIN).date)).toEqual(['2026-01-31', '2026-03-31', '2026-05-31', '2026-07-31']);
    expect(due.map((d) => zonedTime(d, BERLIN).time)).toEqual(['10:00', '10:00', '10:00', '10:00']);
  });

  it('every 3 months on the 15th, across DST, until a date', () => {
    const due = expandRecurrence({ frequency: 'monthly', interval: 3, until: '2026-12-31', time_zone: NY }, '2026-01-15T14:00:00Z');
    expect(due.map((d) => local(d, NY))).toEqual([
      'Thu 2026-01-15 09:00', 'Wed 2026-04-15 09:00', 'Wed 2026-07-15 09:00', 'Thu 2026-10-15 09:00',
    ]);
  });

  it('until is a day in the rep zone: a late-evening start in Los Angeles is the next UTC day', () => {
    // 23:30 in LA on 2026-01-05 is 07:30Z on 2026-01-06.
    const due = expandRecurrence({ frequency: 'daily', until: '2026-01-07', time_zone: 'America/Los_Angeles' }, '2026-01-06T07:30:00Z');
    expect(due).toEqual(['2026-01-06T07:30:00Z', '2026-01-07T07:30:00Z', '2026-01-08T07:30:00Z']);
  });

  it('a time inside the spring-forward gap moves forward by the gap, like a clock', () => {
    const due = expandRecurrence({ frequency: 'daily', count: 3, time_zone: BERLIN }, '2026-03-28T01:30:00Z');
    expect(due.map((d) => zonedTime(d, BERLIN).time)).toEqual(['02:30', '03:30', '02:30']);
  });

  it('count 1 gives just the start', () => {
    expect(expandRecurrence({ frequency: 'monthly', count: 1, time_zone: 'UTC' }, '2026-01-15T09:00:00Z')).toEqual(['2026-01-15T09:00:00Z']);
  });

  it('the maximum count is allowed; one more day of until is not', () => {
    expect(expandRecurrence({ frequency: 'daily', count: MAX_OCCURRENCES, time_zone: 'UTC' }, '2026-01-01T09:00:00Z')).toHaveLength(MAX_OCCURRENCES);
    expect(errorsOf(() => expandRecurrence({ frequency: 'daily', until: '2030-01-01', time_zone: 'UTC' }, '2026-01-01T09:00:00Z')).until?.[0]).toMatch(
      /more than 500 occurrences/,
    );
  });

  it.each<[string, RecurrenceRuleInput, string, string]>([
    ['no end', { frequency: 'daily', time_zone: 'UTC' }, 'until', 'Choose an end: either an end date or a number of times.'],
    ['two ends', { frequency: 'daily', count: 2, until: '2026-02-01', time_zone: 'UTC' }, 'until', 'Choose an end: either an end date or a number of times.'],
    ['weekly without days', { frequency: 'weekly', count: 2, time_zone: 'UTC' }, 'weekdays', 'Pick at least one day of the week.'],
    ['weekly with empty days', { frequency: 'weekly', weekdays: [], count: 2, time_zone: 'UTC' }, 'weekdays', 'Pick at least one day of the week.'],
    ['unknown zone', { frequency: 'daily', count: 2, time_zone: 'Mars/Base' }, 'time_zone', 'Choose a time zone from the list, e.g. Europe/Berlin or America/New_York.'],
    ['zero count', { frequency: 'daily', count: 0, time_zone: 'UTC' }, 'count', 'Repeat at least once.'],
    ['too many', { frequency: 'daily', count: MAX_OCCURRENCES + 1, time_zone: 'UTC' }, 'count', 'Repeat at most 500 times.'],
    ['until with a time', { frequency: 'daily', until: '2026-02-01T00:00:00Z', time_zone: 'UTC' }, 'until', 'Enter a date as YYYY-MM-DD, e.g. 2025-12-23 (no time).'],
    ['zero interval', { frequency: 'daily', interval: 0, count: 2, time_zone: 'UTC' }, 'interval', 'Repeat at least every 1.'],
    ['until before start', { frequency: 'daily', until: '2025-12-31', time_zone: 'UTC' }, 'until', 'The end date must be on or after the first occurrence.'],
  ])('refuses %s with a field error', (_name, rule, field, message) => {
    expect(errorsOf(() => expandRecurrence(rule, '2026-01-01T09:00:00Z'))[field]).toEqual([message]);
  });

  it('refuses an unknown frequency and day', () => {
    const errors = errorsOf(() =>
      expandRecurrence({ frequency: 'yearly', weekdays: ['funday'], count: 2, time_zone: 'UTC' } as unknown as RecurrenceRuleInput, '2026-01-01T09:00:00Z'),
    );
    expect(errors.frequency?.[0]).toMatch(/daily, weekdays, weekly or monthly/);
    expect(errors['weekdays.0']).toEqual(['Pick days from Monday to Sunday.']);
  });
});

describe('describeRecurrence', () => {
  it.each<[RecurrenceRuleInput, string]>([
    [{ frequency: 'daily', count: 5, time_zone: 'UTC' }, 'Daily, 5 times'],
    [{ frequency: 'daily', interval: 2, count: 1, time_zone: 'UTC' }, 'Every 2 days, once'],
    [{ frequency: 'weekdays', until: '2026-02-01', time_zone: 'UTC' }, 'Every weekday (Mon–Fri), until 2026-02-01'],
    [{ frequency: 'weekly', weekdays: ['wed', 'mon'], count: 10, time_zone: 'UTC' }, 'Weekly on Mon and Wed, 10 times'],
    [{ frequency: 'weekly', interval: 2, weekdays: ['fri', 'mon', 'wed'], count: 3, time_zone: 'UTC' }, 'Every 2 weeks on Mon, Wed and Fri, 3 times'],
    [{ frequency: 'monthly', until: '2026-12-31', time_zone: 'UTC' }, 'Monthly, until 2026-12-31'],
  ])('%j → %s', (rule, text) => {
    expect(describeRecurrence(rule)).toBe(text);
  });
});

const template: CreateActivityInput = {
  type: 'meeting',
  subject: 'Weekly pipeline review with ACME',
  activityable_type: 'customer',
  activityable_id: 'cus_1',
  due_at: '2026-03-23T08:00:00Z', // Monday 09:00 Berlin (CET)
  reminder_at: '2026-03-23T07:30:00Z',
  duration_minutes: 45,
  follow_up_required: true,
  follow_up_date: '2026-03-25',
  tags: ['pipeline'],
  custom_fields: { agenda: 'forecast' },
};

describe('buildSeries', () => {
  const rule: RecurrenceRuleInput = { frequency: 'weekly', weekdays: ['mon'], count: 3, time_zone: BERLIN };
  const series = buildSeries(template, rule, 'ser_1');

  it('makes one valid create input per occurrence, linked by series id and 1-based index', () => {
    expect(series).toHaveLength(3);
    for (const [i, s] of series.entries()) {
      expect(createActivitySchema.safeParse(s).success).toBe(true);
      expect(s.custom_fields).toEqual({
        agenda: 'forecast', series_id: 'ser_1', series_index: i + 1,
        series_rule: 'DTSTART;TZID=Europe/Berlin:20260323T090000\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=3;WKST=MO',
      });
      expect(s).toMatchObject({ subject: template.subject, type: 'meeting', duration_minutes: 45, activityable_id: 'cus_1' });
    }
  });

  it('keeps 09:00 Berlin and the 30-minute reminder lead across DST', () => {
    expect(series.map((s) => s.due_at)).toEqual(['2026-03-23T08:00:00Z', '2026-03-30T07:00:00Z', '2026-04-06T07:00:00Z']);
    expect(series.map((s) => s.reminder_at)).toEqual(['2026-03-23T07:30:00Z', '2026-03-30T06:30:00Z', '2026-04-06T06:30:00Z']);
  });

  it('moves the follow-up date with each occurrence (same number of days after)', () => {
    expect(series.map((s) => s.follow_up_date)).toEqual(['2026-03-25', '2026-04-01', '2026-04-08']);
  });

  it('does not share the tags array or custom_fields between occurrences', () => {
    expect(series[0]?.tags).not.toBe(series[1]?.tags);
    expect(series[0]?.custom_fields).not.toBe(series[1]?.custom_fields);
    expect(template.custom_fields).toEqual({ agenda: 'forecast' });
  });

  it('leaves reminder_at unset when the template has none (so per-type defaults apply)', () => {
    const rest: CreateActivityInput = { ...template };
    delete rest.reminder_at;
    const out = buildSeries(rest, rule, 's');
    expect(out.every((o) => !('reminder_at' in o))).toBe(true);
  });

  it('needs a first due time', () => {
    expect(errorsOf(() => buildSeries({ ...template, due_at: null }, rule, 's'))).toEqual({
      due_at: ['Pick the first date and time for a repeating activity.'],
    });
  });
});

type Item = SeriesItem & { name: string };
function member(name: string, index: number | string | null, due: string, status: Activity['status'] = 'pending', seriesId = 'ser_1'): Item {
  return { name, status, due_at: due, custom_fields: index === null ? { series_id: seriesId } : { series_id: seriesId, series_index: index } };
}

describe('series selection', () => {
  const a1 = member('a1', 1, '2026-01-05T09:00:00Z', 'completed');
  const a2 = member('a2', 2, '2026-01-12T09:00:00Z');
  const a3 = member('a3', 3, '2026-01-19T09:00:00Z', 'waiting');
  const a4 = member('a4', '4', '2026-01-26T09:00:00Z', 'deferred');
  const a5 = member('a5', 5, '2026-02-02T09:00:00Z', 'cancelled');
  const a6 = member('a6', 6, '2026-02-09T09:00:00Z', 'in_progress');
  const other = member('x1', 1, '2026-01-13T09:00:00Z', 'pending', 'ser_2');
  const loose: Item = { name: 'loose', status: 'pending', due_at: '2026-01-14T09:00:00Z', custom_fields: {} };
  const all = [a6, other, a3, loose, a1, a5, a2, a4];

  it('seriesLink reads the id and index, tolerating a numeric string and a missing index', () => {
    expect(seriesLink(a2)).toEqual({ seriesId: 'ser_1', index: 2 });
    expect(seriesLink(a4)).toEqual({ seriesId: 'ser_1', index: 4 });
    expect(seriesLink(member('m', null, '2026-01-01T00:00:00Z'))).toEqual({ seriesId: 'ser_1', index: null });
    expect(seriesLink(member('m', 'x', '2026-01-01T00:00:00Z'))).toEqual({ seriesId: 'ser_1', index: null });
    expect(seriesLink(loose)).toBeNull();
    expect(seriesLink({ custom_fields: { series_id: 42 } })).toBeNull();
  });

  it('seriesMembers lists one series in order', () => {
    expect(seriesMembers(all, 'ser_1').map((a) => a.name)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
  });

  it('members without an index are ordered by due time', () => {
    const b = [member('late', null, '2026-03-01T00:00:00Z'), member('early', null, '2026-02-01T00:00:00Z')];
    expect(seriesMembers(b, 'ser_1').map((a) => a.name)).toEqual(['early', 'late']);
  });

  it('"this one" is just the target', () => {
    expect(selectForEdit(all, a2, 'this')).toEqual({ targets: [a2], skipped: [] });
  });

  it('"this one" on a completed occurrence is skipped, not targeted', () => {
    expect(selectForEdit(all, a1, 'this')).toEqual({ targets: [], skipped: [a1] });
  });

  it('"this and following" takes the target and later editable ones, skipping waiting and cancelled', () => {
    const { targets, skipped } = selectForEdit(all, a2, 'following');
    expect(targets.map((a) => a.name)).toEqual(['a2', 'a4', 'a6']);
    expect(skipped.map((a) => a.name)).toEqual(['a3', 'a5']);
  });

  it('"this and following" on an activity outside any series is just that one', () => {
    expect(selectForEdit(all, loose, 'following')).toEqual({ targets: [loose], skipped: [] });
  });

  it('deleting the series cancels future open occurrences only', () => {
    const now = instantMs('2026-01-15T00:00:00Z');
    const { cancel, keep } = selectForSeriesDelete(all, 'ser_1', now);
    expect(cancel.map((a) => a.name)).toEqual(['a3', 'a4', 'a6']);
    // a1 completed, a2 past (overdue but history), a5 already cancelled.
    expect(keep.map((a) => a.name)).toEqual(['a1', 'a2', 'a5']);
  });

  it('an occurrence due exactly now is not future', () => {
    const { cancel } = selectForSeriesDelete([a2], 'ser_1', instantMs(a2.due_at ?? ''));
    expect(cancel).toEqual([]);
  });
});

describe('shiftOccurrence', () => {
  it('moving one 09:00 occurrence to 10:00 moves later ones to 10:00 wall clock across DST', () => {
    // Mondays in Berlin: 23 Mar (CET) and 30 Mar (CEST).
    expect(shiftOccurrence('2026-03-30T07:00:00Z', '2026-03-23T08:00:00Z', '2026-03-23T09:00:00Z', BERLIN)).toBe('2026-03-30T08:00:00Z');
  });
  it('moving it a day later moves later ones a day later', () => {
    const moved = shiftOccurrence('2026-03-30T07:00:00Z', '2026-03-23T08:00:00Z', '2026-03-24T08:00:00Z', BERLIN);
    expect(local(moved, BERLIN)).toBe('Tue 2026-03-31 09:00');
  });
  it('a move across midnight in UTC but not locally keeps the local day', () => {
    // 00:30 Berlin on 24 Mar is 23:30Z on 23 Mar.
    const moved = shiftOccurrence('2026-03-30T07:00:00Z', '2026-03-23T08:00:00Z', '2026-03-23T23:30:00Z', BERLIN);
    expect(local(moved, BERLIN)).toBe('Tue 2026-03-31 00:30');
  });
});

describe('seriesEditPatches', () => {
  // Mondays 09:00 Berlin with a 30-minute reminder; the 30 Mar one is after the DST change.
  const occ = (i: number, due: string, reminder: string | null): SeriesEditItem => ({
    status: 'pending', due_at: due, reminder_at: reminder, custom_fields: { series_id: 'ser_1', series_index: i, agenda: 'old' },
  });
  const o1 = occ(1, '2026-03-23T08:00:00Z', '2026-03-23T07:30:00Z');
  const o2 = occ(2, '2026-03-30T07:00:00Z', '2026-03-30T06:30:00Z');
  const o3 = occ(3, '2026-04-06T07:00:00Z', '2026-04-06T06:00:00Z'); // rep had moved this reminder to 1 h

  it('copies plain fields to every occurrence', () => {
    const out = seriesEditPatches([o1, o2], o1, { subject: 'Pipeline review (new room)', location: 'Room 2' }, BERLIN);
    expect(out.map((x) => x.patch)).toEqual([
      { subject: 'Pipeline review (new room)', location: 'Room 2' },
      { subject: 'Pipeline review (new room)', location: 'Room 2' },
    ]);
  });

  it('moving 09:00 → 10:00 moves each to 10:00 local and keeps each one\'s own reminder lead', () => {
    const out = seriesEditPatches([o1, o2, o3], o1, { due_at: '2026-03-23T09:00:00Z' }, BERLIN);
    expect(out.map((x) => [x.patch.due_at, x.patch.reminder_at])).toEqual([
      ['2026-03-23T09:00:00Z', '2026-03-23T08:30:00Z'],
      ['2026-03-30T08:00:00Z', '2026-03-30T07:30:00Z'],
      ['2026-04-06T08:00:00Z', '2026-04-06T07:00:00Z'],
    ]);
    expect(out.map((x) => zonedTime(x.patch.due_at ?? '', BERLIN).time)).toEqual(['10:00', '10:00', '10:00']);
  });

  it('a reminder given in the patch sets the same lead on each', () => {
    const out = seriesEditPatches([o2, o3], o2, { reminder_at: '2026-03-30T06:45:00Z' }, BERLIN);
    expect(out.map((x) => x.patch.reminder_at)).toEqual(['2026-03-30T06:45:00Z', '2026-04-06T06:45:00Z']);
  });

  it('the follow-up date keeps its distance from each occurrence', () => {
    const out = seriesEditPatches([o1, o2, o3], o1, { follow_up_date: '2026-03-25' }, BERLIN);
    expect(out.map((x) => x.patch.follow_up_date)).toEqual(['2026-03-25', '2026-04-01', '2026-04-08']);
  });

  it('custom_fields changes keep each occurrence\'s series link', () => {
    const out = seriesEditPatches([o1, o2], o1, { custom_fields: { agenda: 'new' } }, BERLIN);
    expect(out.map((x) => x.patch.custom_fields)).toEqual([
      { agenda: 'new', series_id: 'ser_1', series_index: 1 },
      { agenda: 'new', series_id: 'ser_1', series_index: 2 },
    ]);
  });

  it('every produced patch passes update validation', () => {
    const out = seriesEditPatches([o1, o2, o3], o1, { due_at: '2026-03-24T15:00:00Z', follow_up_date: '2026-03-26', subject: 'Moved' }, BERLIN);
    for (const { patch } of out) expect(updateActivitySchema.safeParse(patch).success).toBe(true);
    expect(out.map((x) => local(x.patch.due_at ?? '', BERLIN))).toEqual(['Tue 2026-03-24 16:00', 'Tue 2026-03-31 16:00', 'Tue 2026-04-07 16:00']);
  });
});

describe('the stored series rule (custom_fields.series_rule)', () => {
  const rules: RecurrenceRuleInput[] = [
    { frequency: 'daily', interval: 2, count: 5, time_zone: BERLIN },
    { frequency: 'weekdays', until: '2026-04-03', time_zone: BERLIN },
    { frequency: 'weekly', interval: 2, weekdays: ['wed', 'mon'], count: 6, time_zone: 'America/New_York' },
    { frequency: 'monthly', until: '2026-12-31', time_zone: 'Australia/Sydney' },
  ];

  it('reads back as the same rule and first start, so it expands to the same occurrences', () => {
    for (const rule of rules) {
      const dues = expandRecurrence(rule, '2026-03-23T08:00:00Z');
      const text = seriesRuleText(rule, dues[0]!);
      const back = parseSeriesRuleText(text);
      expect(back, text).not.toBeNull();
      expect(back!.start).toBe(dues[0]);
      expect(expandRecurrence(back!.rule, back!.start)).toEqual(dues);
      expect(back!.rule.frequency).toBe(rule.frequency);
    }
  });

  it('writes UNTIL as the end of the until day in the zone, in UTC', () => {
    expect(seriesRuleText(rules[1]!, '2026-03-23T08:00:00Z')).toBe(
      'DTSTART;TZID=Europe/Berlin:20260323T090000\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260403T215959Z;WKST=MO',
    );
  });

  it('is null for anything else', () => {
    for (const bad of [undefined, 42, '', 'RRULE:FREQ=DAILY', 'DTSTART;TZID=Nowhere/Else:20260323T090000\nRRULE:FREQ=DAILY;COUNT=2', 'DTSTART;TZID=Europe/Berlin:20260323T090000\nRRULE:FREQ=YEARLY;COUNT=2']) {
      expect(parseSeriesRuleText(bad)).toBeNull();
    }
  });

  it('"this and following" edits of custom_fields keep each occurrence\'s rule', () => {
    const [a, b] = buildSeries(template, { frequency: 'weekly', weekdays: ['mon'], count: 2, time_zone: BERLIN }, 'ser_9');
    const items = [a!, b!].map((x) => ({ status: 'pending' as const, due_at: x.due_at!, reminder_at: null, custom_fields: x.custom_fields! }));
    const out = seriesEditPatches(items, items[0]!, { custom_fields: { agenda: 'x' } }, BERLIN);
    expect(out.map((x) => x.patch.custom_fields?.series_rule)).toEqual([a!.custom_fields!.series_rule, b!.custom_fields!.series_rule]);
  });
});
