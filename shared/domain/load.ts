/**
 * Per-day activity load (Best Practice 4, "Set realistic due dates": avoid over-scheduling and
 * back-to-back activities without prep time), for the weekly review's load chart.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Activity } from './activity.ts';
import { isValidTimeZone } from './local-time.ts';
import { instantMs } from './time.ts';

export interface LoadThresholds {
  /** A day with more activities than this is over-scheduled. */
  maxActivities: number;
  /** A day with more booked minutes than this is over-scheduled. */
  maxBookedMinutes: number;
  /**
   * Consecutive activities with less than this many minutes between them are back-to-back: no
   * time to prepare (overlaps always count). The calendar warns by the same rule.
   */
  backToBackGapMinutes: number;
  /** Length assumed for an activity without a duration (it still takes time). */
  defaultDurationMinutes: number;
}

export const DEFAULT_LOAD_THRESHOLDS: LoadThresholds = {
  maxActivities: 6,
  maxBookedMinutes: 6 * 60,
  backToBackGapMinutes: 15,
  defaultDurationMinutes: 30,
};

export type LoadItem = Pick<Activity, 'status' | 'due_at' | 'duration_minutes'>;

export type LoadFlag = 'too_many' | 'too_long' | 'back_to_back' | 'overlap';

/** Time taken by something that is not an activity: the rep's other calendar events (issue #14, shared/caldav/busy.ts). */
export interface BusyInterval {
  startMs: number;
  endMs: number;
}

export interface DayLoad<T> {
  /** Calendar day in the rep's zone, YYYY-MM-DD. */
  date: string;
  /** Short weekday, e.g. "Mon". */
  weekday: string;
  count: number;
  bookedMinutes: number;
  /** Activities counted with the default duration because they have none. */
  unknownDuration: number;
  /** Minutes of busy time (other calendar events) starting this day; they count toward too_long. */
  busyMinutes: number;
  /** The day's busy intervals by start. */
  busy: BusyInterval[];
  /** An activity and a busy interval next to each other with too little time between them, or overlapping (they raise back_to_back / overlap too). */
  busyClashes: { activity: T; busy: BusyInterval; gapMinutes: number }[];
  /** More activities or booked minutes (busy time included) than the thresholds allow. */
  overScheduled: boolean;
  flags: LoadFlag[];
  /** Consecutive pairs with no (or too little) time between them, or overlapping. */
  backToBack: { first: T; second: T; gapMinutes: number }[];
  /** The day's activities by start time. */
  items: T[];
}

export interface LoadOptions {
  /** Any instant on the first day (usually now); days start at midnight in `timeZone`. */
  from: string;
  /** How many days, default 14 (today and the next 13). */
  days?: number;
  timeZone: string;
  thresholds?: Partial<LoadThresholds>;
  /** Busy time from the rep's calendar: counted in booked time and in the back-to-back and overlap checks. */
  busy?: readonly BusyInterval[];
}

/**
 * Load per day for `days` days from the day of `from`. Cancelled activities and those without a
 * due time don't load a day; everything else (open or already done) does.
 */
export function dailyLoad<T extends LoadItem>(activities: readonly T[], opts: LoadOptions): DayLoad<T>[] {
  if (!isValidTimeZone(opts.timeZone)) throw new RangeError(`Unknown time zone: ${opts.timeZone}`);
  const t = { ...DEFAULT_LOAD_THRESHOLDS, ...opts.thresholds };
  const zone = opts.timeZone;
  const first = new TZDate(instantMs(opts.from), zone);
  const days: DayLoad<T>[] = [];
  // Each day's start (local midnight) as an instant, and the end of the last day: activities are
  // placed by comparing instants rather than formatting each one's date in the zone (thousands of
  // overdue ones come in, and nearly all fall before the first day).
  const count = opts.days ?? 14;
  const starts: number[] = [];
  for (let i = 0; i <= count; i++) {
    // Construct each day from its calendar fields so DST days (23 or 25 hours) stay whole days.
    const d = new TZDate(first.getFullYear(), first.getMonth(), first.getDate() + i, zone);
    starts.push(d.getTime());
    if (i === count) break;
    days.push({
      date: format(d, 'yyyy-MM-dd'), weekday: format(d, 'EEE'), count: 0, bookedMinutes: 0, unknownDuration: 0,
      busyMinutes: 0, busy: [], busyClashes: [], overScheduled: false, flags: [], backToBack: [], items: [],
    });
  }
  const [from, to] = [starts[0] ?? 0, starts[count] ?? 0];
  for (const a of activities) {
    if (a.status === 'cancelled' || !a.due_at) continue;
    const ms = instantMs(a.due_at);
    // NaN fails both comparisons.
    if (!(ms >= from && ms < to)) continue;
    let i = 0;
    while (ms >= (starts[i + 1] ?? Infinity)) i++;
    days[i]?.items.push(a);
  }
  for (const b of opts.busy ?? []) {
    if (!(b.startMs >= from && b.startMs < to) || !(b.endMs > b.startMs)) continue;
    let i = 0;
    while (b.startMs >= (starts[i + 1] ?? Infinity)) i++;
    days[i]?.busy.push(b);
  }
  const length = (a: T) => a.duration_minutes ?? t.defaultDurationMinutes;
  for (const day of days) {
    day.items.sort((x, y) => instantMs(x.due_at ?? '') - instantMs(y.due_at ?? ''));
    day.count = day.items.length;
    day.bookedMinutes = day.items.reduce((sum, a) => sum + length(a), 0);
    day.unknownDuration = day.items.filter((a) => a.duration_minutes === null || a.duration_minutes === undefined).length;
    day.busy.sort((x, y) => x.startMs - y.startMs || x.endMs - y.endMs);
    day.busyMinutes = day.busy.reduce((sum, b) => sum + (b.endMs - b.startMs) / 60_000, 0);
    // One timeline of activities and busy time (an activity first at the same start).
    type Entry = { start: number; end: number } & ({ activity: T } | { busy: BusyInterval });
    const timeline: Entry[] = day.items.map((a): Entry => {
      const start = instantMs(a.due_at ?? '');
      return { start, end: start + length(a) * 60_000, activity: a };
    });
    let k = 0;
    for (const b of day.busy) {
      while (k < timeline.length && (timeline[k]?.start ?? Infinity) <= b.startMs) k++;
      timeline.splice(k, 0, { start: b.startMs, end: b.endMs, busy: b });
      k++;
    }
    // Compare each entry with the latest end so far, so a long meeting overlapping two short ones counts both.
    let prev: Entry | null = null;
    let prevEnd = -Infinity;
    for (const e of timeline) {
      if (prev) {
        const gapMinutes = (e.start - prevEnd) / 60_000;
        if (gapMinutes < t.backToBackGapMinutes || gapMinutes < 0) {
          if ('activity' in prev && 'activity' in e) day.backToBack.push({ first: prev.activity, second: e.activity, gapMinutes });
          else if ('activity' in prev && 'busy' in e) day.busyClashes.push({ activity: prev.activity, busy: e.busy, gapMinutes });
          else if ('busy' in prev && 'activity' in e) day.busyClashes.push({ activity: e.activity, busy: prev.busy, gapMinutes });
        }
      }
      if (e.end >= prevEnd) {
        prev = e;
        prevEnd = e.end;
      }
    }
    const pairs = [...day.backToBack, ...day.busyClashes];
    if (day.count > t.maxActivities) day.flags.push('too_many');
    if (day.bookedMinutes + day.busyMinutes > t.maxBookedMinutes) day.flags.push('too_long');
    if (pairs.some((p) => p.gapMinutes >= 0)) day.flags.push('back_to_back');
    if (pairs.some((p) => p.gapMinutes < 0)) day.flags.push('overlap');
    day.overScheduled = day.flags.includes('too_many') || day.flags.includes('too_long');
  }
  return days;
}
