/**
 * Calendar → Fieldbook (issue #14): what the rep changed in their own calendar comes back
 * through the normal commands, so it is stored offline-first and reaches the CRM exactly once.
 *
 * For each changed member the engine (engine.ts) read back:
 * - a Fieldbook event (linked in calendar_links, or carrying our UID) moved or resized against the
 *   times last written → `commands.reschedule` / `commands.update({ duration_minutes })`;
 *   if the activity also moved here since that write → a conflict in the Conflicts view
 *   (ConflictRecord with source 'calendar'), nothing applied;
 *   a closed activity is not moved from the calendar: its event is put back (the link's hash is
 *   cleared so the planner writes it again);
 * - anyone else's event → busy time (calendar_busy, its intervals in a window around now).
 * For each removed member: a linked event is not silently cancelled: the link gets
 * `issue: 'deleted-in-calendar'` and waits for the rep (issues.ts: cancel the activity / put it
 * back); a busy event's row goes.
 * A series event (key `series:<id>`) goes to the series source (series-source.ts), which turns its
 * occurrences' moves into the same commands; without one it is left alone.
 */
import { ulid } from 'ulid';
import { instantMs, toIsoInstant } from '../domain/time.ts';
import { isOpen } from '../domain/rules.ts';
import type { Commands } from '../sync/commands.ts';
import type { FieldbookDB } from '../sync/db.ts';
import type { ConflictRecord, LocalActivity } from '../sync/types.ts';
import type { CalendarObject } from './client.ts';
import type { SeriesSource } from './outbound.ts';
import { busyIntervals, CalendarParseError, fieldbookLid, parseCalendarObject, type ParsedEvent } from './parse.ts';
import { SERIES_KEY_PREFIX, type CalendarBusyRow, type CalendarLink } from './types.ts';

/** How far back and ahead another event's occurrences are kept as busy time. */
export const BUSY_PAST_MS = 31 * 86_400_000;
export const BUSY_AHEAD_MS = 183 * 86_400_000;

/** A busy row as stored: one per resource; a recurring event's occurrences in the window as intervals. */
export interface StoredBusyRow extends CalendarBusyRow {
  /** [start, end] ms of each occurrence in the window (start_ms/end_ms span them all). */
  intervals: [number, number][];
}

export interface InboundContext {
  db: FieldbookDB;
  commands: Commands;
  now: () => number;
  /** Ids for conflict records (default: a ULID). */
  newId?: () => string;
  /** Length the outbound side writes for an activity without a duration (shared/ical/event.ts's default). */
  defaultDurationMinutes?: number;
  /** UID domain of our events. */
  uidDomain?: string;
  /** Recurring series written as one event; their events read back through it. */
  series?: SeriesSource;
}

export interface RemoteChanges {
  changed: readonly CalendarObject[];
  removed: readonly string[];
}

export interface InboundReport {
  rescheduled: number;
  resized: number;
  conflicts: number;
  /** Linked events deleted in the calendar, now waiting for the rep. */
  deleted: number;
  /** Closed activities' events moved in the calendar, to be put back. */
  putBack: number;
  /** Other events stored (or updated) as busy time, and removed. */
  busy: number;
  busyRemoved: number;
  /** Members that could not be read (not iCalendar, no start): skipped, listed by href. */
  unreadable: string[];
}

function emptyReport(): InboundReport {
  return { rescheduled: 0, resized: 0, conflicts: 0, deleted: 0, putBack: 0, busy: 0, busyRemoved: 0, unreadable: [] };
}

/** The start and end an activity's event has (as outbound writes it). */
export function activityTimes(row: Pick<LocalActivity, 'due_at' | 'duration_minutes'>, defaultMinutes = 30): { start: number; end: number } | null {
  if (!row.due_at) return null;
  const start = instantMs(row.due_at);
  if (Number.isNaN(start)) return null;
  return { start, end: start + (row.duration_minutes ?? defaultMinutes) * 60_000 };
}

/** Applies what the calendar changed (see the module comment). Members are handled one by one; one that fails to read is skipped and reported. */
export async function applyRemoteChanges(ctx: InboundContext, changes: RemoteChanges): Promise<InboundReport> {
  const report = emptyReport();
  for (const obj of changes.changed) {
    let parsed: ParsedEvent | null;
    try {
      parsed = parseCalendarObject(obj.data);
    } catch (e) {
      if (e instanceof CalendarParseError) { report.unreadable.push(obj.href); continue; }
      throw e;
    }
    const link = await linkFor(ctx, obj.href, parsed?.uid);
    if (link) {
      if (link.key.startsWith(SERIES_KEY_PREFIX)) {
        await ctx.series?.applyFromCalendar?.(ctx, link, obj);
        continue;
      }
      if (parsed) await applyToActivity(ctx, link, obj, parsed, report);
      continue;
    }
    if (parsed && fieldbookLid(parsed.uid, ctx.uidDomain)) {
      await adoptOwnEvent(ctx, obj, parsed);
      continue;
    }
    await storeBusy(ctx, obj, report);
  }
  for (const href of changes.removed) await removed(ctx, href, report);
  return report;
}

async function linkFor(ctx: InboundContext, href: string, uid: string | undefined): Promise<CalendarLink | undefined> {
  const byHref = await ctx.db.calendar_links.where('href').equals(href).first();
  if (byHref) return byHref;
  const lid = uid ? fieldbookLid(uid, ctx.uidDomain) : null;
  if (!lid) return undefined;
  // Our event under another path (the server renamed it, or the link was stored under the key first).
  const byKey = await ctx.db.calendar_links.get(lid);
  if (!byKey) return undefined;
  const moved = { ...byKey, href };
  await ctx.db.calendar_links.put(moved);
  return moved;
}

/**
 * An event with our UID and no link: we wrote it, and the link was never stored (the run
 * stopped between the PUT and the write). Link it as if the activity's times were written, with
 * no hash, so the planner writes the activity's content over it once (If-Match its etag): no
 * second event, and nothing moved on a guess.
 */
async function adoptOwnEvent(ctx: InboundContext, obj: CalendarObject, parsed: ParsedEvent): Promise<void> {
  const lid = fieldbookLid(parsed.uid, ctx.uidDomain);
  if (!lid) return;
  const row = await ctx.db.activities.get(lid);
  const times = row && !row.deleted ? activityTimes(row, ctx.defaultDurationMinutes) : null;
  await ctx.db.calendar_links.put({
    key: lid, href: obj.href, uid: parsed.uid, etag: obj.etag, hash: '',
    start_ms: times?.start ?? parsed.startMs, end_ms: times?.end ?? parsed.endMs,
  });
}

async function applyToActivity(ctx: InboundContext, link: CalendarLink, obj: CalendarObject, ev: ParsedEvent, report: InboundReport): Promise<void> {
  const { db } = ctx;
  const accept = (patch: Partial<CalendarLink>) => db.calendar_links.put({ ...link, etag: obj.etag, ...patch, ...(link.issue ? { issue: undefined } : {}) });
  const row = await db.activities.get(link.key);
  if (!row || row.deleted) { await accept({}); return; }
  const lastStart = link.start_ms;
  const lastEnd = link.end_ms;
  const movedThere = lastStart !== ev.startMs || lastEnd !== ev.endMs;
  if (!movedThere || lastStart === undefined || lastEnd === undefined) {
    // Nothing about its time changed there (a title or alarm edit is not taken back): only the new ETag.
    await accept(lastStart === undefined ? { start_ms: ev.startMs, end_ms: ev.endMs } : {});
    return;
  }
  const local = activityTimes(row, ctx.defaultDurationMinutes);
  if (!local) { await accept({ hash: '' }); return; }
  const movedHere = local.start !== lastStart || (row.duration_minutes != null && local.end !== lastEnd);
  if (local.start === ev.startMs && local.end === ev.endMs) {
    // Both sides made the same move.
    await accept({ start_ms: ev.startMs, end_ms: ev.endMs });
    return;
  }
  if (movedHere) {
    await recordConflict(ctx, row, link, ev);
    report.conflicts += 1;
    // The new ETag, so writing the rep's choice back is not refused; the base times stay.
    await accept({});
    return;
  }
  if (!isOpen(row.status)) {
    report.putBack += 1;
    await accept({ hash: '' });
    return;
  }
  try {
    if (ev.startMs !== lastStart) {
      await ctx.commands.reschedule(row.lid, { new_due_at: toIsoInstant(ev.startMs), reason: 'Moved in the calendar' });
      report.rescheduled += 1;
    }
    const minutes = Math.round((ev.endMs - ev.startMs) / 60_000);
    if (minutes !== Math.round((lastEnd - lastStart) / 60_000) && minutes > 0) {
      await ctx.commands.update(row.lid, { duration_minutes: minutes });
      report.resized += 1;
    }
  } catch {
    // The command refused it (the activity's state does not allow it): put the event back.
    report.putBack += 1;
    await accept({ hash: '' });
    return;
  }
  await accept({ start_ms: ev.startMs, end_ms: ev.endMs });
}

async function recordConflict(ctx: InboundContext, row: LocalActivity, link: CalendarLink, ev: ParsedEvent): Promise<void> {
  const { db } = ctx;
  const at = ctx.now();
  const newId = ctx.newId ?? ulid;
  const base = link.start_ms ?? ev.startMs;
  const conflicts: ConflictRecord[] = [];
  const localTimes = activityTimes(row, ctx.defaultDurationMinutes);
  if (localTimes && ev.startMs !== localTimes.start && ev.startMs !== base) {
    conflicts.push({
      id: newId(), lid: row.lid, kind: 'field', field: 'due_at', source: 'calendar',
      base: toIsoInstant(base), local: row.due_at, remote: toIsoInstant(ev.startMs), created_at: at,
    });
  }
  const remoteMinutes = Math.round((ev.endMs - ev.startMs) / 60_000);
  const baseMinutes = link.start_ms !== undefined && link.end_ms !== undefined ? Math.round((link.end_ms - link.start_ms) / 60_000) : null;
  if (baseMinutes !== null && remoteMinutes !== baseMinutes && remoteMinutes !== row.duration_minutes && remoteMinutes > 0) {
    conflicts.push({
      id: newId(), lid: row.lid, kind: 'field', field: 'duration_minutes', source: 'calendar',
      base: baseMinutes, local: row.duration_minutes, remote: remoteMinutes, created_at: at,
    });
  }
  if (conflicts.length === 0) return;
  await db.transaction('rw', db.conflicts, db.activities, async () => {
    // One open calendar conflict per field: a later move there replaces the earlier one.
    const earlier = await db.conflicts.where('lid').equals(row.lid).filter((c) => c.source === 'calendar').toArray();
    const fields = new Set(conflicts.map((c) => c.field));
    await db.conflicts.bulkDelete(earlier.filter((c) => fields.has(c.field)).map((c) => c.id));
    await db.conflicts.bulkPut(conflicts);
    await db.activities.update(row.lid, { sync: 'conflict' });
  });
}

async function storeBusy(ctx: InboundContext, obj: CalendarObject, report: InboundReport): Promise<void> {
  const now = ctx.now();
  let intervals: [number, number][];
  try {
    intervals = busyIntervals(obj.data, now - BUSY_PAST_MS, now + BUSY_AHEAD_MS).map((i) => [i.startMs, i.endMs]);
  } catch (e) {
    if (!(e instanceof CalendarParseError)) throw e;
    report.unreadable.push(obj.href);
    return;
  }
  if (intervals.length === 0) {
    if (await ctx.db.calendar_busy.get(obj.href)) { await ctx.db.calendar_busy.delete(obj.href); report.busyRemoved += 1; }
    return;
  }
  const row: StoredBusyRow = {
    href: obj.href, etag: obj.etag,
    start_ms: Math.min(...intervals.map((i) => i[0])), end_ms: Math.max(...intervals.map((i) => i[1])), intervals,
  };
  await ctx.db.calendar_busy.put(row);
  report.busy += 1;
}

async function removed(ctx: InboundContext, href: string, report: InboundReport): Promise<void> {
  const { db } = ctx;
  const link = await db.calendar_links.where('href').equals(href).first();
  if (link) {
    if (link.key.startsWith(SERIES_KEY_PREFIX) || link.issue) return;
    const row = await db.activities.get(link.key);
    // An activity gone here too: nothing to decide.
    if (!row || row.deleted) { await db.calendar_links.delete(link.key); return; }
    await db.calendar_links.put({ ...link, etag: null, issue: 'deleted-in-calendar' });
    report.deleted += 1;
    return;
  }
  if (await db.calendar_busy.get(href)) {
    await db.calendar_busy.delete(href);
    report.busyRemoved += 1;
  }
}
