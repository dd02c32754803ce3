import { TZDate } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { addMinutes, instantMs, isDateOnly, minutesBetween, toIsoInstant, utcDay } from './time.ts';

describe('time helpers', () => {
  it('toIsoInstant drops milliseconds and writes Z', () => {
    expect(toIsoInstant(Date.UTC(2025, 11, 20, 14, 0, 0, 999))).toBe('2025-12-20T14:00:00Z');
    expect(toIsoInstant(new Date('2025-12-20T15:00:00+01:00'))).toBe('2025-12-20T14:00:00Z');
  });
  it('instantMs is NaN for garbage', () => {
    expect(instantMs('nope')).toBeNaN();
  });
  it('addMinutes and minutesBetween', () => {
    expect(addMinutes('2025-12-31T23:50:00Z', 15)).toBe('2026-01-01T00:05:00Z');
    expect(addMinutes('2025-12-20T14:00:00Z', -1440)).toBe('2025-12-19T14:00:00Z');
    expect(minutesBetween('2025-12-20T13:45:00Z', '2025-12-20T14:00:00Z')).toBe(15);
    expect(minutesBetween('2025-12-20T14:00:00Z', '2025-12-20T13:45:00Z')).toBe(-15);
  });
  it('utcDay uses the UTC calendar day', () => {
    expect(utcDay('2025-12-20T23:30:00-05:00')).toBe('2025-12-21');
  });
  it.each([
    ['2025-12-23', true], ['2024-02-29', true], ['2023-02-29', false], ['2025-04-31', false], ['2025-12-23T00:00:00Z', false],
    ['2025-1-3', false], ['', false],
  ])('isDateOnly(%j) = %s', (v, ok) => {
    expect(isDateOnly(v)).toBe(ok);
  });
});

describe('toIsoInstant with zoned dates', () => {
  it('writes a TZDate as its UTC instant, not its local wall time', () => {
    expect(toIsoInstant(new TZDate(2026, 2, 30, 9, 0, 0, 'Europe/Berlin'))).toBe('2026-03-30T07:00:00Z');
  });
});
