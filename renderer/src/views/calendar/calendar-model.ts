/**
 * What the calendar shows, as pure functions: activities → placed events, the colour of each
 * type, and the guide's "Set realistic due dates" warnings (over-scheduling, back-to-back).
 * Kept free of React and FullCalendar so it is unit-tested in Node.
 */
import { TZDate, tz } from '@date-fns/tz';
import { addDays, addMinutes } from 'date-fns';
import {
  ACTIVITY_TYPES, DEFAULT_LOAD_THRESHOLDS, dailyLoad, isOverdue, priorityLabel, statusLabel, typeGroup, typeLabel,
  type ActivityStatusValue, type ActivityType, type ActivityTypeValue, type BusyInterval, type LoadItem, type PriorityValue,
} from '#shared/domain/index';
import { typeFill, typeInk } from '../../styles/palette.ts';
import { displayLocale, styleOptions } from '../../lib/format.ts';

/** Shown length of an activity that has no duration (the guide's calls default to 30 minutes). */
export const DEFAULT_DURATION_MINUTES = DEFAULT_LOAD_THRESHOLDS.defaultDurationMinutes;

/** The fields of a local activity the calendar reads. */
export interface CalendarActivity {
  lid: string;
  type: ActivityTypeValue;
  status: ActivityStatusValue;
  priority: PriorityValue;
  subject: string;
  due_at: string | null;
  duration_minutes: number | null;
  location?: string | null;
  sync?: string;
  activityable?: { name: string } | null;
}

export interface PlacedEvent {
  id: string;
  title: string;
  start: string;
  end: string;
  backgroundColor: string;
  borderColor: string;
  textColor: string;
  classNames: string[];
  editable: boolean;
  extendedProps: {
    lid: string; overdue: boolean; unsynced: boolean; type: ActivityType;
    /** Everything said about the event, for the tooltip. */
    accessibleName: string;
    /** What a screen reader hears after the visible time and subject (type, times, priority, status, marks). */
    details: string;
  };
}

export function shownDuration(minutes: number | null | undefined): number {
  return minutes && minutes > 0 ? minutes : DEFAULT_DURATION_MINUTES;
}

/** Place every activity that has a due time; cancelled ones are left off the calendar. */
export function toEvents(activities: readonly CalendarActivity[], nowMs: number, zone: string): PlacedEvent[] {
  const out: PlacedEvent[] = [];
  for (const a of activities) {
    if (!a.due_at || a.status === 'cancelled') continue;
    const startMs = Date.parse(a.due_at);
    if (Number.isNaN(startMs)) continue;
    const endMs = startMs + shownDuration(a.duration_minutes) * 60_000;
    const overdue = isOverdue(a, nowMs);
    const unsynced = a.sync !== undefined && a.sync !== 'synced';
    // A type this version does not know is drawn as "other" (its name still says what it is).
    const group = typeGroup(a.type);
    // The palette's custom properties: the fill and its text follow the theme (styles/palette.ts).
    const colour = typeFill(group);
    const classNames = ['fb-event', `fb-type-${group}`];
    if (overdue) classNames.push('fb-overdue');
    if (a.status === 'completed') classNames.push('fb-completed');
    if (unsynced) classNames.push('fb-unsynced');
    const details = eventDetails(a, startMs, endMs, overdue, unsynced, zone);
    out.push({
      id: a.lid,
      title: a.subject,
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      backgroundColor: colour,
      borderColor: overdue ? '#facc15' : colour,
      textColor: typeInk(group),
      classNames,
      // Only open work that the action table lets move can be dragged (reschedule).
      editable: canDrag(a.status),
      extendedProps: {
        lid: a.lid, overdue, unsynced, type: group,
        accessibleName: nameWith(a, details),
        details,
      },
    });
  }
  return out;
}

function canDrag(status: ActivityStatusValue): boolean {
  return status === 'pending' || status === 'deferred' || status === 'waiting';
}

/**
 * Formatters per zone, made once: building an Intl.DateTimeFormat costs far more than using one,
 * and a busy week has a few hundred events to name.
 */
const formatters = new Map<string, { start: Intl.DateTimeFormat; end: Intl.DateTimeFormat }>();
function formattersFor(zone: string) {
  const locale = displayLocale();
  const key = `${locale}|${zone}`;
  let f = formatters.get(key);
  if (!f) {
    f = {
      start: new Intl.DateTimeFormat(locale, { ...styleOptions('dayTime', locale), timeZone: zone }),
      end: new Intl.DateTimeFormat(locale, { ...styleOptions('time', locale), timeZone: zone }),
    };
    formatters.set(key, f);
  }
  return f;
}

/** Everything about an event in one line: type, subject, and the details (time, status, marks shown as icons). */
const nameWith = (a: CalendarActivity, details: string) => `${typeLabel(a.type)}: ${a.subject}, ${details}`;

/** The part of the name not shown as text on the event (the subject and time are). */
export function eventDetails(
  a: CalendarActivity, startMs: number, endMs: number, overdue: boolean, unsynced: boolean, zone: string,
): string {
  const parts = [
    typeLabel(a.type),
    `${formattersFor(zone).start.format(startMs)} to ${formattersFor(zone).end.format(endMs)}`,
    `${priorityLabel(a.priority)} priority`,
    statusLabel(a.status),
  ];
  if (a.activityable?.name) parts.push(a.activityable.name);
  if (overdue) parts.push('Overdue');
  if (unsynced) parts.push('Not yet synced');
  return parts.join(', ');
}

export interface Slot {
  start: Date;
  end: Date;
}

export interface LoadWarning {
  kind: 'too_many' | 'too_long' | 'back_to_back' | 'overlap';
  message: string;
}

/**
 * Warnings (never blocking) for putting a slot on its day, given what is already there. `ignoreLid`
 * leaves out the activity being moved so it is not compared with itself. The day's load is the
 * weekly review's (dailyLoad, shared thresholds): what the calendar warns about is what the
 * review's load chart flags. `busy`: the rep's other calendar events (issue #14), which count
 * toward the day's booked time and are warned about like activities.
 */
export function slotWarnings(
  slot: Slot, activities: readonly CalendarActivity[], zone: string, ignoreLid?: string, busy: readonly BusyInterval[] = [],
): LoadWarning[] {
  const t = DEFAULT_LOAD_THRESHOLDS;
  const slotMinutes = Math.max(1, Math.round((slot.end.getTime() - slot.start.getTime()) / 60_000));
  const placed = { status: 'pending' as const, due_at: slot.start.toISOString(), duration_minutes: slotMinutes };
  const [day] = dailyLoad<LoadItem & { subject?: string }>(
    [...activities.filter((a) => a.lid !== ignoreLid), placed], { from: placed.due_at, days: 1, timeZone: zone, busy },
  );
  if (!day) return [];
  const warnings: LoadWarning[] = [];
  if (day.flags.includes('too_many')) {
    warnings.push({ kind: 'too_many', message: `That makes ${day.count} activities on this day, more than ${t.maxActivities}; consider moving some (the guide warns against over-scheduling).` });
  }
  if (day.flags.includes('too_long')) {
    const booked = Math.round(day.bookedMinutes + day.busyMinutes);
    const own = day.busyMinutes ? ` (${formatMinutes(Math.round(day.busyMinutes))} of it busy in your calendar)` : '';
    warnings.push({ kind: 'too_long', message: `That books ${formatMinutes(booked)} on this day${own}, more than ${formatMinutes(t.maxBookedMinutes)}.` });
  }
  const s = slot.start.getTime();
  const e = slot.end.getTime();
  for (const a of day.items) {
    if (a === placed) continue;
    const as = Date.parse(a.due_at ?? '');
    const ae = as + shownDuration(a.duration_minutes) * 60_000;
    if (as < e && s < ae) {
      warnings.push({ kind: 'overlap', message: `Overlaps "${a.subject ?? ''}".` });
    } else {
      const gap = as >= e ? (as - e) / 60_000 : (s - ae) / 60_000;
      if (gap < t.backToBackGapMinutes) {
        warnings.push({ kind: 'back_to_back', message: `Leaves ${Math.round(gap)} min between this and "${a.subject ?? ''}": no time to prepare.` });
      }
    }
  }
  for (const c of day.busyClashes) {
    if (c.activity !== placed) continue;
    if (c.gapMinutes < 0) warnings.push({ kind: 'overlap', message: 'Overlaps time that is busy in your calendar.' });
    else warnings.push({ kind: 'back_to_back', message: `Leaves ${Math.round(c.gapMinutes)} min between this and time that is busy in your calendar: no time to prepare.` });
  }
  return warnings;
}

export function formatMinutes(m: number): string {
  const h = Math.floor(m / 60);
  const r = m % 60;
  if (h === 0) return `${r} min`;
  return r === 0 ? `${h} h` : `${h} h ${r} min`;
}

/** The types present, for a legend that lists only what is on screen. */
export function legendTypes(activities: readonly Pick<CalendarActivity, 'type'>[]): ActivityType[] {
  const seen = new Set<ActivityType>();
  for (const a of activities) seen.add(typeGroup(a.type));
  return ACTIVITY_TYPES.filter((t) => seen.has(t));
}

/** What a key press on a focused calendar activity asks for (the keyboard's drag and resize). */
export interface KeyMove {
  /** New start (a move), same wall-clock time on another day for Alt+←/→. */
  start: Date;
  /** New planned duration in minutes (a resize), else the shown one. */
  minutes: number;
}

export const KEY_MOVE_SHORTCUTS = 'Alt+ArrowUp Alt+ArrowDown Alt+ArrowLeft Alt+ArrowRight Alt+Shift+ArrowUp Alt+Shift+ArrowDown';

/**
 * Alt+↑/↓ moves 15 minutes (the drag's snap), Alt+←/→ a day (same time in the rep's zone, across
 * DST too), Alt+Shift+↑/↓ shortens or lengthens by 15 minutes (never below 15). Anything else: null.
 */
export function keyMove(
  key: { key: string; altKey: boolean; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean },
  start: Date, minutes: number, zone: string,
): KeyMove | null {
  if (!key.altKey || key.ctrlKey || key.metaKey) return null;
  const step = key.key === 'ArrowUp' ? -1 : key.key === 'ArrowDown' ? 1 : 0;
  if (key.shiftKey) return step ? { start, minutes: Math.max(15, minutes + 15 * step) } : null;
  if (step) return { start: addMinutes(start, 15 * step), minutes };
  const days = key.key === 'ArrowLeft' ? -1 : key.key === 'ArrowRight' ? 1 : 0;
  return days ? { start: new Date(addDays(start, days, { in: tz(zone) }).getTime()), minutes } : null;
}

/**
 * The first time from `nowMs` (on the quarter hour, inside working hours on a weekday, within two
 * weeks) where an activity of `minutes` neither overlaps the rep's activities nor sits back to back
 * with one (the dailyLoad gap). Null when none is free.
 */
export function nextFreeSlot(
  nowMs: number, minutes: number, activities: readonly CalendarActivity[], zone: string, hours: { start: string; end: string },
): Date | null {
  const gap = DEFAULT_LOAD_THRESHOLDS.backToBackGapMinutes * 60_000;
  const busy = activities
    .filter((a) => a.due_at && a.status !== 'cancelled')
    .map((a) => {
      const s = Date.parse(a.due_at ?? '');
      return { s, e: s + shownDuration(a.duration_minutes) * 60_000 };
    })
    .filter((iv) => !Number.isNaN(iv.s));
  const hm = (v: string) => {
    const [h, m] = v.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  const [startMin, endMin] = [hm(hours.start), hm(hours.end)];
  const step = 15 * 60_000;
  const first = Math.ceil(nowMs / step) * step;
  for (let day = 0; day < 14; day += 1) {
    const local = new TZDate(first, zone);
    const d = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + day, zone);
    if (d.getDay() === 0 || d.getDay() === 6) continue;
    for (let t = startMin; t + minutes <= endMin; t += 15) {
      const at = new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), Math.floor(t / 60), t % 60, zone).getTime();
      if (at < first) continue;
      const end = at + minutes * 60_000;
      if (busy.every((iv) => at >= iv.e + gap || end + gap <= iv.s)) return new Date(at);
    }
  }
  return null;
}
