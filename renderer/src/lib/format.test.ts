import { describe, expect, it } from 'vitest';
import { formatDateOnly, formatInstant, formatLead, formatMinutes, fromLocalInput, toLocalInput } from './format.ts';

describe('dates in the rep zone', () => {
  it('shows an instant in the given zone, not the machine zone', () => {
    expect(formatInstant('2025-12-20T14:00:00Z', 'America/New_York', 'yyyy-MM-dd HH:mm')).toBe('2025-12-20 09:00');
    expect(formatInstant('2025-12-20T23:30:00Z', 'Asia/Tokyo', 'yyyy-MM-dd HH:mm')).toBe('2025-12-21 08:30');
  });

  it('never shifts a date-only value, whatever the zone', () => {
    expect(formatDateOnly('2025-12-23', 'yyyy-MM-dd')).toBe('2025-12-23');
    expect(formatDateOnly('2025-01-01')).toBe('Wed 1 Jan 2025');
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
