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

export interface DayLoad<T> {
  /** Calendar day in the rep's zone, YYYY-MM-DD. */
  date: string;
  /** Short weekday, e.g. "Mon". */
  weekday: string;
  count: number;
  bookedMinutes: number;
  /** Activities counted with the default duration because they have none. */
  unknownDuration: number;
  /** More activities or booked minutes than the thresholds allow. */
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
      overScheduled: false, flags: [], backToBack: [], items: [],
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
  const length = (a: T) => a.duration_minutes ?? t.defaultDurationMinutes;
  for (const day of days) {
    day.items.sort((x, y) => instantMs(x.due_at ?? '') - instantMs(y.due_at ?? ''));
    day.count = day.items.length;
    day.bookedMinutes = day.items.reduce((sum, a) => sum + length(a), 0);
    day.unknownDuration = day.items.filter((a) => a.duration_minutes === null || a.duration_minutes === undefined).length;
    // Compare each activity with the latest end so far, so a long meeting overlapping two short ones counts both.
    let prev: T | null = null;
    let prevEnd = -Infinity;
    for (const a of day.items) {
      const start = instantMs(a.due_at ?? '');
      if (prev) {
        const gapMinutes = (start - prevEnd) / 60_000;
        if (gapMinutes < t.backToBackGapMinutes || gapMinutes < 0) day.backToBack.push({ first: prev, second: a, gapMinutes });
      }
      const end = start + length(a) * 60_000;
      if (end >= prevEnd) {
        prev = a;
        prevEnd = end;
      }
    }
    if (day.count > t.maxActivities) day.flags.push('too_many');
    if (day.bookedMinutes > t.maxBookedMinutes) day.flags.push('too_long');
    if (day.backToBack.some((p) => p.gapMinutes >= 0)) day.flags.push('back_to_back');
    if (day.backToBack.some((p) => p.gapMinutes < 0)) day.flags.push('overlap');
    day.overScheduled = day.flags.includes('too_many') || day.flags.includes('too_long');
  }
  return days;
}
