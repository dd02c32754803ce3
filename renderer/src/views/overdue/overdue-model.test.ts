import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_THRESHOLDS } from '#shared/domain/index';
import {
  buildQueue, daysLate, filterItems, latenessGroup, presetDueTimes, queueInHand, spreadOverWeek, triageCommand, whyNotAllowed, type QueueActivity,
} from './overdue-model.ts';

const zone = 'America/New_York';
let n = 0;
function act(over: Partial<QueueActivity>): QueueActivity {
  n += 1;
  return {
    lid: `L${String(n).padStart(3, '0')}`, type: 'call', status: 'pending', priority: 'medium', subject: `A${n}`,
    due_at: '2025-12-18T15:00:00Z', duration_minutes: 30, activityable_type: 'customer', activityable_id: 'c1', ...over,
  };
}
// Monday 22 Dec 2025, 10:00 in New York.
const now = Date.parse('2025-12-22T15:00:00Z');
const key = (k: string, shiftKey = false) => ({ key: k, shiftKey, ctrlKey: false, metaKey: false, altKey: false });

describe('lateness', () => {
  it('counts calendar days in the rep zone', () => {
    expect(daysLate('2025-12-22T13:00:00Z', now, zone)).toBe(0);
    // 03:00Z on the 22nd is 22:00 on the 21st in New York: one day late there, same day in UTC.
    expect(daysLate('2025-12-22T03:00:00Z', now, zone)).toBe(1);
    expect(daysLate('2025-12-22T03:00:00Z', now, 'UTC')).toBe(0);
  });
  it('groups today, 1–7 days, 1–4 weeks, older', () => {
    expect([0, 1, 7, 8, 28, 29].map(latenessGroup)).toEqual(['today', 'week', 'week', 'month', 'month', 'older']);
  });
});

describe('buildQueue', () => {
  const list = [
    act({ lid: 'old', due_at: '2025-10-01T15:00:00Z', priority: 'low' }),
    act({ lid: 'wkLow', due_at: '2025-12-19T15:00:00Z', priority: 'low', activityable_type: 'opportunity', activityable_id: 'o1' }),
    act({ lid: 'wkHigh', due_at: '2025-12-20T15:00:00Z', priority: 'critical', activityable_type: 'opportunity', activityable_id: 'o2' }),
    act({ lid: 'wkOldest', due_at: '2025-12-16T15:00:00Z', priority: 'medium', activityable: { name: 'Acme', value: 150_000 } }),
    act({ lid: 'today', due_at: '2025-12-22T14:00:00Z' }),
  ];
  const values = new Map<string, number | null>([['o1', 175_000], ['o2', 5_000]]);

  it('groups in order with headers and counts, most overdue first by default (the group order matches the label)', () => {
    const { rows, items } = buildQueue(list, { nowMs: now, zone, sort: 'due', values });
    expect(rows.filter((r) => r.kind === 'header').map((r) => (r.kind === 'header' ? `${r.group}:${r.count}` : ''))).toEqual([
      'older:1', 'week:3', 'today:1',
    ]);
    expect(items.map((i) => i.a.lid)).toEqual(['old', 'wkOldest', 'wkLow', 'wkHigh', 'today']);
    // Item rows carry their cursor index in display order.
    expect(rows.flatMap((r) => (r.kind === 'item' ? [r.index] : []))).toEqual([0, 1, 2, 3, 4]);
  });

  it('sorts by priority within a group', () => {
    const { items } = buildQueue(list, { nowMs: now, zone, sort: 'priority', values });
    expect(items.map((i) => i.a.lid)).toEqual(['today', 'wkHigh', 'wkOldest', 'wkLow', 'old']);
  });

  it('sorts by opportunity value (activity first, then directory), unknown last', () => {
    const { items } = buildQueue([...list, act({ lid: 'wkNoValue', due_at: '2025-12-21T15:00:00Z', priority: 'critical' })], {
      nowMs: now, zone, sort: 'value', values,
    });
    expect(items.map((i) => `${i.a.lid}:${i.value ?? '-'}`)).toEqual([
      'today:-', 'wkLow:175000', 'wkOldest:150000', 'wkHigh:5000', 'wkNoValue:-', 'old:-',
    ]);
  });
});

describe('presetDueTimes', () => {
  it('in 1 hour rounds up to 5 minutes', () => {
    const t = presetDueTimes('in1h', 2, Date.parse('2025-12-22T15:02:10Z'), zone);
    expect(t.map((d) => d.toISOString())).toEqual(['2025-12-22T16:05:00.000Z', '2025-12-22T16:05:00.000Z']);
  });
  it('tomorrow 9:00 in the rep zone', () => {
    expect(presetDueTimes('tomorrow9', 1, now, zone)[0]?.toISOString()).toBe('2025-12-23T14:00:00.000Z');
  });
  it('next business day skips the weekend, at the start of working hours', () => {
    const friday = Date.parse('2025-12-26T15:00:00Z');
    expect(presetDueTimes('nextBusinessDay', 1, friday, zone, { start: '08:30', end: '17:00' })[0]?.toISOString()).toBe(
      '2025-12-29T13:30:00.000Z',
    );
  });
  it('spread over the week: next 5 business days, inside working hours, evenly', () => {
    const friday = Date.parse('2025-12-26T15:00:00Z');
    const times = presetDueTimes('spreadWeek', 12, friday, zone, { start: '09:00', end: '17:00' });
    expect(times).toHaveLength(12);
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const local = times.map((d) => fmt.format(d));
    const days = new Set(local.map((s) => s.slice(0, 15)));
    expect(days.size).toBe(5);
    for (const s of local) {
      expect(s).not.toMatch(/Sat|Sun/);
      const hm = /(\d{2}):(\d{2})$/.exec(s);
      const minutes = Number(hm?.[1]) * 60 + Number(hm?.[2]);
      expect(minutes).toBeGreaterThanOrEqual(9 * 60);
      expect(minutes).toBeLessThan(17 * 60);
    }
    // 12 over 5 days → 3 a day at most, spaced 160 minutes apart: 09:00, 11:40, 14:20.
    expect(local.filter((s) => s.includes('14:20'))).toHaveLength(2);
    expect(local[0]).toContain('Mon');
    expect(local[0]).toContain('09:00');
  });
  it('rejects nonsense working hours', () => {
    expect(() => presetDueTimes('spreadWeek', 1, now, zone, { start: '17:00', end: '09:00' })).toThrow(/end after/);
  });
});

describe('triageCommand', () => {
  it('maps the legend keys', () => {
    expect(triageCommand(key('j'))).toEqual({ kind: 'move', delta: 1, extend: false });
    expect(triageCommand(key('ArrowUp', true))).toEqual({ kind: 'move', delta: -1, extend: true });
    expect(triageCommand(key(' '))).toEqual({ kind: 'toggle' });
    expect(triageCommand(key('x'))).toEqual({ kind: 'toggle' });
    expect(triageCommand(key('c'))).toEqual({ kind: 'complete' });
    expect(triageCommand(key('r'))).toEqual({ kind: 'reschedule' });
    expect(triageCommand(key('Delete'))).toEqual({ kind: 'cancel' });
    expect(triageCommand(key('d'))).toEqual({ kind: 'cancel' });
    expect(triageCommand(key('q'))).toBeNull();
    expect(triageCommand({ ...key('c'), ctrlKey: true })).toBeNull();
  });
});

describe('fast lateness', () => {
  it('classify agrees with the date-fns count around midnight and DST in several zones', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Pacific/Auckland', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    const nows = [Date.parse('2026-03-29T00:30:00Z'), Date.parse('2026-11-01T06:59:00Z'), Date.parse('2025-12-22T15:00:00Z')];
    for (const zone of zones) {
      for (const nowMs of nows) {
        // Every 259 minutes for five weeks, then every 4.3 days back to two and a half years (past
        // the midnights kept, so both ways of counting are checked).
        const recent = Array.from({ length: 200 }, (_, i) => nowMs - i * 37 * 60_000 * 7);
        const older = Array.from({ length: 210 }, (_, i) => nowMs - 36 * 86_400_000 - i * 4.3 * 86_400_000);
        const list = [...recent, ...older].map((ms, i) => act({ lid: `z${i}`, due_at: new Date(ms).toISOString() }));
        const { items } = buildQueue(list, { nowMs, zone, sort: 'due' });
        for (const it of items) expect(it.daysLate, `${zone} ${it.a.due_at ?? ''}`).toBe(daysLate(it.a.due_at ?? '', nowMs, zone));
      }
    }
  });
});

describe('filterItems', () => {
  it('keeps items whose subject or related name has every word', () => {
    const list = [act({ lid: 'a', subject: 'Pricing Review Call' }), act({ lid: 'b', subject: 'Send case study' }), act({ lid: 'c', subject: 'Check-in' })];
    const { items } = buildQueue(list, { nowMs: now, zone, sort: 'due' });
    const names: Record<string, string> = { a: 'Acme Corp', b: 'Globex', c: 'Acme Corp' };
    const nameOf = (a: QueueActivity) => names[a.lid] ?? null;
    expect(filterItems(items, 'acme  REVIEW', nameOf).map((i) => i.a.lid)).toEqual(['a']);
    expect(filterItems(items, 'acme', nameOf).map((i) => i.a.lid).sort()).toEqual(['a', 'c']);
    expect(filterItems(items, '  ', nameOf)).toHaveLength(3);
  });
});

describe('spreadOverWeek', () => {
  const zone2 = 'Europe/Berlin';
  // Monday 2025-12-15, 10:00 in Berlin: the week spread fills Tue 16 … Mon 22.
  const mon = Date.parse('2025-12-15T09:00:00Z');
  const hours = { start: '09:00', end: '17:00' };
  const at = (day: number, h: number, m = 0) => new Date(Date.UTC(2025, 11, day, h - 1, m)).toISOString();
  const busy = (day: number, h: number, minutes: number) => ({ status: 'pending' as const, due_at: at(day, h), duration_minutes: minutes });

  it('goes around booked time with the back-to-back gap, never on top of it', () => {
    // Tuesday 09:00-12:00 booked; every other day fully booked 09:00-17:00.
    const booked = [busy(16, 9, 180), busy(17, 9, 480), busy(18, 9, 480), busy(19, 9, 480), busy(22, 9, 480)];
    const plan = spreadOverWeek([30, 30], mon, zone2, hours, booked);
    expect(plan.overflow).toBe(0);
    // First free start is 12:15 (15 minutes to prepare after the block), then 13:00 (after 12:15-12:45 + 15).
    expect(plan.times.map((t) => t.toISOString())).toEqual([at(16, 12, 15), at(16, 13)]);
  });

  it('keeps every day within the day-load thresholds and spreads to the least loaded day', () => {
    const booked = [0, 1, 2, 3, 4, 5].map((i) => busy(16, 9 + i, 30));
    const plan = spreadOverWeek([30, 30, 30, 30, 30], mon, zone2, hours, booked);
    // Tuesday already has 6 (the maximum): nothing more goes there.
    expect(plan.times.some((t) => t.toISOString().startsWith('2025-12-16'))).toBe(false);
    expect(new Set(plan.times.map((t) => t.toISOString().slice(0, 10))).size).toBe(4);
  });

  it('says how many do not fit, and puts them after hours rather than on top of booked ones', () => {
    const booked = [16, 17, 18, 19, 22].map((d) => busy(d, 9, 480));
    const plan = spreadOverWeek([30], mon, zone2, hours, booked);
    expect(plan.overflow).toBe(1);
    expect(plan.times[0]?.getTime()).toBeGreaterThanOrEqual(Date.parse(at(16, 17, 15)));
  });

  it('goes around busy calendar time too, and counts it in the day\'s booking', () => {
    // Tuesday 09:00-12:00 busy in the rep's own calendar (no activity); every other day fully booked.
    const booked = [17, 18, 19, 22].map((d) => busy(d, 9, 480));
    const ownCalendar = [{ startMs: Date.parse(at(16, 9)), endMs: Date.parse(at(16, 12)) }];
    expect(spreadOverWeek([30], mon, zone2, hours, booked).times.map((t) => t.toISOString())).toEqual([at(16, 9)]);
    expect(spreadOverWeek([30], mon, zone2, hours, booked, DEFAULT_LOAD_THRESHOLDS, ownCalendar).times.map((t) => t.toISOString())).toEqual([at(16, 12, 15)]);
    // A whole Tuesday busy: nothing fits anywhere.
    const fullDay = [{ startMs: Date.parse(at(16, 9)), endMs: Date.parse(at(16, 17)) }];
    expect(spreadOverWeek([30], mon, zone2, hours, booked, DEFAULT_LOAD_THRESHOLDS, fullDay).overflow).toBe(1);
  });
});

describe('whyNotAllowed', () => {
  it('names the way forward for a deferred activity', () => {
    expect(whyNotAllowed('complete', 'deferred')).toMatch(/Reschedule it \(r\) first/);
  });
});

describe('queueInHand (the first screen before the whole queue)', () => {
  it('shows the first screen while the whole queue is read, then the whole queue; a short first read is the whole queue', () => {
    const screen = Array.from({ length: 3 }, (_, i) => `r${i}`);
    expect(queueInHand(undefined, undefined, 3)).toEqual({ rows: undefined, partial: false });
    expect(queueInHand(screen, undefined, 3)).toEqual({ rows: screen, partial: true });
    expect(queueInHand(screen.slice(0, 2), undefined, 3)).toEqual({ rows: screen.slice(0, 2), partial: false });
    const all = [...screen, 'r3', 'r4'];
    expect(queueInHand(screen, all, 3)).toEqual({ rows: all, partial: false });
    expect(queueInHand(undefined, all, 3)).toEqual({ rows: all, partial: false });
  });
});
