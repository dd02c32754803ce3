import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  displayLocale, formatDateOnly, formatInZone, formatInstant, formatLead, formatMinutes, formatWhen, fromLocalInput, setDisplayLocale,
  styleOptions, toLocalInput, uses24h,
} from './format.ts';

beforeEach(() => { setDisplayLocale('en-GB'); });
afterEach(() => { setDisplayLocale(undefined); });

describe('dates in the rep zone', () => {
  it('shows an instant in the given zone, not the machine zone', () => {
    expect(formatInZone('2025-12-20T14:00:00Z', 'America/New_York', 'yyyy-MM-dd HH:mm')).toBe('2025-12-20 09:00');
    expect(formatInstant('2025-12-20T23:30:00Z', 'Asia/Tokyo', 'time')).toBe('08:30');
    expect(formatInstant('2025-12-20T23:30:00Z', 'Asia/Tokyo', 'shortDate')).toBe('21 Dec 2025');
  });

  it('never shifts a date-only value, whatever the zone', () => {
    expect(formatDateOnly('2025-12-23', 'shortDate')).toBe('23 Dec 2025');
    expect(formatDateOnly('2025-01-01')).toMatch(/^Wed,? 1 Jan 2025$/);
    setDisplayLocale('en-US');
    expect(formatDateOnly('2025-01-01', 'dayMonth')).toBe('Jan 1');
    expect(formatDateOnly(null)).toBe('—');
  });

  it('round-trips datetime-local input values through the zone', () => {
    expect(fromLocalInput('2025-12-20T09:00', 'America/New_York')).toBe('2025-12-20T14:00:00Z');
    expect(toLocalInput('2025-12-20T14:00:00Z', 'America/New_York')).toBe('2025-12-20T09:00');
    // Across a DST change: summer in Berlin is UTC+2.
    expect(fromLocalInput('2025-07-01T10:00', 'Europe/Berlin')).toBe('2025-07-01T08:00:00Z');
    expect(fromLocalInput('not a date', 'UTC')).toBeNull();
  });

  it('words durations and leads', () => {
    expect(formatMinutes(90)).toBe('1 h 30 min');
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatLead(1440)).toBe('1 day before');
    expect(formatLead(15)).toBe('15 min before');
    expect(formatLead(null)).toBe('No reminder');
  });
});

describe('dates in the rep\'s locale', () => {
  const at = '2026-12-03T13:05:00Z';
  const zone = 'Europe/London';

  it('writes the same instant the way each locale does', () => {
    setDisplayLocale('en-GB');
    expect(formatInstant(at, zone, 'dayTime')).toMatch(/^Thu,? 3 Dec(,| at)? 13:05$/);
    setDisplayLocale('en-US');
    expect(formatInstant(at, zone, 'dayTime')).toMatch(/^Thu, Dec 3(,| at)? 1:05\sPM$/);
    setDisplayLocale('de-DE');
    expect(formatInstant(at, zone, 'day')).toBe('Do., 3. Dez.');
    expect(formatInstant(at, zone, 'dayTime')).toMatch(/^Do\., 3\. Dez\.(,| um)? 13:05$/);
    setDisplayLocale('fr-FR');
    expect(formatInstant(at, zone, 'day')).toBe('jeu. 3 déc.');
    expect(formatInstant(at, zone, 'time')).toBe('13:05');
  });

  it('keeps the locale\'s clock: two-digit 24 h or 12 h with AM/PM', () => {
    expect(uses24h('de-DE')).toBe(true);
    expect(uses24h('en-US')).toBe(false);
    expect(styleOptions('time', 'en-GB')).toMatchObject({ hour: '2-digit', minute: '2-digit' });
    expect(styleOptions('time', 'en-US')).toMatchObject({ hour: 'numeric', minute: '2-digit' });
    setDisplayLocale('en-GB');
    expect(formatWhen(Date.parse('2026-12-03T09:05:00Z'), 'UTC', 'time')).toBe('09:05');
  });

  it('falls back to the system locale for none or one Intl cannot use', () => {
    expect(setDisplayLocale('de-DE')).toBe('de-DE');
    expect(setDisplayLocale('not a locale!')).toBe(setDisplayLocale(undefined));
    expect(displayLocale()).toBeTruthy();
  });
});
