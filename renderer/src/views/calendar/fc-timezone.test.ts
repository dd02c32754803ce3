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
});
