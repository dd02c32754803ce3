import { describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES } from './enums.ts';
import { DEFAULT_REMINDER_LEAD_MINUTES, defaultReminderAt, isReminderDue, reminderLead, shiftReminder, snoozeUntil } from './reminders.ts';
import { instantMs } from './time.ts';

const GUIDE_LEADS: Record<string, number> = { call: 15, meeting: 30, task: 24 * 60, demo: 24 * 60 };

describe('reminder leads (Best Practice 5)', () => {
  it.each(Object.entries(GUIDE_LEADS))('%s defaults to the guide\'s %s minutes', (type, lead) => {
    expect(reminderLead(type as keyof typeof DEFAULT_REMINDER_LEAD_MINUTES)).toBe(lead);
  });

  it.each(ACTIVITY_TYPES.map((t) => [t]))('%s has a default lead (visit and appointment included)', (type) => {
    expect(DEFAULT_REMINDER_LEAD_MINUTES[type]).toBeGreaterThan(0);
  });

  it('a visit or an appointment reminds an hour ahead (time to travel)', () => {
    expect(reminderLead('visit')).toBe(60);
    expect(reminderLead('appointment')).toBe(60);
  });

  it.each(ACTIVITY_TYPES.map((t) => [t]))('%s is configurable', (type) => {
    expect(reminderLead(type, { [type]: 45 })).toBe(45);
    expect(reminderLead(type, { [type]: null })).toBeNull();
  });

  it('an override for another type leaves this one alone', () => {
    expect(reminderLead('call', { meeting: 60 })).toBe(15);
  });
});

describe('defaultReminderAt', () => {
  it.each([
    ['call', '2025-12-20T13:45:00Z'],
    ['meeting', '2025-12-20T13:30:00Z'],
    ['task', '2025-12-19T14:00:00Z'],
    ['demo', '2025-12-19T14:00:00Z'],
    ['visit', '2025-12-20T13:00:00Z'],
  ] as const)('%s due 14:00Z → %s', (type, expected) => {
    expect(defaultReminderAt(type, '2025-12-20T14:00:00Z')).toBe(expected);
  });
  it('no due time → no reminder', () => {
    expect(defaultReminderAt('call', null)).toBeNull();
    expect(defaultReminderAt('call', undefined)).toBeNull();
  });
  it('normalises an offset due time to UTC', () => {
    expect(defaultReminderAt('call', '2025-12-20T15:00:00+01:00')).toBe('2025-12-20T13:45:00Z');
  });
});

describe('shiftReminder', () => {
  it.each([
    ['2025-12-20T13:45:00Z', '2025-12-20T14:00:00Z', '2025-12-27T14:00:00Z', '2025-12-27T13:45:00Z'],
    ['2025-12-19T14:00:00Z', '2025-12-20T14:00:00Z', '2025-12-20T09:00:00Z', '2025-12-19T09:00:00Z'],
    ['2025-12-20T14:00:00Z', '2025-12-20T14:00:00Z', '2026-01-02T08:30:00Z', '2026-01-02T08:30:00Z'],
  ])('reminder %s for due %s → due %s gives %s', (reminder, oldDue, newDue, expected) => {
    expect(shiftReminder(reminder, oldDue, newDue)).toBe(expected);
  });
  it('keeps a reminder with no old due time as is, and null as null', () => {
    expect(shiftReminder('2025-12-20T13:45:00Z', null, '2025-12-27T14:00:00Z')).toBe('2025-12-20T13:45:00Z');
    expect(shiftReminder(null, '2025-12-20T14:00:00Z', '2025-12-27T14:00:00Z')).toBeNull();
  });
});

describe('isReminderDue', () => {
  const now = instantMs('2025-12-20T13:45:00Z');
  it.each([
    ['2025-12-20T13:44:59Z', true],
    ['2025-12-20T13:45:00Z', true],
    ['2025-12-20T13:45:01Z', false],
    [null, false],
  ])('%s → %s', (reminder, due) => {
    expect(isReminderDue(reminder, now)).toBe(due);
  });
});

describe('snoozeUntil (desktop pop-up and in-app centre alike)', () => {
  it('minutes from now, and "tomorrow 9:00" in the rep\'s zone, across a DST change', () => {
    const now = Date.parse('2026-03-28T21:30:00Z'); // Saturday 22:30 in Berlin; clocks go forward that night
    expect(snoozeUntil(now, '15m', 'Europe/Berlin') - now).toBe(15 * 60_000);
    expect(new Date(snoozeUntil(now, 'tomorrow9', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(new Date(snoozeUntil(now, 'tomorrow9', 'America/New_York')).toISOString()).toBe('2026-03-29T13:00:00.000Z');
  });
});
