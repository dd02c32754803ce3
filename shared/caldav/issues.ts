/**
 * Calendar issues the rep decides (issue #14): an event deleted in their calendar is not silently
 * cancelled here. Its link carries `issue: 'deleted-in-calendar'` (inbound.ts) and the planner
 * leaves the key alone until the rep picks one of two actions:
 * - cancel the activity (the normal cancel command, so the CRM gets it once), the link goes;
 * - put it back: the link goes, so the next run's planner writes the event again as a new
 *   resource (If-None-Match: *).
 */
import type { Commands } from '../sync/commands.ts';
import type { FieldbookDB } from '../sync/db.ts';
import type { CalendarKey, CalendarLinkIssue } from './types.ts';

export interface CalendarIssue {
  key: CalendarKey;
  /** The activity's local id (the key of an activity's event). */
  lid: string;
  issue: CalendarLinkIssue;
  subject: string;
  due_at: string | null;
}

export const DELETED_IN_CALENDAR_REASON = 'Deleted in the calendar';

/** Every calendar link waiting for the rep, with its activity's subject and time (soonest first), for the Sync view. */
export async function calendarIssues(db: FieldbookDB): Promise<CalendarIssue[]> {
  const links = await db.calendar_links.filter((l) => l.issue === 'deleted-in-calendar').toArray();
  const rows = await db.activities.bulkGet(links.map((l) => l.key));
  const out: CalendarIssue[] = [];
  links.forEach((l, i) => {
    const row = rows[i];
    if (!row || row.deleted || !l.issue) return;
    out.push({ key: l.key, lid: row.lid, issue: l.issue, subject: row.subject, due_at: row.due_at });
  });
  return out.sort((a, b) => (a.due_at ?? '').localeCompare(b.due_at ?? ''));
}

async function waitingLink(db: FieldbookDB, key: CalendarKey) {
  const link = await db.calendar_links.get(key);
  if (!link || link.issue !== 'deleted-in-calendar') throw new Error('That calendar issue is already settled.');
  return link;
}

/** "Cancel the activity": cancelled through the normal command (offline-first, to the CRM once); the deleted event's link goes. */
export async function cancelDeletedInCalendar(ctx: { db: FieldbookDB; commands: Commands }, key: CalendarKey): Promise<void> {
  await waitingLink(ctx.db, key);
  await ctx.commands.cancel(key, { reason: DELETED_IN_CALENDAR_REASON });
  await ctx.db.calendar_links.delete(key);
}

/** "Put it back": the link goes, so the next calendar run writes the event again (a new resource). */
export async function putBackInCalendar(db: FieldbookDB, key: CalendarKey): Promise<void> {
  await waitingLink(db, key);
  await db.calendar_links.delete(key);
}
