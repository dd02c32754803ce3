import { TZDate, tzOffset } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { dateFnsTimeZonePlugin } from './fc-timezone.ts';

type ImplClass = new (zone: string) => { offsetForArray(a: number[]): number; timestampToArray(ms: number): number[] };

describe('FullCalendar named time zone plugin', () => {
  const Impl = (dateFnsTimeZonePlugin as unknown as { namedTimeZonedImpl: ImplClass }).namedTimeZonedImpl;

  it('gives wall-clock fields and offsets in the zone, across DST', () => {
    const berlin = new Impl('Europe/Berlin');
    expect(berlin.timestampToArray(Date.parse('2025-12-22T09:00:00Z'))).toEqual([2025, 11, 22, 10, 0, 0, 0]);
    expect(berlin.offsetForArray([2025, 11, 22, 10, 0, 0, 0])).toBe(60);
    expect(berlin.offsetForArray([2026, 6, 1, 10, 0, 0, 0])).toBe(120);
    const ny = new Impl('America/New_York');
    expect(ny.timestampToArray(Date.parse('2025-12-22T03:00:00Z')).slice(0, 4)).toEqual([2025, 11, 21, 22]);
    expect(ny.offsetForArray([2025, 11, 21, 22, 0, 0, 0])).toBe(-300);
  });

  // The remembered offsets answer exactly as @date-fns/tz does, every half hour of a year that
  // has both changes of offset (and the skipped and repeated hours), in zones with whole-hour,
  // half-hour and 45-minute offsets and a 30-minute DST shift.
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns'])(
    '%s: the same answers as @date-fns/tz for every half hour of 2026',
    (zone) => {
      const impl = new Impl(zone);
      const start = Date.UTC(2026, 0, 1);
      for (let ms = start; ms < Date.UTC(2027, 0, 1); ms += 1_800_000) {
        const d = new TZDate(ms, zone);
        const fields = [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
        expect(impl.timestampToArray(ms)).toEqual(fields);
        // Wall-clock fields as FullCalendar builds them (UTC fields of a marker), including skipped ones.
        const wall = new Date(ms);
        const arr = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes(), 0, 0];
        const [y = 0, mo = 0, day = 0, h = 0, mi = 0] = arr;
        expect(impl.offsetForArray(arr), `${zone} ${wall.toISOString()}`).toBe(tzOffset(zone, new TZDate(y, mo, day, h, mi, 0, 0, zone)));
      }
    },
  );
});
