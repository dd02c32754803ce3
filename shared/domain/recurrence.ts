/**
 * Recurring series. The CRM has no recurrence, so a series is expanded on create into real
 * activities linked by custom_fields.series_id (+ series_index, 1-based). Expansion happens in the
 * rep's IANA zone so a 09:00 meeting stays at 09:00 on the wall clock across DST changes.
 */
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import type { Activity } from './activity.ts';
import type { ActivityStatusValue } from './enums.ts';
import { ValidationError } from './errors.ts';
import { isValidTimeZone, timeZoneSchema } from './local-time.ts';
import { isoDateSchema, validate, type CreateActivityInput, type UpdateActivityInput } from './schemas.ts';
import { instantMs, toIsoInstant } from './time.ts';
import { permission } from './transitions.ts';

export const RECURRENCE_FREQUENCIES = ['daily', 'weekdays', 'weekly', 'monthly'] as const;
export type RecurrenceFrequency = (typeof RECURRENCE_FREQUENCIES)[number];

/** ISO weekday order (Monday first), as the rep picks them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const WEEKDAY_LABELS: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** Upper bound of one series: keeps an offline create (one outbox op per occurrence) reasonable. */
export const MAX_OCCURRENCES = 500;

export const SERIES_ID_FIELD = 'series_id';
export const SERIES_INDEX_FIELD = 'series_index';
/**
 * The series' rule, kept on every occurrence (custom_fields.series_rule) as RFC 5545 text: a
 * DTSTART line with the rep's zone and the first occurrence's wall-clock time, then the RRULE,
 * e.g. "DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=10".
 * On every occurrence (not only the first) so any one row says which series event it belongs to
 * (the calendar sync writes a series as one event with RRULE, shared/ical/series.ts) and the rule
 * survives the first occurrence being deleted; in custom_fields so it reaches the CRM with the
 * series link and another device writes the same event.
 */
export const SERIES_RULE_FIELD = 'series_rule';

export const recurrenceRuleSchema = z
  .object({
    frequency: z.enum(RECURRENCE_FREQUENCIES, { error: 'Choose how often it repeats (daily, weekdays, weekly or monthly).' }),
    /** Every N days / weeks / months (weekdays ignores it). */
    interval: z
      .number({ error: 'Enter how many days, weeks or months apart.' })
      .int({ error: 'Enter a whole number.' })
      .min(1, { error: 'Repeat at least every 1.' })
      .max(99, { error: 'Repeat at most every 99.' })
      .default(1),
    /** For weekly: the days of the week it falls on. */
    weekdays: z.array(z.enum(WEEKDAYS, { error: 'Pick days from Monday to Sunday.' })).optional(),
    /** Last day (inclusive, in the rep's zone), YYYY-MM-DD. */
    until: isoDateSchema.optional(),
    /** Number of occurrences, the first included. */
    count: z
      .number({ error: 'Enter how many times.' })
      .int({ error: 'Enter a whole number of times.' })
      .min(1, { error: 'Repeat at least once.' })
      .max(MAX_OCCURRENCES, { error: `Repeat at most ${MAX_OCCURRENCES} times.` })
      .optional(),
    time_zone: timeZoneSchema,
  })
  .refine((r) => (r.until === undefined) !== (r.count === undefined), {
    error: 'Choose an end: either an end date or a number of times.',
    path: ['until'],
  })
  .refine((r) => r.frequency !== 'weekly' || (r.weekdays?.length ?? 0) > 0, {
    error: 'Pick at least one day of the week.',
    path: ['weekdays'],
  });
export type RecurrenceRule = z.output<typeof recurrenceRuleSchema>;
export type RecurrenceRuleInput = z.input<typeof recurrenceRuleSchema>;

interface LocalParts {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function localParts(ms: number, zone: string): LocalParts {
  const t = new TZDate(ms, zone);
  return { y: t.getFullYear(), m: t.getMonth(), d: t.getDate(), h: t.getHours(), mi: t.getMinutes(), s: t.getSeconds() };
}

/** The instant of a wall-clock time in the zone (a time in a DST gap moves forward, as clocks do). */
export function zonedMs(zone: string, y: number, m: number, d: number, h: number, mi: number, s: number): number {
  return +new TZDate(y, m, d, h, mi, s, zone);
}

/** Calendar arithmetic on dates only (UTC used as a zone-free calendar). */
function addCalendarDays(y: number, m: number, d: number, days: number): { y: number; m: number; d: number; dow: number } {
  const u = new Date(Date.UTC(y, m, d + days));
  return { y: u.getUTCFullYear(), m: u.getUTCMonth(), d: u.getUTCDate(), dow: u.getUTCDay() };
}

/** Monday = 0 … Sunday = 6 from JS getDay (Sunday = 0). */
const isoDow = (jsDow: number): number => (jsDow + 6) % 7;

function tooMany(): ValidationError {
  return new ValidationError({
    until: [`That makes more than ${MAX_OCCURRENCES} occurrences; pick an earlier end date or fewer times.`],
  });
}

/**
 * Every occurrence's due time (UTC instants, ascending) for a series whose first possible time
 * is `startIso`. Weekly rules fall only on the chosen days (the start sets the time of day and
 * the earliest date); monthly rules skip months without that day (e.g. the 31st), as RFC 5545 does.
 * Throws ValidationError for a bad rule, an end before the start, or more than MAX_OCCURRENCES.
 */
export function expandRecurrence(ruleInput: RecurrenceRuleInput, startIso: string): string[] {
  const parsed = validate(recurrenceRuleSchema, ruleInput);
  if (!parsed.ok) throw new ValidationError(parsed.errors);
  const rule = parsed.value;
  const startMs = instantMs(startIso);
  if (Number.isNaN(startMs)) throw new ValidationError({ due_at: ['Pick the first date and time.'] });
  const zone = rule.time_zone;
  const p = localParts(startMs, zone);
  let endMs = Number.POSITIVE_INFINITY;
  if (rule.until) {
    const [uy = 0, um = 1, ud = 1] = rule.until.split('-').map(Number);
    // Inclusive: up to the end of that day in the rep's zone.
    endMs = zonedMs(zone, uy, um - 1, ud + 1, 0, 0, 0) - 1;
    if (endMs < startMs) throw new ValidationError({ until: ['The end date must be on or after the first occurrence.'] });
  }
  const limit = rule.count ?? MAX_OCCURRENCES;
  const out: number[] = [];

  /** Adds one candidate; returns false once the series is complete. */
  const push = (y: number, m: number, d: number): boolean => {
    const ms = zonedMs(zone, y, m, d, p.h, p.mi, p.s);
    if (ms < startMs) return true;
    if (ms > endMs) return false;
    if (out.length === limit) {
      if (rule.count === undefined) throw tooMany();
      return false;
    }
    out.push(ms);
    return true;
  };

  // Each loop step advances one period; the guard bounds the loop even for rules that skip periods.
  const guard = MAX_OCCURRENCES * 40;
  switch (rule.frequency) {
    case 'daily':
      for (let k = 0; k < guard; k++) {
        const c = addCalendarDays(p.y, p.m, p.d, k * rule.interval);
        if (!push(c.y, c.m, c.d)) break;
      }
      break;
    case 'weekdays':
      for (let k = 0; k < guard; k++) {
        const c = addCalendarDays(p.y, p.m, p.d, k);
        if (isoDow(c.dow) >= 5) continue;
        if (!push(c.y, c.m, c.d)) break;
      }
      break;
    case 'weekly': {
      const days = [...new Set((rule.weekdays ?? []).map((w) => WEEKDAYS.indexOf(w)))].sort((a, b) => a - b);
      const startDow = isoDow(new Date(Date.UTC(p.y, p.m, p.d)).getUTCDay());
      let done = false;
      for (let w = 0; w < guard && !done; w++) {
        for (const day of days) {
          const c = addCalendarDays(p.y, p.m, p.d, w * 7 * rule.interval - startDow + day);
          if (!push(c.y, c.m, c.d)) {
            done = true;
            break;
          }
        }
      }
      break;
    }
    case 'monthly':
      for (let k = 0; k < guard; k++) {
        const first = new Date(Date.UTC(p.y, p.m + k * rule.interval, 1));
        const y = first.getUTCFullYear();
        const m = first.getUTCMonth();
        if (new Date(Date.UTC(y, m, p.d)).getUTCMonth() !== m) continue;
        if (!push(y, m, p.d)) break;
      }
      break;
  }
  return out.map((ms) => toIsoInstant(ms));
}

/** "Weekly on Mon and Wed, 10 times", for the form and the detail view. */
export function describeRecurrence(rule: RecurrenceRuleInput): string {
  const every = (unit: string) => (rule.interval && rule.interval > 1 ? `Every ${rule.interval} ${unit}s` : null);
  let head: string;
  switch (rule.frequency) {
    case 'daily':
      head = every('day') ?? 'Daily';
      break;
    case 'weekdays':
      head = 'Every weekday (Mon–Fri)';
      break;
    case 'weekly': {
      const days = WEEKDAYS.filter((d) => rule.weekdays?.includes(d)).map((d) => WEEKDAY_LABELS[d]);
      const list = days.length > 1 ? `${days.slice(0, -1).join(', ')} and ${days.at(-1) ?? ''}` : (days[0] ?? '');
      head = `${every('week') ?? 'Weekly'} on ${list}`;
      break;
    }
    case 'monthly':
      head = every('month') ?? 'Monthly';
      break;
  }
  const end = rule.count !== undefined ? (rule.count === 1 ? 'once' : `${rule.count} times`) : `until ${rule.until ?? '?'}`;
  return `${head}, ${end}`;
}

function localDateString(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  return toIsoInstant(Date.UTC(p.y, p.m, p.d)).slice(0, 10);
}

function addDaysToDate(date: string, days: number): string {
  return toIsoInstant(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).slice(0, 10);
}

function dayDiff(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * One create input per occurrence of `template` (its due_at is the start). Each keeps the
 * template's reminder lead (or leaves reminder_at unset so the per-type default applies) and
 * its follow-up date as the same number of days after the occurrence's day.
 */
export function buildSeries(template: CreateActivityInput, rule: RecurrenceRuleInput, seriesId: string): CreateActivityInput[] {
  if (!template.due_at) throw new ValidationError({ due_at: ['Pick the first date and time for a repeating activity.'] });
  const zone = rule.time_zone;
  const startMs = instantMs(template.due_at);
  const leadMs = template.reminder_at ? startMs - instantMs(template.reminder_at) : null;
  const followOffset =
    template.follow_up_date && isValidTimeZone(zone) ? dayDiff(localDateString(startMs, zone), template.follow_up_date) : null;
  const dues = expandRecurrence(rule, template.due_at);
  const ruleText = dues[0] ? seriesRuleText(rule, dues[0]) : '';
  return dues.map((due, i) => {
    const ms = instantMs(due);
    const occurrence: CreateActivityInput = {
      ...template,
      due_at: due,
      custom_fields: { ...template.custom_fields, [SERIES_ID_FIELD]: seriesId, [SERIES_INDEX_FIELD]: i + 1, [SERIES_RULE_FIELD]: ruleText },
    };
    if (template.tags) occurrence.tags = [...template.tags];
    if (leadMs !== null) occurrence.reminder_at = toIsoInstant(ms - leadMs);
    if (followOffset !== null) occurrence.follow_up_date = addDaysToDate(localDateString(ms, zone), followOffset);
    return occurrence;
  });
}

export interface SeriesLink {
  seriesId: string;
  /** 1-based position; null when a server dropped or mangled it (then due_at orders the series). */
  index: number | null;
}

/** Where an activity sits in a series, or null. Tolerates an index sent back as a numeric string. */
export function seriesLink(a: { custom_fields: Record<string, unknown> }): SeriesLink | null {
  const id = a.custom_fields[SERIES_ID_FIELD];
  if (typeof id !== 'string' || !id) return null;
  const raw = a.custom_fields[SERIES_INDEX_FIELD];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return { seriesId: id, index: Number.isInteger(n) && n > 0 ? n : null };
}

/** What the series helpers need of an activity (both Activity and the store's LocalActivity fit). */
export type SeriesItem = Pick<Activity, 'status' | 'due_at' | 'custom_fields'>;

function compareInSeries(a: SeriesItem, b: SeriesItem): number {
  const ia = seriesLink(a)?.index ?? null;
  const ib = seriesLink(b)?.index ?? null;
  if (ia !== null && ib !== null && ia !== ib) return ia - ib;
  return (a.due_at ? instantMs(a.due_at) : Infinity) - (b.due_at ? instantMs(b.due_at) : Infinity);
}

/** The members of one series, in order. */
export function seriesMembers<T extends SeriesItem>(all: readonly T[], seriesId: string): T[] {
  return all.filter((a) => seriesLink(a)?.seriesId === seriesId).sort(compareInSeries);
}

export type SeriesScope = 'this' | 'following';

export interface SeriesSelection<T> {
  /** The occurrences the change applies to. */
  targets: T[];
  /** In scope but their status refuses the action (e.g. completed ones); left as they are. */
  skipped: T[];
}

function editable(status: ActivityStatusValue): boolean {
  return permission(status, 'update') === 'yes';
}

/**
 * "This one" or "this and following": the occurrences an edit of `target` applies to. Later
 * occurrences whose status refuses an edit (completed, cancelled, waiting) are skipped, not failed.
 */
export function selectForEdit<T extends SeriesItem>(all: readonly T[], target: T, scope: SeriesScope): SeriesSelection<T> {
  const link = seriesLink(target);
  const inScope = scope === 'this' || !link ? [target] : seriesMembers(all, link.seriesId).filter((a) => a === target || compareInSeries(a, target) >= 0);
  if (!inScope.includes(target)) inScope.unshift(target);
  return {
    targets: inScope.filter((a) => editable(a.status)),
    skipped: inScope.filter((a) => !editable(a.status)),
  };
}

/**
 * Deleting a series cancels its future open occurrences only; past and closed ones are kept as
 * history. "Future" means due after `nowMs`.
 */
export function selectForSeriesDelete<T extends SeriesItem>(all: readonly T[], seriesId: string, nowMs: number): { cancel: T[]; keep: T[] } {
  const members = seriesMembers(all, seriesId);
  const cancel = members.filter((a) => permission(a.status, 'cancel') === 'yes' && !!a.due_at && instantMs(a.due_at) > nowMs);
  return { cancel, keep: members.filter((a) => !cancel.includes(a)) };
}

/**
 * For "this and following" time changes: where an occurrence moves when the edited one moves
 * from `oldDueAt` to `newDueAt`. The same number of calendar days and the new wall-clock time in
 * the rep's zone, so 09:00 → 10:00 is 10:00 on every later date, DST or not.
 */
export function shiftOccurrence(dueAt: string, oldDueAt: string, newDueAt: string, zone: string): string {
  const oldDay = localDateString(instantMs(oldDueAt), zone);
  const newP = localParts(instantMs(newDueAt), zone);
  const newDay = localDateString(instantMs(newDueAt), zone);
  const days = dayDiff(oldDay, newDay);
  const p = localParts(instantMs(dueAt), zone);
  const c = addCalendarDays(p.y, p.m, p.d, days);
  return toIsoInstant(zonedMs(zone, c.y, c.m, c.d, newP.h, newP.mi, newP.s));
}

export type SeriesEditItem = SeriesItem & Pick<Activity, 'reminder_at'>;

/**
 * One patch per selected occurrence for an edit made on `target` ("this and following", or
 * "this one" with a one-item selection). Field values are copied as given, except:
 * - due_at moves each occurrence the same way (same day offset, new wall-clock time in `zone`);
 * - reminder_at keeps each occurrence's own lead when the patch moves due_at without giving a
 *   reminder, and takes the patch's lead (relative to the due time) when it gives one;
 * - follow_up_date keeps the same number of days from each occurrence's own day;
 * - custom_fields keep each occurrence's series_id and series_index.
 */
export function seriesEditPatches<T extends SeriesEditItem>(
  selection: readonly T[],
  target: T,
  patch: UpdateActivityInput,
  zone: string,
): { item: T; patch: UpdateActivityInput }[] {
  const targetDue = target.due_at;
  const newTargetDue = patch.due_at ?? null;
  const effectiveTargetDue = newTargetDue ?? targetDue;
  const reminderLeadMs =
    patch.reminder_at && effectiveTargetDue ? instantMs(effectiveTargetDue) - instantMs(patch.reminder_at) : null;
  const followOffset =
    patch.follow_up_date && effectiveTargetDue ? dayDiff(localDateString(instantMs(effectiveTargetDue), zone), patch.follow_up_date) : null;
  return selection.map((item) => {
    const p: UpdateActivityInput = { ...patch };
    let due = item.due_at;
    if (newTargetDue && targetDue && item.due_at) {
      due = item === target ? newTargetDue : shiftOccurrence(item.due_at, targetDue, newTargetDue, zone);
      p.due_at = due;
      if (patch.reminder_at === undefined && item.reminder_at) {
        p.reminder_at = toIsoInstant(instantMs(due) - (instantMs(item.due_at) - instantMs(item.reminder_at)));
      }
    }
    if (reminderLeadMs !== null && due) p.reminder_at = toIsoInstant(instantMs(due) - reminderLeadMs);
    if (followOffset !== null && due) p.follow_up_date = addDaysToDate(localDateString(instantMs(due), zone), followOffset);
    if (patch.custom_fields) {
      const link = seriesLink(item);
      p.custom_fields = { ...patch.custom_fields };
      if (link) {
        p.custom_fields[SERIES_ID_FIELD] = link.seriesId;
        if (link.index !== null) p.custom_fields[SERIES_INDEX_FIELD] = link.index;
        const ruleText = item.custom_fields[SERIES_RULE_FIELD];
        if (typeof ruleText === 'string') p.custom_fields[SERIES_RULE_FIELD] = ruleText;
      }
    }
    return { item, patch: p };
  });
}

const BYDAY: Record<Weekday, string> = { mon: 'MO', tue: 'TU', wed: 'WE', thu: 'TH', fri: 'FR', sat: 'SA', sun: 'SU' };
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A wall-clock time as RFC 5545 local DATE-TIME (no Z): 20260105T090000. */
export function localIcsDateTime(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  return `${pad(p.y, 4)}${pad(p.m + 1)}${pad(p.d)}T${pad(p.h)}${pad(p.mi)}${pad(p.s)}`;
}

function parseLocalIcs(text: string, zone: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return zonedMs(zone, y, mo - 1, d, h, mi, s);
}

/** The RRULE value (RFC 5545 RECUR) of a rule whose first occurrence is at `firstMs`. UNTIL is UTC (the end of the until day in the zone), as RFC 5545 asks when DTSTART has a TZID. */
export function rruleValue(ruleInput: RecurrenceRuleInput): string {
  const parsed = validate(recurrenceRuleSchema, ruleInput);
  if (!parsed.ok) throw new ValidationError(parsed.errors);
  const rule = parsed.value;
  const parts: string[] = [];
  switch (rule.frequency) {
    case 'daily':
      parts.push('FREQ=DAILY', `INTERVAL=${rule.interval}`);
      break;
    case 'weekdays':
      parts.push('FREQ=WEEKLY', 'INTERVAL=1', 'BYDAY=MO,TU,WE,TH,FR');
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY', `INTERVAL=${rule.interval}`, `BYDAY=${WEEKDAYS.filter((d) => rule.weekdays?.includes(d)).map((d) => BYDAY[d]).join(',')}`);
      break;
    case 'monthly':
      parts.push('FREQ=MONTHLY', `INTERVAL=${rule.interval}`);
      break;
  }
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  else if (rule.until) {
    const [uy = 0, um = 1, ud = 1] = rule.until.split('-').map(Number);
    const endMs = zonedMs(rule.time_zone, uy, um - 1, ud + 1, 0, 0, 0) - 1000;
    parts.push(`UNTIL=${toIsoInstant(endMs).replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}`);
  }
  // Weeks start on Monday, as the expansion counts them (matters for INTERVAL>1 with BYDAY).
  if (rule.frequency === 'weekly' || rule.frequency === 'weekdays') parts.push('WKST=MO');
  return parts.join(';');
}

/** The stored rule text (SERIES_RULE_FIELD) for a series whose first occurrence is `firstIso`. */
export function seriesRuleText(rule: RecurrenceRuleInput, firstIso: string): string {
  return `DTSTART;TZID=${rule.time_zone}:${localIcsDateTime(instantMs(firstIso), rule.time_zone)}\nRRULE:${rruleValue(rule)}`;
}

export interface StoredSeriesRule {
  rule: RecurrenceRule;
  /** The first occurrence as first planned (UTC ISO instant). */
  start: string;
  /** The RRULE value as stored. */
  rrule: string;
}

/** The stored rule text back as a rule and its first start, or null when it is missing or not one this version writes. */
export function parseSeriesRuleText(text: unknown): StoredSeriesRule | null {
  if (typeof text !== 'string') return null;
  const m = /^DTSTART;TZID=([^:\n]+):(\d{8}T\d{6})\nRRULE:([^\n]+)$/.exec(text.trim());
  if (!m) return null;
  const [, zone = '', local = '', rrule = ''] = m;
  if (!isValidTimeZone(zone)) return null;
  const startMs = parseLocalIcs(local, zone);
  if (startMs === null) return null;
  const f = new Map(rrule.split(';').map((kv) => kv.split('=') as [string, string]));
  const interval = Number(f.get('INTERVAL') ?? '1');
  const byday = (f.get('BYDAY') ?? '').split(',').filter(Boolean);
  const weekdays = byday.map((b) => WEEKDAYS.find((w) => BYDAY[w] === b));
  if (weekdays.some((w) => w === undefined)) return null;
  let frequency: RecurrenceFrequency;
  switch (f.get('FREQ')) {
    case 'DAILY': frequency = 'daily'; break;
    case 'MONTHLY': frequency = 'monthly'; break;
    case 'WEEKLY': frequency = byday.join(',') === 'MO,TU,WE,TH,FR' && interval === 1 ? 'weekdays' : 'weekly'; break;
    default: return null;
  }
  const input: RecurrenceRuleInput = { frequency, interval, time_zone: zone };
  if (frequency === 'weekly') input.weekdays = weekdays as Weekday[];
  const count = f.get('COUNT');
  const until = f.get('UNTIL');
  if (count !== undefined) input.count = Number(count);
  else if (until !== undefined) {
    const u = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(until);
    if (!u) return null;
    input.until = localDateString(Date.parse(`${u[1]}-${u[2]}-${u[3]}T${u[4]}:${u[5]}:${u[6]}Z`), zone);
  }
  const parsed = validate(recurrenceRuleSchema, input);
  if (!parsed.ok) return null;
  return { rule: parsed.value, start: toIsoInstant(startMs), rrule };
}

/** The rule stored on an occurrence, or null. */
export function storedSeriesRule(a: { custom_fields: Record<string, unknown> }): StoredSeriesRule | null {
  return parseSeriesRuleText(a.custom_fields[SERIES_RULE_FIELD]);
}
