/**
 * The calendar sync's view of recurring series (outbound.ts SeriesSource): a row with a stored
 * series rule is written as part of its series' one event (shared/ical/series.ts), read from the
 * store with the account's filter deciding which occurrences are shown (the rest are EXDATEs).
 */
import { seriesLink } from '../domain/recurrence.ts';
import { isOpen } from '../domain/rules.ts';
import { seriesEventObject, seriesOfRow, seriesRemoteChanges, type SeriesCalendarObject, type SeriesRemoteChange, type SeriesRow } from '../ical/series.ts';
import type { Commands } from '../sync/commands.ts';
import type { FieldbookDB } from '../sync/db.ts';
import type { LocalActivity } from '../sync/types.ts';
import type { CalendarObject } from './client.ts';
import { contentHash, DEFAULT_EVENT_MINUTES, type SeriesSource } from './outbound.ts';
import { seriesIdOfKey, type CalendarLink } from './types.ts';
import { belongsInCalendar, readCalendarAccount } from './settings.ts';

export interface SeriesSourceOptions {
  /** The signed-in rep (the account's 'mine' filter). */
  currentUserId: () => string | null;
  uidDomain?: string;
}

/** Live and deleted rows of one series. A full scan: custom_fields is not indexed (as shared/sync/series.ts does). */
export function seriesRows(db: FieldbookDB, seriesId: string): Promise<LocalActivity[]> {
  return db.activities.filter((a) => seriesLink(a)?.seriesId === seriesId).toArray();
}

/**
 * Which occurrences are shown: those that belong in the calendar by the account's filter, as if
 * linked (a completed one stays per the done mode), never a cancelled one (an EXDATE, as the
 * issue asks for a series' cancelled occurrences).
 */
function includeFor(account: Awaited<ReturnType<typeof readCalendarAccount>>, userId: string | null): (row: SeriesRow) => boolean {
  return (row) => {
    if (row.status === 'cancelled') return false;
    if (!account) return true;
    const r = row as SeriesRow & Pick<LocalActivity, 'assigned_user_id'>;
    return belongsInCalendar({ deleted: row.deleted ?? 0, due_at: row.due_at, assigned_user_id: r.assigned_user_id, status: row.status }, account, userId, true);
  };
}

/** The series' one calendar object as the store has it now, or null when no occurrence is shown. */
export async function seriesCalendarObject(db: FieldbookDB, seriesId: string, now: string, opts: SeriesSourceOptions): Promise<SeriesCalendarObject | null> {
  const [rows, account] = await Promise.all([seriesRows(db, seriesId), readCalendarAccount(db)]);
  return seriesEventObject(seriesId, rows, { now, include: includeFor(account, opts.currentUserId()), defaultDurationMinutes: DEFAULT_EVENT_MINUTES, uidDomain: opts.uidDomain });
}

/** What a series event from the calendar changed, per occurrence, against the store now (for the inbound side). */
export async function seriesChangesFromCalendar(
  db: FieldbookDB, seriesId: string, remoteText: string, opts: SeriesSourceOptions, now = new Date().toISOString(),
): Promise<SeriesRemoteChange[]> {
  const [rows, account] = await Promise.all([seriesRows(db, seriesId), readCalendarAccount(db)]);
  return seriesRemoteChanges(seriesId, rows, remoteText, { now, include: includeFor(account, opts.currentUserId()), defaultDurationMinutes: DEFAULT_EVENT_MINUTES });
}

/** The SeriesSource for createCalendarSync's `series` option. */
export function createSeriesSource(opts: SeriesSourceOptions): SeriesSource {
  return {
    seriesOf: (row) => seriesOfRow(row),
    calendarObject: (db, seriesId, now) => seriesCalendarObject(db, seriesId, now, opts),
    applyFromCalendar: (ctx, link, obj) => applySeriesFromCalendar(ctx, link, obj, opts),
  };
}

export interface SeriesInboundReport {
  rescheduled: number;
  resized: number;
  /** Changed there while the series also changed here since the last write: Fieldbook's version is written over it. */
  conflicts: number;
  /** Occurrences excluded or cancelled there: not cancelled here (never silently); the next write puts them back. */
  removed: string[];
  /** Occurrences moved there that cannot move (done, cancelled, or the command refused): the next write puts them back. */
  putBack: string[];
}

/**
 * A series event as the calendar has it now (sync-collection / multiget), for the inbound side:
 * occurrences moved or resized there become reschedules / duration updates through the normal
 * commands (so they reach the CRM once). Our own write read back (same ETag) changes nothing.
 * When the series also changed here since it was last written (the link's hash), nothing is
 * applied and the calendar's ETag is taken, so Fieldbook's version is written over it (a series
 * has no per-occurrence conflict record yet). The link keeps its old hash after applying, so the
 * planner writes the series again with the moves as Fieldbook's own overrides.
 */
export async function applySeriesFromCalendar(
  ctx: { db: FieldbookDB; commands: Commands; now: () => number },
  link: CalendarLink,
  obj: CalendarObject,
  opts: SeriesSourceOptions,
): Promise<SeriesInboundReport> {
  const report: SeriesInboundReport = { rescheduled: 0, resized: 0, conflicts: 0, removed: [], putBack: [] };
  const seriesId = seriesIdOfKey(link.key);
  if (seriesId === null || (link.etag !== null && obj.etag === link.etag)) return report;
  const changes = await seriesChangesFromCalendar(ctx.db, seriesId, obj.data, opts, new Date(ctx.now()).toISOString());
  const accept = (patch: Partial<CalendarLink> = {}) => ctx.db.calendar_links.put({ ...link, href: obj.href, etag: obj.etag, ...patch });
  if (changes.length === 0) { await accept(); return report; }
  const here = await seriesCalendarObject(ctx.db, seriesId, new Date(ctx.now()).toISOString(), opts);
  if (here && link.hash && contentHash(here.ics) !== link.hash) {
    report.conflicts = changes.filter((c) => c.kind !== 'removed').length;
    await accept();
    return report;
  }
  for (const c of changes) {
    if (c.kind === 'removed') { report.removed.push(c.lid); continue; }
    // As for a single event (inbound.ts): a closed occurrence is not moved from the calendar, and a
    // move the commands refuse is not applied; either way the next write puts the series back.
    const row = await ctx.db.activities.get(c.lid);
    if (!row || row.deleted || !isOpen(row.status)) { report.putBack.push(c.lid); continue; }
    try {
      if (c.kind === 'moved') {
        await ctx.commands.reschedule(c.lid, { new_due_at: c.due_at, reason: 'Moved in the calendar' });
        report.rescheduled += 1;
        if (c.duration_minutes !== null) await ctx.commands.update(c.lid, { duration_minutes: c.duration_minutes });
      } else {
        await ctx.commands.update(c.lid, { duration_minutes: c.duration_minutes });
        report.resized += 1;
      }
    } catch {
      report.putBack.push(c.lid);
    }
  }
  // Something the calendar shows is not Fieldbook's: forget the written hash so the planner writes the series again.
  await accept(report.putBack.length || report.removed.length ? { hash: '' } : {});
  return report;
}
