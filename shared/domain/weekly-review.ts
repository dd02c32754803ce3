/**
 * The weekly review (the guide's Best Practice 8) as selectors over a list of activities:
 * overdue → reschedule or cancel; next week's activities that need preparation; completed work
 * whose follow-up is required but not scheduled; the load of the next two weeks.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, startOfWeek } from 'date-fns';
import type { Activity } from './activity.ts';
import { isKnownPriority, type ActivityType } from './enums.ts';
import { FOLLOW_UP_OF_FIELD, linkRef, PREP_FOR_FIELD, refersTo, sameActivity, type Identity } from './links.ts';
import { dailyLoad, type BusyInterval, type DayLoad, type LoadThresholds } from './load.ts';
import { isValidTimeZone } from './local-time.ts';
import { isOpen, isOverdue } from './rules.ts';
import type { CreateActivityInput } from './schemas.ts';
import { instantMs, toIsoInstant } from './time.ts';

export type ReviewItem = Identity &
  Pick<
    Activity,
    | 'type' | 'status' | 'priority' | 'subject' | 'due_at' | 'duration_minutes' | 'activityable_type' | 'activityable_id'
    | 'contact_id' | 'assigned_user_id' | 'tags' | 'custom_fields' | 'completed_at' | 'created_at' | 'follow_up_required'
    | 'follow_up_date'
  >;

/** Instants; `from` inclusive, `to` exclusive. */
export interface Range {
  from: string;
  to: string;
}

function inRange(iso: string | null, r: Range): boolean {
  if (!iso) return false;
  const ms = instantMs(iso);
  return ms >= instantMs(r.from) && ms < instantMs(r.to);
}

/** This ISO week (Monday 00:00 to Monday 00:00 in the rep's zone) and the next one. */
export function reviewWeeks(nowIso: string, timeZone: string): { thisWeek: Range; nextWeek: Range } {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone: ${timeZone}`);
  const monday = startOfWeek(new TZDate(instantMs(nowIso), timeZone), { weekStartsOn: 1 });
  const next = addDays(monday, 7);
  const after = addDays(monday, 14);
  return {
    thisWeek: { from: toIsoInstant(monday), to: toIsoInstant(next) },
    nextWeek: { from: toIsoInstant(next), to: toIsoInstant(after) },
  };
}

/** Every overdue activity, oldest first (reschedule or cancel each). */
export function overdueForReview<T extends Pick<Activity, 'status' | 'due_at'>>(items: readonly T[], nowMs: number): T[] {
  return items.filter((a) => isOverdue(a, nowMs)).sort((x, y) => instantMs(x.due_at ?? '') - instantMs(y.due_at ?? ''));
}

export interface ReschedulePreset {
  id: 'tomorrow' | 'next_monday' | 'in_a_week';
  label: string;
  new_due_at: string;
}

/** One-click due times for a bulk reschedule of the overdue list, at `hour`:00 in the rep's zone. */
export function reschedulePresets(nowIso: string, timeZone: string, hour = 9): ReschedulePreset[] {
  const today = new TZDate(instantMs(nowIso), timeZone);
  const at = (days: number) => toIsoInstant(new TZDate(today.getFullYear(), today.getMonth(), today.getDate() + days, hour, 0, 0, timeZone));
  const daysToMonday = ((8 - today.getDay()) % 7) || 7;
  const hh = `${String(hour).padStart(2, '0')}:00`;
  return [
    { id: 'tomorrow', label: `Tomorrow ${hh}`, new_due_at: at(1) },
    { id: 'next_monday', label: `Next Monday ${hh}`, new_due_at: at(daysToMonday) },
    { id: 'in_a_week', label: `In a week ${hh}`, new_due_at: at(7) },
  ];
}

/** Types that deserve a prep task (the guide: "Demos: 1 day before (for preparation)"). */
export const PREP_TYPES: readonly ActivityType[] = ['demo', 'presentation', 'proposal'];

const PREP_WORDS = /\b(prep|prepare|preparation)\b/i;

/** A task tagged or titled as preparation ("prep", "prepare", "preparation"). */
export function isPrepTask(a: Pick<Activity, 'type' | 'tags' | 'subject'>): boolean {
  return a.type === 'task' && (a.tags.some((t) => PREP_WORDS.test(t)) || PREP_WORDS.test(a.subject));
}

/**
 * Whether `candidate` prepares `target`: it links to it (custom_fields.prep_for), or it is a
 * task on the same record, tagged or titled as prep, due no later than the target.
 */
export function isPrepFor(candidate: ReviewItem, target: ReviewItem): boolean {
  if (candidate.status === 'cancelled' || sameActivity(candidate, target)) return false;
  if (refersTo(candidate.custom_fields[PREP_FOR_FIELD], target)) return true;
  if (!isPrepTask(candidate)) return false;
  if (candidate.activityable_type !== target.activityable_type || candidate.activityable_id !== target.activityable_id) return false;
  return !candidate.due_at || !target.due_at || instantMs(candidate.due_at) <= instantMs(target.due_at);
}

/** Open activities of the prep types due in `range` that no prep task covers yet. */
export function needsPreparation<T extends ReviewItem>(items: readonly T[], range: Range, prepTypes: readonly ActivityType[] = PREP_TYPES): T[] {
  return items
    .filter((a) => (prepTypes as readonly string[]).includes(a.type) && isOpen(a.status) && inRange(a.due_at, range))
    .filter((a) => !items.some((c) => isPrepFor(c, a)))
    .sort((x, y) => instantMs(x.due_at ?? '') - instantMs(y.due_at ?? ''));
}

/**
 * What an activity offered for `of` shares with it: the record, contact and assignee, and a subject
 * of `prefix` + its subject (cut to the guide's 255 characters).
 */
function sameRecordAs(of: ReviewItem, prefix: string): Pick<CreateActivityInput, 'subject' | 'activityable_type' | 'activityable_id' | 'contact_id' | 'assigned_user_id'> {
  const subject = `${prefix}${of.subject}`;
  return {
    subject: subject.length > 255 ? `${subject.slice(0, 254)}…` : subject,
    activityable_type: of.activityable_type,
    activityable_id: of.activityable_id,
    contact_id: of.contact_id,
    assigned_user_id: of.assigned_user_id,
  };
}

/**
 * The prep task offered for `target`: a task on the same record, linked by prep_for, due
 * `leadMinutes` before (default one day); a due time on a weekend moves to the Friday before.
 */
export function prepTaskInput(target: ReviewItem, opts: { timeZone: string; leadMinutes?: number }): CreateActivityInput {
  let due: string | null = null;
  if (target.due_at) {
    let d = new TZDate(instantMs(target.due_at) - (opts.leadMinutes ?? 24 * 60) * 60_000, opts.timeZone);
    const dow = d.getDay();
    if (dow === 6 || dow === 0) d = addDays(d, dow === 6 ? -1 : -2);
    due = toIsoInstant(d);
  }
  return {
    type: 'task',
    ...sameRecordAs(target, 'Prepare: '),
    // A priority this version does not know cannot be sent; the new task takes the default.
    priority: isKnownPriority(target.priority) ? target.priority : undefined,
    due_at: due,
    tags: ['prep'],
    custom_fields: { [PREP_FOR_FIELD]: linkRef(target) },
  };
}

/**
 * Whether a follow-up of `source` exists: an activity (not cancelled) linked by
 * custom_fields.follow_up_of, or any later activity on the same record created at or after
 * `source` was completed.
 */
export function hasFollowUp(source: ReviewItem, items: readonly ReviewItem[]): boolean {
  const doneMs = source.completed_at ? instantMs(source.completed_at) : Number.NaN;
  return items.some((x) => {
    if (x.status === 'cancelled' || sameActivity(x, source)) return false;
    if (refersTo(x.custom_fields[FOLLOW_UP_OF_FIELD], source)) return true;
    if (x.activityable_type !== source.activityable_type || x.activityable_id !== source.activityable_id) return false;
    return !Number.isNaN(doneMs) && !!x.created_at && instantMs(x.created_at) >= doneMs;
  });
}

/** Completed in `range` with follow_up_required, and no follow-up scheduled (see hasFollowUp). */
export function followUpsMissing<T extends ReviewItem>(items: readonly T[], range: Range): T[] {
  return items
    .filter((a) => a.status === 'completed' && a.follow_up_required && inRange(a.completed_at, range))
    .filter((a) => !hasFollowUp(a, items))
    .sort((x, y) => instantMs(x.completed_at ?? '') - instantMs(y.completed_at ?? ''));
}

/**
 * The follow-up offered for `source`: a follow_up activity on the same record, linked by
 * follow_up_of, due on its follow_up_date at `hour`:00 in the rep's zone (or the given time).
 */
export function followUpInput(source: ReviewItem, opts: { timeZone: string; dueAt?: string; hour?: number }): CreateActivityInput {
  let due = opts.dueAt ?? null;
  if (!due && source.follow_up_date) {
    const [y = 0, m = 1, d = 1] = source.follow_up_date.split('-').map(Number);
    due = toIsoInstant(new TZDate(y, m - 1, d, opts.hour ?? 9, 0, 0, opts.timeZone));
  }
  return {
    type: 'follow_up',
    ...sameRecordAs(source, 'Follow-up: '),
    due_at: due,
    custom_fields: { [FOLLOW_UP_OF_FIELD]: linkRef(source) },
  };
}

export interface WeeklyReview<T> {
  weeks: { thisWeek: Range; nextWeek: Range };
  overdue: T[];
  needsPreparation: T[];
  followUpsMissing: T[];
  /** Today and the next 13 days. */
  load: DayLoad<T>[];
}

/** The whole review in one call. `items` should be the rep's activities (not deleted). */
export function weeklyReview<T extends ReviewItem>(
  items: readonly T[],
  opts: {
    now: string; timeZone: string; thresholds?: Partial<LoadThresholds>; prepTypes?: readonly ActivityType[];
    /** The rep's other calendar events: they count in the load (booked time, back-to-back, overlap). */
    busy?: readonly BusyInterval[];
  },
): WeeklyReview<T> {
  const weeks = reviewWeeks(opts.now, opts.timeZone);
  const load = dailyLoad(items, { from: opts.now, days: 14, timeZone: opts.timeZone, thresholds: opts.thresholds, busy: opts.busy });
  return {
    weeks,
    overdue: overdueForReview(items, instantMs(opts.now)),
    needsPreparation: needsPreparation(items, weeks.nextWeek, opts.prepTypes),
    followUpsMissing: followUpsMissing(items, weeks.thisWeek),
    load,
  };
}
