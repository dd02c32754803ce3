import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { dailyLoad, DEFAULT_LOAD_THRESHOLDS, type LoadItem } from './load.ts';

type Item = LoadItem & { name: string };
const at = (name: string, due: string | null, duration: number | null = 30, status: Item['status'] = 'pending'): Item => ({
  name, due_at: due, duration_minutes: duration, status,
});
const BERLIN = 'Europe/Berlin';
const FROM = '2025-12-17T10:00:00Z'; // Wednesday

describe('dailyLoad', () => {
  it('gives 14 days from the rep\'s today by default, with weekdays', () => {
    const days = dailyLoad([], { from: FROM, timeZone: BERLIN });
    expect(days).toHaveLength(14);
    expect(days[0]).toMatchObject({ date: '2025-12-17', weekday: 'Wed', count: 0, bookedMinutes: 0, overScheduled: false, flags: [] });
    expect(days.at(-1)?.date).toBe('2025-12-30');
  });

  it('"today" is the rep\'s day: 23:30Z on the 16th is already the 17th in Berlin', () => {
    expect(dailyLoad([], { from: '2025-12-16T23:30:00Z', days: 1, timeZone: BERLIN })[0]?.date).toBe('2025-12-17');
  });

  it('places activities on their local day, sorted, and sums booked minutes (default length when unknown)', () => {
    const days = dailyLoad(
      [at('late', '2025-12-17T23:30:00Z', 60), at('b', '2025-12-17T13:00:00Z', null), at('a', '2025-12-17T08:00:00Z', 45)],
      { from: FROM, days: 2, timeZone: BERLIN },
    );
    expect(days[0]?.items.map((i) => i.name)).toEqual(['a', 'b']);
    expect(days[0]).toMatchObject({ count: 2, bookedMinutes: 75, unknownDuration: 1 });
    expect(days[1]?.items.map((i) => i.name)).toEqual(['late']);
  });

  it('leaves out cancelled activities, those without a due time, and those outside the range', () => {
    const days = dailyLoad(
      [at('x', '2025-12-17T08:00:00Z', 30, 'cancelled'), at('y', null), at('z', '2025-12-16T08:00:00Z'), at('w', '2026-01-30T08:00:00Z'),
        at('done', '2025-12-17T09:00:00Z', 30, 'completed')],
      { from: FROM, timeZone: BERLIN },
    );
    expect(days.flatMap((d) => d.items.map((i) => i.name))).toEqual(['done']);
  });

  it.each([
    [6, false],
    [7, true],
  ])('%i activities → over-scheduled %s', (n, over) => {
    const items = Array.from({ length: n }, (_, i) => at(`a${i}`, `2025-12-18T${String(6 + i).padStart(2, '0')}:00:00Z`, 10));
    const day = dailyLoad(items, { from: FROM, days: 2, timeZone: BERLIN })[1];
    expect(day?.overScheduled).toBe(over);
    expect(day?.flags.includes('too_many')).toBe(over);
  });

  it.each([
    [360, false],
    [361, true],
  ])('%i booked minutes → over-scheduled %s', (minutes, over) => {
    const day = dailyLoad([at('long', '2025-12-18T07:00:00Z', minutes)], { from: FROM, days: 2, timeZone: BERLIN })[1];
    expect(day?.overScheduled).toBe(over);
    expect(day?.flags).toEqual(over ? ['too_long'] : []);
  });

  it('thresholds are configurable', () => {
    const items = [at('a', '2025-12-18T07:00:00Z', 60), at('b', '2025-12-18T09:00:00Z', 60), at('c', '2025-12-18T11:00:00Z', 60)];
    const day = dailyLoad(items, { from: FROM, days: 2, timeZone: BERLIN, thresholds: { maxActivities: 2, maxBookedMinutes: 120 } })[1];
    expect(day?.flags).toEqual(['too_many', 'too_long']);
    expect(DEFAULT_LOAD_THRESHOLDS).toEqual({ maxActivities: 6, maxBookedMinutes: 360, backToBackGapMinutes: 15, defaultDurationMinutes: 30 });
  });

  it('flags back-to-back (under 15 minutes between) but not a 15-minute gap by default', () => {
    const a = at('a', '2025-12-18T08:00:00Z', 60);
    const b = at('b', '2025-12-18T09:00:00Z', 30);
    const c = at('c', '2025-12-18T09:45:00Z', 30);
    const day = dailyLoad([c, b, a], { from: FROM, days: 2, timeZone: BERLIN })[1];
    expect(day?.backToBack.map((p) => [p.first.name, p.second.name, p.gapMinutes])).toEqual([['a', 'b', 0]]);
    expect(day?.flags).toEqual(['back_to_back']);
    expect(day?.overScheduled).toBe(false);
    const strict = dailyLoad([c, b, a], { from: FROM, days: 2, timeZone: BERLIN, thresholds: { backToBackGapMinutes: 16 } })[1];
    expect(strict?.backToBack.map((p) => [p.first.name, p.second.name, p.gapMinutes])).toEqual([['a', 'b', 0], ['b', 'c', 15]]);
    // 0: only overlaps count.
    const loose = dailyLoad([c, b, a], { from: FROM, days: 2, timeZone: BERLIN, thresholds: { backToBackGapMinutes: 0 } })[1];
    expect(loose?.backToBack).toEqual([]);
  });

  it('flags overlaps, measured against the longest running activity', () => {
    const long = at('long', '2025-12-18T08:00:00Z', 180);
    const inside = at('inside', '2025-12-18T09:00:00Z', 15);
    const later = at('later', '2025-12-18T10:00:00Z', 15);
    const day = dailyLoad([long, inside, later], { from: FROM, days: 2, timeZone: BERLIN })[1];
    expect(day?.backToBack.map((p) => [p.first.name, p.second.name, p.gapMinutes])).toEqual([['long', 'inside', -120], ['long', 'later', -60]]);
    expect(day?.flags).toEqual(['overlap']);
  });

  it('an activity without duration uses the default length for gaps too', () => {
    const day = dailyLoad([at('a', '2025-12-18T08:00:00Z', null), at('b', '2025-12-18T08:30:00Z', 30)], { from: FROM, days: 2, timeZone: BERLIN })[1];
    expect(day?.flags).toEqual(['back_to_back']);
  });

  it('DST change day: days stay calendar days in the zone', () => {
    const days = dailyLoad(
      [at('sun-late', '2026-03-29T21:59:00Z'), at('mon-early', '2026-03-29T22:30:00Z')],
      { from: '2026-03-28T12:00:00Z', days: 3, timeZone: BERLIN },
    );
    expect(days.map((d) => [d.date, d.items.map((i) => i.name)])).toEqual([
      ['2026-03-28', []], ['2026-03-29', ['sun-late']], ['2026-03-30', ['mon-early']],
    ]);
  });

  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham'])(
    '%s: every activity lands on the day its due time shows in the zone, across DST changes and day edges',
    (zone) => {
      // Every 37 minutes over 20 days around the March and the autumn changes, both hemispheres.
      for (const from of ['2026-03-20T11:00:00Z', '2026-03-30T11:00:00Z', '2026-10-20T11:00:00Z', '2026-10-30T11:00:00Z']) {
        const start = Date.parse(from) - 3 * 86_400_000;
        const items = Array.from({ length: 20 * 39 }, (_, i) => at(`a${i}`, new Date(start + i * 37 * 60_000).toISOString()));
        const days = dailyLoad(items, { from, days: 14, timeZone: zone });
        const shown = items.map((a) => format(new TZDate(Date.parse(a.due_at ?? ''), zone), 'yyyy-MM-dd'));
        const expected = days.map((d) => ({ date: d.date, names: items.filter((_, i) => shown[i] === d.date).map((a) => a.name) }));
        expect(days.map((d) => ({ date: d.date, names: d.items.map((a) => a.name) }))).toEqual(expected);
        expect(expected.every((d) => d.names.length > 0)).toBe(true);
      }
    },
  );

  it('refuses an unknown zone', () => {
    expect(() => dailyLoad([], { from: FROM, timeZone: 'Nope/Nope' })).toThrow(/Unknown time zone/);
  });
});

describe('dailyLoad with busy time from the rep\'s calendar', () => {
  const busy = (start: string, end: string) => ({ startMs: Date.parse(start), endMs: Date.parse(end) });

  it('a personal appointment right after an activity is back-to-back, one over it an overlap; neither is an activity', () => {
    const items = [at('call', '2025-12-17T09:00:00Z', 30), at('visit', '2025-12-17T14:00:00Z', 60)];
    const without = dailyLoad(items, { from: FROM, days: 1, timeZone: BERLIN })[0];
    expect(without?.flags).toEqual([]);
    const day = dailyLoad(items, {
      from: FROM, days: 1, timeZone: BERLIN,
      busy: [busy('2025-12-17T09:35:00Z', '2025-12-17T10:00:00Z'), busy('2025-12-17T14:30:00Z', '2025-12-17T15:30:00Z'), busy('2025-12-18T09:00:00Z', '2025-12-18T10:00:00Z')],
    })[0];
    expect(day).toMatchObject({ count: 2, bookedMinutes: 90, busyMinutes: 85, flags: ['back_to_back', 'overlap'] });
    expect(day?.busyClashes.map((c) => [c.activity.name, c.gapMinutes])).toEqual([['call', 5], ['visit', -30]]);
    expect(day?.backToBack).toEqual([]);
  });

  it('busy minutes count toward an over-scheduled day', () => {
    const day = dailyLoad([at('call', '2025-12-17T07:00:00Z', 60)], {
      from: FROM, days: 1, timeZone: BERLIN, thresholds: { maxBookedMinutes: 120 },
      busy: [busy('2025-12-17T12:00:00Z', '2025-12-17T13:30:00Z')],
    })[0];
    expect(day).toMatchObject({ overScheduled: true, flags: ['too_long'] });
  });
});
