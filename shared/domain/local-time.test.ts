import { describe, expect, it } from 'vitest';
import { customerLocalTime, customerZoneOf, dayStartMs, dueTimeLabel, isValidTimeZone, timeZoneSchema, zonedTime } from './local-time.ts';

describe('isValidTimeZone', () => {
  it.each([['Europe/Berlin', true], ['America/New_York', true], ['UTC', true], ['Asia/Kolkata', true], ['Mars/Base', false], ['', false], ['CET+1', false]])(
    '%j → %s',
    (zone, ok) => {
      expect(isValidTimeZone(zone)).toBe(ok);
    },
  );
  it('schema gives a readable message', () => {
    expect(timeZoneSchema.safeParse('Mars/Base').error?.issues[0]?.message).toBe(
      'Choose a time zone from the list, e.g. Europe/Berlin or America/New_York.',
    );
  });
});

describe('zonedTime', () => {
  it.each([
    ['2026-01-15T14:00:00Z', 'Europe/Berlin', { date: '2026-01-15', time: '15:00', weekday: 'Thu', offsetMinutes: 60 }],
    ['2026-07-15T14:00:00Z', 'Europe/Berlin', { date: '2026-07-15', time: '16:00', weekday: 'Wed', offsetMinutes: 120 }],
    ['2026-01-15T03:00:00Z', 'America/New_York', { date: '2026-01-14', time: '22:00', weekday: 'Wed', abbreviation: 'EST', offsetMinutes: -300 }],
    ['2026-07-15T03:00:00Z', 'America/New_York', { date: '2026-07-14', time: '23:00', abbreviation: 'EDT', offsetMinutes: -240 }],
    ['2026-01-15T14:00:00Z', 'Asia/Kolkata', { time: '19:30', offsetMinutes: 330 }],
  ])('%s in %s', (iso, zone, expected) => {
    expect(zonedTime(iso, zone)).toMatchObject({ zone, ...expected });
  });
  it('refuses garbage', () => {
    expect(() => zonedTime('soon', 'UTC')).toThrow(RangeError);
    expect(() => zonedTime('2026-01-15T14:00:00Z', 'Mars/Base')).toThrow(/Unknown time zone/);
  });
});

describe('customerLocalTime', () => {
  it('shows the customer clock beside the rep one, with the day when it differs', () => {
    const r = customerLocalTime('2026-01-15T08:00:00Z', 'Europe/Berlin', 'America/New_York');
    expect(r.rep.time).toBe('09:00');
    expect(r.customer?.time).toBe('03:00');
    expect(r).toMatchObject({ dayDiff: 0, sameClock: false, outsideCustomerHours: true, label: 'Customer: 03:00 EST' });
  });

  it.each([
    ['2026-01-15T23:30:00Z', 'America/New_York', 'Asia/Tokyo', 1, 'Customer: 08:30 GMT+9 (next day)'],
    ['2026-01-16T01:00:00Z', 'Asia/Tokyo', 'America/Los_Angeles', -1, 'Customer: 17:00 PST (previous day)'],
    ['2026-01-15T12:00:00Z', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', -1, 'Customer: 01:00 GMT-11 (previous day)'],
  ])('%s rep %s, customer %s → day %i', (iso, rep, cust, dayDiff, label) => {
    const r = customerLocalTime(iso, rep, cust);
    expect(r.dayDiff).toBe(dayDiff);
    expect(r.label).toBe(label);
  });

  it('same clock → nothing extra to show', () => {
    const r = customerLocalTime('2026-01-15T08:00:00Z', 'Europe/Berlin', 'Europe/Paris');
    expect(r).toMatchObject({ sameClock: true, label: '' });
    expect(r.customer?.zone).toBe('Europe/Paris');
  });

  it.each([[null], [undefined], [''], ['Not/AZone']])('unknown customer zone %j → rep time only', (zone) => {
    const r = customerLocalTime('2026-01-15T08:00:00Z', 'Europe/Berlin', zone);
    expect(r).toMatchObject({ customer: null, label: '', outsideCustomerHours: false });
    expect(r.rep.time).toBe('09:00');
  });

  it.each([
    ['2026-01-15T12:59:00Z', true], ['2026-01-15T13:00:00Z', false], ['2026-01-15T22:59:00Z', false],
    ['2026-01-15T23:00:00Z', true], ['2026-01-15T12:00:00Z', true],
  ])('working hours 08–18 New York: %s outside=%s', (iso, outside) => {
    expect(customerLocalTime(iso, 'UTC', 'America/New_York').outsideCustomerHours).toBe(outside);
  });

  it('custom working hours', () => {
    expect(customerLocalTime('2026-01-15T12:00:00Z', 'UTC', 'America/New_York', { start: 6, end: 20 }).outsideCustomerHours).toBe(false);
  });
});

describe('customerZoneOf', () => {
  it('prefers the contact, falls back to the related record, ignores invalid zones', () => {
    expect(customerZoneOf({ contact: { id: 'c', name: 'Jo', time_zone: 'Asia/Tokyo' }, activityable: { id: 'x', name: 'X', time_zone: 'Europe/Paris' } })).toBe('Asia/Tokyo');
    expect(customerZoneOf({ contact: { id: 'c', name: 'Jo', time_zone: 'Bad/Zone' }, activityable: { id: 'x', name: 'X', time_zone: 'Europe/Paris' } })).toBe('Europe/Paris');
    expect(customerZoneOf({ contact: null, activityable: { id: 'x', name: 'X' } })).toBeNull();
    expect(customerZoneOf({})).toBeNull();
  });
});

describe('dueTimeLabel', () => {
  it.each([
    ['America/New_York', 'Thu 09:00 GMT+1 · Customer: 03:00 EST'],
    [null, 'Thu 09:00 GMT+1'],
    ['Europe/Paris', 'Thu 09:00 GMT+1'],
  ])('customer zone %j → %s', (zone, label) => {
    expect(dueTimeLabel('2026-01-15T08:00:00Z', 'Europe/Berlin', zone)).toBe(label);
  });
});

describe('dayStartMs', () => {
  it('is midnight in the zone', () => {
    expect(dayStartMs('2026-01-15', 'Europe/Berlin')).toBe(Date.parse('2026-01-14T23:00:00Z'));
    expect(dayStartMs('2026-07-15', 'Europe/Berlin')).toBe(Date.parse('2026-07-14T22:00:00Z'));
    expect(dayStartMs('2026-01-15', 'America/New_York')).toBe(Date.parse('2026-01-15T05:00:00Z'));
  });
  it('is midnight UTC without a zone', () => {
    expect(dayStartMs('2026-01-15')).toBe(Date.parse('2026-01-15T00:00:00Z'));
    expect(dayStartMs('2026-01-15', null, 1)).toBe(Date.parse('2026-01-16T00:00:00Z'));
  });
  it('adds calendar days, across month ends and a daylight-saving change (a 23-hour day)', () => {
    expect(dayStartMs('2026-01-31', 'Europe/Berlin', 1)).toBe(Date.parse('2026-01-31T23:00:00Z'));
    const from = dayStartMs('2026-03-29', 'Europe/Berlin')!;
    const to = dayStartMs('2026-03-29', 'Europe/Berlin', 1)!;
    expect(to - from).toBe(23 * 3_600_000);
  });
  it.each(['', '2026-1-5', '15.01.2026', '2026-01-15T00:00:00Z'])('%j is not a day: null', (day) => {
    expect(dayStartMs(day, 'Europe/Berlin')).toBeNull();
  });
});
