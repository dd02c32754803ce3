/**
 * The overdue queue as pure functions: how late each activity is, its group, the sort orders
 * (priority, related opportunity value) and the bulk-reschedule presets in the rep's zone and
 * working hours. No React here, so it is unit-tested in Node.
 */
import { TZDate, tz, tzOffset } from '@date-fns/tz';
import { addDays, differenceInCalendarDays, isWeekend, startOfDay } from 'date-fns';
import {
  DEFAULT_LOAD_THRESHOLDS, dailyLoad, priorityRank,
  type ActivityStatusValue, type ActivityTypeValue, type BusyInterval, type LoadItem, type LoadThresholds, type PriorityValue,
} from '#shared/domain/index';

export interface QueueActivity {
  lid: string;
  type: ActivityTypeValue;
  status: ActivityStatusValue;
  priority: PriorityValue;
  subject: string;
  due_at: string | null;
  duration_minutes: number | null;
  activityable_type: string;
  activityable_id: string;
  activityable?: { name: string; value?: number | null } | null;
  sync?: string;
}

export const LATENESS_GROUPS = ['today', 'week', 'month', 'older'] as const;
export type LatenessGroup = (typeof LATENESS_GROUPS)[number];
export const LATENESS_LABELS: Record<LatenessGroup, string> = {
  today: 'Due earlier today',
  week: '1–7 days late',
  month: '1–4 weeks late',
  older: 'More than 4 weeks late',
};

/** Calendar days late in the rep's zone (0 = due earlier today). */
export function daysLate(dueAt: string, nowMs: number, zone: string): number {
  return Math.max(0, differenceInCalendarDays(new Date(nowMs), new Date(dueAt), { in: tz(zone) }));
}

/** Local day numbers from the zone's offset at that instant (one Intl lookup each). */
function localDay(ms: number, zone: string): number {
  return Math.floor((ms + tzOffset(zone, new Date(ms)) * 60_000) / 86_400_000);
}

/** How far back lateOf keeps the zone's midnights; older ones take the offset lookup. */
const MIDNIGHTS_KEPT = 400;

/**
 * The same count as daysLate, fast for thousands of rows: the zone's local midnights going back
 * from today's are made once, as far back as the rows need, and each row is placed among them by
 * comparing instants.
 */
function lateOf(nowMs: number, zone: string): (ms: number) => number {
  const today = new TZDate(nowMs, zone);
  const [y, m, d] = [today.getFullYear(), today.getMonth(), today.getDate()];
  /** starts[j]: the instant the day j days before today began. */
  const starts: number[] = [new TZDate(y, m, d, zone).getTime()];
  const todayNumber = localDay(nowMs, zone);
  return (ms) => {
    if (ms >= (starts[0] ?? 0)) return 0;
    while ((starts.at(-1) ?? 0) > ms && starts.length <= MIDNIGHTS_KEPT) starts.push(new TZDate(y, m, d - starts.length, zone).getTime());
    if ((starts.at(-1) ?? 0) > ms) return Math.max(0, todayNumber - localDay(ms, zone));
    // The first midnight at or before ms: starts is descending.
    let lo = 1;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] ?? 0) <= ms) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

export function latenessGroup(days: number): LatenessGroup {
  if (days <= 0) return 'today';
  if (days <= 7) return 'week';
  if (days <= 28) return 'month';
  return 'older';
}

export type QueueSort = 'due' | 'priority' | 'value';
export const QUEUE_SORT_LABELS: Record<QueueSort, string> = {
  due: 'Most overdue first',
  priority: 'Priority (highest first)',
  value: 'Opportunity value (highest first)',
};

export interface QueueItem<A extends QueueActivity = QueueActivity> {
  a: A;
  daysLate: number;
  group: LatenessGroup;
  /** Value of the related opportunity, from the activity or the offline directory; null when unknown. */
  value: number | null;
}

export type QueueRow<A extends QueueActivity = QueueActivity> =
  | { kind: 'header'; group: LatenessGroup; count: number }
  | { kind: 'item'; item: QueueItem<A>; index: number };

const dueMs = (a: QueueActivity) => (a.due_at ? Date.parse(a.due_at) : Number.POSITIVE_INFINITY);

function compare(sort: QueueSort): (x: QueueItem, y: QueueItem) => number {
  const byDue = (x: QueueItem, y: QueueItem) => dueMs(x.a) - dueMs(y.a) || x.a.lid.localeCompare(y.a.lid);
  const byPriority = (x: QueueItem, y: QueueItem) => priorityRank(y.a.priority) - priorityRank(x.a.priority);
  if (sort === 'priority') return (x, y) => byPriority(x, y) || byDue(x, y);
  if (sort === 'value') {
    // Unknown values sink below every known one; ties fall back to priority then lateness.
    return (x, y) => (y.value ?? -1) - (x.value ?? -1) || byPriority(x, y) || byDue(x, y);
  }
  return byDue;
}

/**
 * The queue's rows in hand: the whole queue once read; until then its first screen (the oldest
 * `limit`, read with that limit), which is the whole queue when fewer came. `partial`: more rows
 * are still being read (counts and the last row are not known yet).
 */
export function queueInHand<A>(first: readonly A[] | undefined, all: readonly A[] | undefined, limit: number): { rows: readonly A[] | undefined; partial: boolean } {
  if (all) return { rows: all, partial: false };
  if (first) return { rows: first, partial: first.length >= limit };
  return { rows: undefined, partial: false };
}

/** Items whose subject or related record name contains every word of `text` (case-insensitive). */
export function filterItems<A extends QueueActivity>(items: readonly QueueItem<A>[], text: string, nameOf: (a: A) => string | null): QueueItem<A>[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items as QueueItem<A>[];
  return items.filter((i) => {
    const hay = `${i.a.subject} ${nameOf(i.a) ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Each activity with its lateness, group and value; independent of the sort (so re-sorting is cheap). */
export function classify<A extends QueueActivity>(
  activities: readonly A[],
  opts: { nowMs: number; zone: string; values?: ReadonlyMap<string, number | null> },
): QueueItem<A>[] {
  const late = lateOf(opts.nowMs, opts.zone);
  const out: QueueItem<A>[] = [];
  for (const a of activities) {
    if (!a.due_at) continue;
    const ms = Date.parse(a.due_at);
    if (Number.isNaN(ms)) continue;
    const d = late(ms);
    const value = a.activityable?.value ?? (a.activityable_type === 'opportunity' ? (opts.values?.get(a.activityable_id) ?? null) : null);
    out.push({ a, daysLate: d, group: latenessGroup(d), value });
  }
  return out;
}

/**
 * Group by lateness (oldest first for "Most overdue first", else today first) and sort inside each group. Returns flat rows
 * (headers + items) for the virtual list, and the items alone in display order for the cursor.
 */
export function groupAndSort<A extends QueueActivity>(classified: readonly QueueItem<A>[], sort: QueueSort): { rows: QueueRow<A>[]; items: QueueItem<A>[] } {
  const groups = new Map<LatenessGroup, QueueItem<A>[]>(LATENESS_GROUPS.map((g) => [g, []]));
  for (const item of classified) groups.get(item.group)?.push(item);
  const rows: QueueRow<A>[] = [];
  const items: QueueItem<A>[] = [];
  const cmp = compare(sort);
  // "Most overdue first" reads top to bottom: the oldest group leads. The other sorts keep today's
  // group on top (what can still be saved today) and sort inside each group.
  const order = sort === 'due' ? [...LATENESS_GROUPS].reverse() : LATENESS_GROUPS;
  for (const g of order) {
    const list = groups.get(g) ?? [];
    if (list.length === 0) continue;
    list.sort(cmp);
    rows.push({ kind: 'header', group: g, count: list.length });
    for (const item of list) {
      rows.push({ kind: 'item', item, index: items.length });
      items.push(item);
    }
  }
  return { rows, items };
}

export function buildQueue<A extends QueueActivity>(
  activities: readonly A[],
  opts: { nowMs: number; zone: string; sort: QueueSort; values?: ReadonlyMap<string, number | null> },
): { rows: QueueRow<A>[]; items: QueueItem<A>[] } {
  return groupAndSort(classify(activities, opts), opts.sort);
}

export interface WorkingHours {
  /** "HH:mm" in the rep's zone. */
  start: string;
  end: string;
}
export const DEFAULT_WORKING_HOURS: WorkingHours = { start: '09:00', end: '17:00' };

export type ReschedulePreset = 'in1h' | 'tomorrow9' | 'nextBusinessDay' | 'spreadWeek';
export const PRESET_LABELS: Record<ReschedulePreset, string> = {
  in1h: 'In 1 hour',
  tomorrow9: 'Tomorrow 9:00',
  nextBusinessDay: 'Next business day',
  spreadWeek: 'Spread over the week',
};

function parseHm(hm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hm);
  if (!m) throw new Error(`Working hours must be HH:mm, got "${hm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The instant of `minutes` after local midnight of `day` in `zone`. */
function atLocal(day: Date, minutes: number, zone: string): Date {
  const midnight = startOfDay(day, { in: tz(zone) });
  const d = new Date(midnight.getTime());
  // Set wall-clock hours in the zone (DST-safe: a TZDate's setHours works in its zone).
  const local = tz(zone)(d);
  local.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  return new Date(local.getTime());
}

function nextBusinessDayAfter(nowMs: number, zone: string): Date {
  let d = addDays(new Date(nowMs), 1, { in: tz(zone) });
  while (isWeekend(d, { in: tz(zone) })) d = addDays(d, 1, { in: tz(zone) });
  return d;
}

/**
 * New due times for `count` activities under a preset, in input order. "Spread over the week"
 * distributes them over the next 5 business days inside working hours, evenly spaced each day.
 */
export function presetDueTimes(
  preset: ReschedulePreset, count: number, nowMs: number, zone: string, hours: WorkingHours = DEFAULT_WORKING_HOURS,
): Date[] {
  const startMin = parseHm(hours.start);
  const endMin = parseHm(hours.end);
  if (endMin <= startMin) throw new Error('Working hours must end after they start');
  if (preset === 'in1h') {
    // Round up to the next 5 minutes so times look deliberate.
    const t = Math.ceil((nowMs + 60 * 60_000) / 300_000) * 300_000;
    return Array.from({ length: count }, () => new Date(t));
  }
  if (preset === 'tomorrow9') {
    const t = atLocal(addDays(new Date(nowMs), 1, { in: tz(zone) }), 9 * 60, zone);
    return Array.from({ length: count }, () => t);
  }
  if (preset === 'nextBusinessDay') {
    const t = atLocal(nextBusinessDayAfter(nowMs, zone), startMin, zone);
    return Array.from({ length: count }, () => t);
  }
  const days = spreadDays(nowMs, zone);
  const perDay = Math.ceil(count / days.length);
  const step = Math.max(1, Math.floor((endMin - startMin) / Math.max(1, perDay)));
  const out: Date[] = [];
  for (let i = 0; i < count; i += 1) {
    const day = days[i % days.length] as Date;
    const slot = Math.floor(i / days.length);
    out.push(atLocal(day, startMin + slot * step, zone));
  }
  return out;
}

/** Keyboard triage: the key → command map shown in the help legend and used by the handler. */
export const TRIAGE_KEYS = [
  { keys: ['j', '↓'], label: 'Next activity' },
  { keys: ['k', '↑'], label: 'Previous activity' },
  { keys: ['Space', 'x'], label: 'Select / unselect' },
  { keys: ['Shift+↑/↓'], label: 'Extend selection' },
  { keys: ['a'], label: 'Select all / none' },
  { keys: ['c'], label: 'Complete (outcome)' },
  { keys: ['r'], label: 'Reschedule' },
  { keys: ['d', 'Delete'], label: 'Cancel (with reason)' },
  { keys: ['Enter'], label: 'Open details' },
] as const;

export type TriageCommand =
  | { kind: 'move'; delta: number; extend: boolean }
  | { kind: 'toggle' }
  | { kind: 'all' }
  | { kind: 'complete' }
  | { kind: 'reschedule' }
  | { kind: 'cancel' }
  | { kind: 'open' }
  | { kind: 'home' }
  | { kind: 'end' };

/** Map a key press to a triage command (null when the key is not ours). */
export function triageCommand(e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): TriageCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'j': case 'ArrowDown': return { kind: 'move', delta: 1, extend: e.shiftKey };
    case 'k': case 'ArrowUp': return { kind: 'move', delta: -1, extend: e.shiftKey };
    case 'J': return { kind: 'move', delta: 1, extend: true };
    case 'K': return { kind: 'move', delta: -1, extend: true };
    case 'PageDown': return { kind: 'move', delta: 10, extend: e.shiftKey };
    case 'PageUp': return { kind: 'move', delta: -10, extend: e.shiftKey };
    case 'Home': return { kind: 'home' };
    case 'End': return { kind: 'end' };
    case ' ': case 'x': return { kind: 'toggle' };
    case 'a': return { kind: 'all' };
    case 'c': return { kind: 'complete' };
    case 'r': return { kind: 'reschedule' };
    case 'd': case 'Delete': return { kind: 'cancel' };
    case 'Enter': return { kind: 'open' };
    default: return null;
  }
}

export type TriageAction = 'complete' | 'reschedule' | 'cancel';
const STATUS_WORDS: Partial<Record<string, string>> = { deferred: 'deferred', in_progress: 'in progress', waiting: 'waiting', completed: 'completed', cancelled: 'cancelled' };

/**
 * Why the action table refuses `action` in `status`, and the way forward, in the rep's words
 * (shown beside the disabled button before the rep tries, never as an error after).
 */
export function whyNotAllowed(action: TriageAction, status: string): string {
  const s = STATUS_WORDS[status];
  if (action === 'complete' && status === 'deferred') {
    return 'A deferred activity can\'t be completed. Reschedule it (r) first: that makes it pending again, then complete it.';
  }
  if (action === 'reschedule' && status === 'in_progress') {
    return 'An activity in progress can\'t be rescheduled. Complete it (c), or cancel it (d) and schedule a new copy.';
  }
  return `You can't ${action} an activity that is ${s ?? status.replace(/_/g, ' ')}.`;
}

/** The five business days "Spread over the week" uses: from the next business day on. */
export function spreadDays(nowMs: number, zone: string): Date[] {
  const days: Date[] = [];
  let d = nextBusinessDayAfter(nowMs, zone);
  while (days.length < 5) {
    days.push(startOfDay(d, { in: tz(zone) }));
    d = addDays(d, 1, { in: tz(zone) });
    while (isWeekend(d, { in: tz(zone) })) d = addDays(d, 1, { in: tz(zone) });
  }
  return days;
}

export interface SpreadPlan {
  /** New due time of each activity, in input order. */
  times: Date[];
  /** How many could not fit inside working hours without over-scheduling a day (placed after hours). */
  overflow: number;
}

const SLOT_STEP = 15;

/**
 * "Spread over the week" around what is already booked: each activity goes to the least loaded of
 * the next five business days that can take it without crossing the day-load thresholds (the
 * same dailyLoad rules as the calendar and the weekly review: activity count, booked minutes), at
 * the first time inside working hours that neither overlaps a booked activity nor leaves less than
 * the back-to-back gap beside one. What fits nowhere goes after the last activity of the least
 * loaded day, and is counted in `overflow` so the dialog can say so.
 */
export function spreadOverWeek(
  minutes: readonly (number | null | undefined)[], nowMs: number, zone: string, hours: WorkingHours, booked: readonly LoadItem[],
  thresholds: LoadThresholds = DEFAULT_LOAD_THRESHOLDS,
  /** The rep's other calendar events (issue #14): avoided like booked activities, their time counted. */
  busy: readonly BusyInterval[] = [],
): SpreadPlan {
  const startMin = parseHm(hours.start);
  const endMin = parseHm(hours.end);
  if (endMin <= startMin) throw new Error('Working hours must end after they start');
  const days = spreadDays(nowMs, zone);
  const first = days[0] as Date;
  const last = days[days.length - 1] as Date;
  const span = differenceInCalendarDays(last, first, { in: tz(zone) }) + 1;
  const loads = new Map(dailyLoad(booked, { from: first.toISOString(), days: span, timeZone: zone, thresholds, busy }).map((l) => [l.date, l]));
  const len = (m: number | null | undefined) => (m && m > 0 ? m : thresholds.defaultDurationMinutes);
  const gap = thresholds.backToBackGapMinutes * 60_000;
  const plan = days.map((day) => {
    const load = loads.get(dateKey(day, zone));
    const intervals = [
      ...(load?.items ?? []).map((a) => {
        const s = Date.parse(a.due_at ?? '');
        return { s, e: s + len(a.duration_minutes) * 60_000 };
      }),
      ...(load?.busy ?? []).map((b) => ({ s: b.startMs, e: b.endMs })),
    ];
    return { day, count: load?.count ?? 0, booked: (load?.bookedMinutes ?? 0) + (load?.busyMinutes ?? 0), intervals };
  });
  const freeStart = (p: (typeof plan)[number], m: number): number | null => {
    for (let t = startMin; t + m <= endMin; t += SLOT_STEP) {
      const s = atLocal(p.day, t, zone).getTime();
      const e = s + m * 60_000;
      if (s < nowMs) continue;
      if (p.intervals.every((iv) => s >= iv.e + gap || e + gap <= iv.s)) return s;
    }
    return null;
  };
  const times: Date[] = [];
  let overflow = 0;
  for (const raw of minutes) {
    const m = len(raw);
    let best: { p: (typeof plan)[number]; at: number } | null = null;
    for (const p of plan) {
      if (p.count + 1 > thresholds.maxActivities || p.booked + m > thresholds.maxBookedMinutes) continue;
      if (best && (p.count > best.p.count || (p.count === best.p.count && p.booked >= best.p.booked))) continue;
      const at = freeStart(p, m);
      if (at !== null) best = { p, at };
    }
    if (!best) {
      overflow += 1;
      const p = plan.reduce((a, b) => (b.booked < a.booked ? b : a));
      const after = Math.max(atLocal(p.day, endMin, zone).getTime(), ...p.intervals.map((iv) => iv.e + gap));
      best = { p, at: Math.ceil(after / (SLOT_STEP * 60_000)) * SLOT_STEP * 60_000 };
    }
    best.p.intervals.push({ s: best.at, e: best.at + m * 60_000 });
    best.p.count += 1;
    best.p.booked += m;
    times.push(new Date(best.at));
  }
  return { times, overflow };
}

function dateKey(day: Date, zone: string): string {
  const t = new TZDate(day.getTime(), zone);
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
}
