import { dailyLoad } from '#shared/domain/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDisplayLocale } from '../../lib/format.ts';
import {
  DEFAULT_DURATION_MINUTES, keyMove, legendTypes, nextFreeSlot, slotWarnings, toEvents, type CalendarActivity,
} from './calendar-model.ts';

const zone = 'Europe/Berlin';
// Event names are written in the rep's locale; these read en-GB.
beforeAll(() => { setDisplayLocale('en-GB'); });
afterAll(() => { setDisplayLocale(undefined); });
let n = 0;
function act(over: Partial<CalendarActivity>): CalendarActivity {
  n += 1;
  return {
    lid: `L${n}`, type: 'call', status: 'pending', priority: 'medium', subject: `Activity ${n}`,
    due_at: '2025-12-22T09:00:00Z', duration_minutes: 30, sync: 'synced', ...over,
  };
}
const now = Date.parse('2025-12-22T12:00:00Z');

describe('toEvents', () => {
  it('places by due time and duration, 30 minutes when none', () => {
    const [a, b] = toEvents([act({ duration_minutes: 45 }), act({ duration_minutes: null, due_at: '2025-12-22T14:00:00Z' })], now, zone);
    expect(a?.start).toBe('2025-12-22T09:00:00.000Z');
    expect(a?.end).toBe('2025-12-22T09:45:00.000Z');
    expect(b?.end).toBe(new Date(Date.parse('2025-12-22T14:00:00Z') + DEFAULT_DURATION_MINUTES * 60_000).toISOString());
  });

  it('leaves off undated and cancelled activities', () => {
    expect(toEvents([act({ due_at: null }), act({ status: 'cancelled' })], now, zone)).toHaveLength(0);
  });

  it('colours by type and marks overdue and unsynced in class and accessible name', () => {
    const [late, fine] = toEvents(
      [act({ type: 'demo', due_at: '2025-12-22T08:00:00Z', sync: 'pending' }), act({ type: 'email', due_at: '2025-12-23T08:00:00Z' })],
      now, zone,
    );
    expect(late?.backgroundColor).toBe('var(--t-demo)');
    expect(late?.textColor).toBe('var(--t-demo-fg)');
    expect(late?.classNames).toContain('fb-overdue');
    expect(late?.classNames).toContain('fb-unsynced');
    expect(late?.extendedProps.accessibleName).toMatch(/^Demo: .*Overdue, Not yet synced$/);
    expect(late?.extendedProps.accessibleName).toContain('09:00'); // 08:00Z is 09:00 in Berlin
    expect(late?.extendedProps.details).toMatch(/^Demo, .*09:00 to 09:30, Medium priority, Pending, Overdue, Not yet synced$/);
    expect(fine?.classNames).not.toContain('fb-overdue');
    expect(fine?.backgroundColor).toBe('var(--t-email)');
  });

  it('only lets open, reschedulable work be dragged', () => {
    const evs = toEvents([act({ status: 'pending' }), act({ status: 'completed' }), act({ status: 'in_progress' })], now, zone);
    expect(evs.map((e) => e.editable)).toEqual([true, false, false]);
  });
});

describe('type colours', () => {
  it('legend lists only the types present, in a stable order', () => {
    expect(legendTypes([act({ type: 'visit' }), act({ type: 'call' }), act({ type: 'call' })])).toEqual(['call', 'visit']);
  });
});

describe('slotWarnings', () => {
  const slot = (startIso: string, minutes: number) => ({ start: new Date(startIso), end: new Date(Date.parse(startIso) + minutes * 60_000) });

  it('counts the rep\'s busy calendar time: an overlap, too little time after it, and its minutes in the day\'s booking', () => {
    const busy = [{ startMs: Date.parse('2025-12-22T12:00:00Z'), endMs: Date.parse('2025-12-22T13:00:00Z') }];
    expect(slotWarnings(slot('2025-12-22T12:30:00Z', 30), [], zone, undefined, busy)).toEqual([{ kind: 'overlap', message: 'Overlaps time that is busy in your calendar.' }]);
    expect(slotWarnings(slot('2025-12-22T13:05:00Z', 30), [], zone, undefined, busy).map((w) => w.kind)).toEqual(['back_to_back']);
    expect(slotWarnings(slot('2025-12-22T13:05:00Z', 30), [], zone)).toEqual([]);
    // Busy time touching another activity but not the slot is not the slot's warning.
    expect(slotWarnings(slot('2025-12-22T16:00:00Z', 30), [act({ due_at: '2025-12-22T13:05:00Z' })], zone, undefined, busy)).toEqual([]);
    const long = [{ startMs: Date.parse('2025-12-22T07:00:00Z'), endMs: Date.parse('2025-12-22T13:00:00Z') }];
    const w = slotWarnings(slot('2025-12-22T15:00:00Z', 60), [], zone, undefined, long);
    expect(w.map((x) => x.kind)).toEqual(['too_long']);
    expect(w[0]?.message).toContain('6 h of it busy in your calendar');
  });

  it('is quiet on a light day with gaps', () => {
    expect(slotWarnings(slot('2025-12-22T13:00:00Z', 30), [act({ due_at: '2025-12-22T09:00:00Z' })], zone)).toEqual([]);
  });

  it('warns when the slot makes more than 6 activities on the rep-local day, as the review\'s load chart flags it', () => {
    const day = [7, 8, 9, 10, 11, 12].map((h) => act({ due_at: `2025-12-22T${String(h).padStart(2, '0')}:00:00Z` }));
    const w = slotWarnings(slot('2025-12-22T15:00:00Z', 30), day, zone);
    expect(w.map((x) => x.kind)).toEqual(['too_many']);
    expect(w[0]?.message).toContain('7 activities');
    // The same day with the new one, in the review's load: over-scheduled by the same rule.
    const [load] = dailyLoad([...day, { status: 'pending', due_at: '2025-12-22T15:00:00Z', duration_minutes: 30 }], { from: '2025-12-22T12:00:00Z', days: 1, timeZone: zone });
    expect(load?.flags).toContain('too_many');
    // Six in all is a full day, not an over-scheduled one.
    expect(slotWarnings(slot('2025-12-22T15:00:00Z', 30), day.slice(1), zone)).toEqual([]);
  });

  it('counts the day in the rep zone, not UTC', () => {
    // 23:30Z on the 21st is 00:30 on the 22nd in Berlin: same day as the others.
    const day = [8, 9, 10, 11, 12].map((h) => act({ due_at: `2025-12-22T${String(h).padStart(2, '0')}:00:00Z` }));
    day.push(act({ due_at: '2025-12-21T23:30:00Z' }));
    expect(slotWarnings(slot('2025-12-22T15:00:00Z', 30), day, zone).map((x) => x.kind)).toContain('too_many');
    expect(slotWarnings(slot('2025-12-22T15:00:00Z', 30), day, 'UTC').map((x) => x.kind)).not.toContain('too_many');
  });

  it('warns when more than 6 hours are booked', () => {
    const day = [act({ due_at: '2025-12-22T07:00:00Z', duration_minutes: 300 })];
    expect(slotWarnings(slot('2025-12-22T13:00:00Z', 90), day, zone).map((x) => x.kind)).toEqual(['too_long']);
  });

  it('warns about back-to-back and overlaps, ignoring the activity being moved', () => {
    const a = act({ due_at: '2025-12-22T09:00:00Z', duration_minutes: 60, subject: 'Demo prep' });
    const w = slotWarnings(slot('2025-12-22T10:05:00Z', 30), [a], zone);
    expect(w.map((x) => x.kind)).toEqual(['back_to_back']);
    expect(w[0]?.message).toContain('5 min');
    expect(slotWarnings(slot('2025-12-22T09:30:00Z', 30), [a], zone).map((x) => x.kind)).toEqual(['overlap']);
    expect(slotWarnings(slot('2025-12-22T09:30:00Z', 30), [a], zone, a.lid)).toEqual([]);
  });

  it('leaves out cancelled activities; done ones still took the day\'s time', () => {
    const hours = [7, 8, 9, 10, 11, 12];
    const cancelled = hours.map((h) => act({ status: 'cancelled', due_at: `2025-12-22T${String(h).padStart(2, '0')}:00:00Z` }));
    expect(slotWarnings(slot('2025-12-22T15:00:00Z', 30), cancelled, zone)).toEqual([]);
    const done = hours.map((h) => act({ status: 'completed', due_at: `2025-12-22T${String(h).padStart(2, '0')}:00:00Z` }));
    expect(slotWarnings(slot('2025-12-22T15:00:00Z', 30), done, zone).map((x) => x.kind)).toEqual(['too_many']);
  });

  it('a gap of 15 minutes is enough; 14 is back-to-back (the review\'s rule too)', () => {
    const a = act({ due_at: '2025-12-22T09:00:00Z', duration_minutes: 60, subject: 'Demo' });
    expect(slotWarnings(slot('2025-12-22T10:15:00Z', 30), [a], zone)).toEqual([]);
    expect(slotWarnings(slot('2025-12-22T10:14:00Z', 30), [a], zone).map((x) => x.kind)).toEqual(['back_to_back']);
  });
});

describe('keyMove (the keyboard drag and resize)', () => {
  const k = (key: string, mods: { shiftKey?: boolean; ctrlKey?: boolean } = {}) => ({ key, altKey: true, shiftKey: false, ctrlKey: false, metaKey: false, ...mods });
  const start = new Date('2026-03-27T09:00:00Z'); // Fri 10:00 in Berlin; the clocks go forward on Sunday

  it('Alt+↑/↓ moves by the drag snap of 15 minutes', () => {
    expect(keyMove(k('ArrowDown'), start, 30, zone)).toEqual({ start: new Date('2026-03-27T09:15:00Z'), minutes: 30 });
    expect(keyMove(k('ArrowUp'), start, 30, zone)).toEqual({ start: new Date('2026-03-27T08:45:00Z'), minutes: 30 });
  });

  it('Alt+←/→ moves a day at the same wall-clock time in the rep zone, across the DST change', () => {
    const monday = keyMove(k('ArrowRight'), new Date('2026-03-28T09:00:00Z'), 30, zone); // Sat 10:00 CET
    expect(monday?.start.toISOString()).toBe('2026-03-29T08:00:00.000Z'); // Sun 10:00 CEST
    expect(keyMove(k('ArrowLeft'), start, 30, zone)?.start.toISOString()).toBe('2026-03-26T09:00:00.000Z');
  });

  it('Alt+Shift+↑/↓ changes the duration by 15 minutes, never below 15', () => {
    expect(keyMove(k('ArrowDown', { shiftKey: true }), start, 30, zone)).toEqual({ start, minutes: 45 });
    expect(keyMove(k('ArrowUp', { shiftKey: true }), start, 15, zone)).toEqual({ start, minutes: 15 });
  });

  it('ignores other keys, plain arrows and Ctrl/Cmd combinations (the browser and FullCalendar keep them)', () => {
    expect(keyMove(k('Enter'), start, 30, zone)).toBeNull();
    expect(keyMove({ ...k('ArrowDown'), altKey: false }, start, 30, zone)).toBeNull();
    expect(keyMove(k('ArrowDown', { ctrlKey: true }), start, 30, zone)).toBeNull();
    expect(keyMove(k('ArrowLeft', { shiftKey: true }), start, 30, zone)).toBeNull();
  });
});

describe('nextFreeSlot', () => {
  const hours = { start: '08:00', end: '18:00' };
  it('starts on the next quarter hour, skipping booked time with the back-to-back gap', () => {
    // Tuesday 2025-12-16, 09:07 in Berlin; 09:15-10:00 booked.
    const now = Date.parse('2025-12-16T08:07:00Z');
    const booked = [act({ due_at: '2025-12-16T08:15:00Z', duration_minutes: 45 })];
    expect(nextFreeSlot(now, 30, booked, zone, hours)?.toISOString()).toBe('2025-12-16T09:15:00.000Z');
    expect(nextFreeSlot(now, 30, [], zone, hours)?.toISOString()).toBe('2025-12-16T08:15:00.000Z');
  });

  it('moves past the end of working hours and the weekend', () => {
    // Friday 17:50 in Berlin → Monday 08:00.
    expect(nextFreeSlot(Date.parse('2025-12-19T16:50:00Z'), 30, [], zone, hours)?.toISOString()).toBe('2025-12-22T07:00:00.000Z');
  });
});
