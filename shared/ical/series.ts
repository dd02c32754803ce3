/**
 * A recurring series as ONE calendar event (issue #14): a master VEVENT with the series' RRULE
 * (custom_fields.series_rule, shared/domain/recurrence.ts), EXDATE for the occurrences that are
 * not in the calendar (cancelled, deleted, gone from this device, or outside the account's
 * filter) and a RECURRENCE-ID override for each one that differs from the master (moved,
 * resized, retitled, done with an outcome...). The events themselves are written with the one
 * writer's pieces (shared/ical/event.ts eventLines), so an occurrence reads as its own event
 * would. Times of the master, RRULE, EXDATE and RECURRENCE-ID are wall-clock times in the rep's
 * zone (DTSTART;TZID=…) with a VTIMEZONE covering the series, so 09:00 stays 09:00 across DST as
 * the expansion did; overrides' own DTSTART/DTEND are UTC.
 *
 * Reading back (ical.js): seriesOccurrences gives each occurrence of such an object (ours or as
 * another client changed it) by its original start; seriesRemoteChanges turns that into
 * per-activity changes (moved, resized, removed) against the store's rows, for the inbound side.
 */
import { TZDate } from '@date-fns/tz';
import ICAL from 'ical.js';
import type { Activity } from '../domain/activity.ts';
import {
  expandRecurrence, localIcsDateTime, seriesLink, storedSeriesRule, zonedMs, type StoredSeriesRule,
} from '../domain/recurrence.ts';
import { isValidTimeZone } from '../domain/local-time.ts';
import { instantMs, toIsoInstant } from '../domain/time.ts';
import { calendarHead, escapeText, eventLines, hasDueTime, icsDateTime, joinLines, type IcalActivity } from './event.ts';

/** Same prefix as the calendar key (shared/caldav/types.ts seriesKey): the UID's local part is the key. */
const SERIES_KEY_PREFIX = 'series:';
const DEFAULT_DOMAIN = 'fieldbook.local';
const DEFAULT_MINUTES = 30;

/** What the series writer needs of a row (LocalActivity fits). */
export type SeriesRow = IcalActivity & Pick<Activity, 'custom_fields'> & { lid: string; deleted?: 0 | 1 };

/** The series UID: `series:<id>@fieldbook.local`, whose local part is the calendar key (so an adopted event links to the series' key). */
export function seriesUid(seriesId: string, domain = DEFAULT_DOMAIN): string {
  return `${SERIES_KEY_PREFIX}${seriesId}@${domain}`;
}

/**
 * The series id when this row is written as part of its series' one event: it has a series link
 * with an index and a stored rule this version reads. Others (older series without a rule, a
 * mangled link) stay events of their own.
 */
export function seriesOfRow(row: Pick<Activity, 'custom_fields'>): string | null {
  const link = seriesLink(row);
  if (!link || link.index === null) return null;
  return storedSeriesRule(row) ? link.seriesId : null;
}

export function isSeriesMember(row: Pick<Activity, 'custom_fields'>): boolean {
  return seriesOfRow(row) !== null;
}

export interface SeriesEventOptions {
  /** DTSTAMP (passed in, so output is reproducible). */
  now: string;
  /** Whether a (live) occurrence has its place in the calendar; the rest become EXDATEs. Default: all but cancelled ones. */
  include?: (row: SeriesRow) => boolean;
  defaultDurationMinutes?: number;
  uidDomain?: string;
}

export interface SeriesCalendarObject {
  ics: string;
  uid: string;
  /** The first shown occurrence's start and end (epoch ms). */
  start_ms: number;
  end_ms: number;
}

/** The series' rule and each occurrence's original start, from its members (the lowest-index one with a rule decides). */
export function seriesPlan(members: readonly SeriesRow[]): { stored: StoredSeriesRule; starts: number[] } | null {
  const ordered = [...members].sort((a, b) => (seriesLink(a)?.index ?? Infinity) - (seriesLink(b)?.index ?? Infinity));
  for (const m of ordered) {
    const stored = storedSeriesRule(m);
    if (stored) return { stored, starts: expandRecurrence(stored.rule, stored.start).map(instantMs) };
  }
  return null;
}

/** Lines of an event that say what it is (not when, nor when written): equal ones need no override. */
const TIMELESS = /^(UID|DTSTAMP|DTSTART|DTEND|SEQUENCE|CREATED|LAST-MODIFIED)[:;]/;
const bodyOf = (lines: readonly string[]) => lines.filter((l) => !TIMELESS.test(l));

function minutesOf(row: SeriesRow, def: number): number {
  return row.duration_minutes ?? def;
}

/** A VTIMEZONE for `zone` from `fromMs` to `toMs`: one observance per offset change (found by stepping a week and halving), so any reader resolves the TZID times the way @date-fns/tz does. */
export function vtimezoneLines(zone: string, fromMs: number, toMs: number): string[] {
  const offsetMin = (ms: number) => -new TZDate(ms, zone).getTimezoneOffset();
  const fmtOffset = (min: number) => `${min < 0 ? '-' : '+'}${String(Math.floor(Math.abs(min) / 60)).padStart(2, '0')}${String(Math.abs(min) % 60).padStart(2, '0')}`;
  const localAt = (ms: number, offset: number) => icsDateTime(toIsoInstant(ms + offset * 60_000)).replace('Z', '');
  const week = 7 * 86_400_000;
  const changes: { at: number; from: number; to: number }[] = [];
  let prev = offsetMin(fromMs);
  const first = prev;
  for (let t = fromMs; t < toMs; t += week) {
    const next = Math.min(t + week, toMs);
    const o = offsetMin(next);
    if (o === prev) continue;
    let lo = t;
    let hi = next;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMin(mid) === prev) lo = mid;
      else hi = mid;
    }
    changes.push({ at: hi, from: prev, to: o });
    prev = o;
  }
  const all = [first, ...changes.map((c) => c.to)];
  const standard = Math.min(...all);
  const observance = (at: number, from: number, to: number) => {
    const kind = to > standard ? 'DAYLIGHT' : 'STANDARD';
    return [`BEGIN:${kind}`, `DTSTART:${localAt(at, from)}`, `TZOFFSETFROM:${fmtOffset(from)}`, `TZOFFSETTO:${fmtOffset(to)}`, `END:${kind}`];
  };
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${zone}`,
    // The offset in force before the series (and before the first change), from 1970 on.
    ...observance(Date.UTC(1970, 0, 1) - first * 60_000, first, first),
    ...changes.flatMap((c) => observance(c.at, c.from, c.to)),
    'END:VTIMEZONE',
  ];
}

/**
 * The series' one calendar object from its members (any order, deleted ones included or not),
 * or null when no occurrence is shown (or the members carry no rule).
 */
export function seriesEventObject(seriesId: string, members: readonly SeriesRow[], opts: SeriesEventOptions): SeriesCalendarObject | null {
  const plan = seriesPlan(members);
  if (!plan) return null;
  const { stored, starts } = plan;
  const zone = stored.rule.time_zone;
  const def = opts.defaultDurationMinutes ?? DEFAULT_MINUTES;
  const include = opts.include ?? ((r: SeriesRow) => r.status !== 'cancelled');
  const uid = seriesUid(seriesId, opts.uidDomain);
  const byIndex = new Map<number, SeriesRow>();
  for (const m of members) {
    const link = seriesLink(m);
    if (!link || link.seriesId !== seriesId || link.index === null || m.deleted === 1) continue;
    if (!byIndex.has(link.index)) byIndex.set(link.index, m);
  }
  /** Shown occurrences: index (1-based) → row with a due time. */
  const shown = new Map<number, SeriesRow & { due_at: string }>();
  for (let i = 1; i <= starts.length; i++) {
    const row = byIndex.get(i);
    if (row && hasDueTime(row) && include(row)) shown.set(i, row);
  }
  if (shown.size === 0) return null;
  // The master's content: the first shown occurrence still at its planned time (else the first shown).
  const template = [...shown].find(([i, r]) => instantMs(r.due_at) === starts[i - 1])?.[1] ?? [...shown.values()][0]!;
  const masterMinutes = minutesOf(template, def);
  const writeOpts = { now: opts.now, defaultDurationMinutes: def, uidDomain: opts.uidDomain };
  // The template moved to the first planned start, its reminder with it (the same lead).
  const shift = starts[0]! - instantMs(template.due_at);
  const masterLines = eventLines({
    ...template,
    due_at: toIsoInstant(starts[0]!),
    duration_minutes: masterMinutes,
    reminder_at: template.reminder_at ? toIsoInstant(instantMs(template.reminder_at) + shift) : null,
  }, writeOpts);
  const masterBody = bodyOf(masterLines);
  const local = (ms: number) => localIcsDateTime(ms, zone);
  const exdates = starts.map((s, k) => (shown.has(k + 1) ? null : local(s))).filter((x): x is string => x !== null);

  const withUid = (lines: string[]) => lines.map((l) => (l.startsWith('UID:') ? `UID:${escapeText(uid)}` : l));
  const master = withUid(masterLines).flatMap((l) => {
    if (l.startsWith('DTSTART:')) {
      return [`DTSTART;TZID=${zone}:${local(starts[0]!)}`, `DURATION:PT${masterMinutes}M`, `RRULE:${stored.rrule}`, ...(exdates.length ? [`EXDATE;TZID=${zone}:${exdates.join(',')}`] : [])];
    }
    return l.startsWith('DTEND:') ? [] : [l];
  });
  const overrides: string[] = [];
  for (const [i, row] of shown) {
    const planned = starts[i - 1]!;
    const lines = eventLines(row, writeOpts);
    const same = instantMs(row.due_at) === planned && minutesOf(row, def) === masterMinutes && bodyOf(lines).join('\n') === masterBody.join('\n');
    if (same) continue;
    const out = withUid(lines);
    out.splice(2, 0, `RECURRENCE-ID;TZID=${zone}:${local(planned)}`);
    overrides.push(...out);
  }
  const lastEnd = Math.max(...[...shown.values()].map((r) => instantMs(r.due_at) + minutesOf(r, def) * 60_000), starts.at(-1)! + masterMinutes * 60_000);
  const day = 86_400_000;
  const ics = joinLines([
    ...calendarHead(),
    ...vtimezoneLines(zone, Math.min(starts[0]!, ...[...shown.values()].map((r) => instantMs(r.due_at))) - 30 * day, lastEnd + 30 * day),
    ...master,
    ...overrides,
    'END:VCALENDAR',
  ]);
  const firstRow = [...shown.values()].sort((a, b) => instantMs(a.due_at) - instantMs(b.due_at))[0]!;
  const start = instantMs(firstRow.due_at);
  return { ics, uid, start_ms: start, end_ms: start + minutesOf(firstRow, def) * 60_000 };
}

/** One occurrence of a series event as the calendar has it. */
export interface RemoteOccurrence {
  /** The original start (RECURRENCE-ID, or the rule's time), epoch ms. */
  recurrenceMs: number;
  startMs: number;
  endMs: number;
  /** STATUS:CANCELLED on the occurrence (another client may cancel rather than exclude). */
  cancelled: boolean;
  summary: string | null;
}

/** The instant of an ICAL.Time: UTC as is, a TZID (or the series zone) through @date-fns/tz, never through ical.js's registry (whatever object registered a zone first would decide). */
function timeMs(t: ICAL.Time, zone: string): number {
  // ical.js keeps a TZID it has no VTIMEZONE for on the time (untyped); else the zone it resolved.
  const param = (t as unknown as { timezone?: unknown }).timezone;
  const zoneId: unknown = (t.zone as ICAL.Timezone | null | undefined)?.tzid;
  const tz = typeof param === 'string' && param !== 'Z' ? param : typeof zoneId === 'string' ? zoneId : null;
  if (tz === 'UTC' || tz === 'Z' || t.zone === ICAL.Timezone.utcTimezone) return t.toUnixTime() * 1000;
  const z = tz && tz !== 'floating' && isValidTimeZone(tz) ? tz : zone;
  return zonedMs(z, t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/** Occurrences stepped through at most (a series has at most MAX_OCCURRENCES; room for another client's longer rule). */
const MAX_STEPS = 5_000;

/**
 * Every occurrence of a series event (a calendar object text), in order, with the overrides
 * applied and EXDATEs left out. `zone` resolves floating times (the series' zone). Null when the
 * text holds no recurring VEVENT.
 */
export function seriesOccurrences(text: string, zone: string): RemoteOccurrence[] | null {
  const jcal = ICAL.parse(text) as unknown[];
  const first = Array.isArray(jcal[0]) ? (jcal[0] as unknown[]) : jcal;
  const cal = new ICAL.Component(first as [string, unknown[], unknown[]]);
  const events = cal.getAllSubcomponents('vevent');
  const master = events.find((e) => !e.hasProperty('recurrence-id'));
  if (!master || !master.hasProperty('rrule')) return null;
  const ev = new ICAL.Event(master, { strictExceptions: false });
  const overrides = new Map<number, ICAL.Component>();
  for (const o of events) {
    const rid = o.getFirstPropertyValue('recurrence-id');
    if (o !== master && rid instanceof ICAL.Time) overrides.set(timeMs(rid, zone), o);
  }
  const masterStart = ev.startDate as ICAL.Time | null;
  if (!masterStart) return null;
  const masterEnd = ev.endDate as ICAL.Time | null;
  const masterLength = masterEnd ? timeMs(masterEnd, zone) - timeMs(masterStart, zone) : 0;
  const read = (c: ICAL.Component, recurrenceMs: number, defaultLength: number): RemoteOccurrence => {
    const e = new ICAL.Event(c);
    const s = e.startDate as ICAL.Time | null;
    const end = e.endDate as ICAL.Time | null;
    const startMs = s ? timeMs(s, zone) : recurrenceMs;
    const endMs = end && (c.hasProperty('dtend') || c.hasProperty('duration')) ? timeMs(end, zone) : startMs + defaultLength;
    const summary = c.getFirstPropertyValue('summary');
    return { recurrenceMs, startMs, endMs, cancelled: String(c.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED', summary: typeof summary === 'string' ? summary : null };
  };
  const out: RemoteOccurrence[] = [];
  const it = ev.iterator();
  for (let n = 0; n < MAX_STEPS; n++) {
    const next = it.next() as ICAL.Time | undefined;
    if (!next) break;
    const rMs = timeMs(next, zone);
    const o = overrides.get(rMs);
    if (o) out.push(read(o, rMs, masterLength));
    else {
      const base = read(master, rMs, masterLength);
      out.push({ ...base, startMs: rMs, endMs: rMs + masterLength });
    }
  }
  return out;
}

/** What the calendar changed about one occurrence, against the store's row. */
export type SeriesRemoteChange =
  | { kind: 'moved'; lid: string; due_at: string; duration_minutes: number | null }
  | { kind: 'resized'; lid: string; duration_minutes: number }
  /** Excluded (EXDATE), cancelled or dropped from the rule there, while it is shown here. */
  | { kind: 'removed'; lid: string };

/**
 * Per-occurrence changes a series event from the calendar holds, against the members as the
 * store has them now (what Fieldbook would write): a shown occurrence at another time → moved
 * (with its new length if that changed too), another length only → resized, gone there → removed.
 * Occurrences not shown here (cancelled, filtered out) are left alone: the calendar cannot bring
 * them back.
 */
export function seriesRemoteChanges(seriesId: string, members: readonly SeriesRow[], remoteText: string, opts: SeriesEventOptions): SeriesRemoteChange[] {
  const plan = seriesPlan(members);
  if (!plan) return [];
  const zone = plan.stored.rule.time_zone;
  const def = opts.defaultDurationMinutes ?? DEFAULT_MINUTES;
  const include = opts.include ?? ((r: SeriesRow) => r.status !== 'cancelled');
  const remote = seriesOccurrences(remoteText, zone);
  if (!remote) return [];
  const byRecurrence = new Map(remote.map((o) => [o.recurrenceMs, o]));
  const changes: SeriesRemoteChange[] = [];
  for (const m of members) {
    const link = seriesLink(m);
    if (!link || link.seriesId !== seriesId || link.index === null || m.deleted === 1 || !hasDueTime(m) || !include(m)) continue;
    const planned = plan.starts[link.index - 1];
    if (planned === undefined) continue;
    const there = byRecurrence.get(planned);
    if (!there || there.cancelled) {
      changes.push({ kind: 'removed', lid: m.lid });
      continue;
    }
    const start = instantMs(m.due_at);
    const minutes = Math.round((there.endMs - there.startMs) / 60_000);
    const resized = minutes !== minutesOf(m, def);
    if (there.startMs !== start) changes.push({ kind: 'moved', lid: m.lid, due_at: toIsoInstant(there.startMs), duration_minutes: resized ? minutes : null });
    else if (resized) changes.push({ kind: 'resized', lid: m.lid, duration_minutes: minutes });
  }
  return changes;
}
