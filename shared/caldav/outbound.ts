/**
 * Fieldbook → calendar: what a key's event is (built with the one iCalendar writer,
 * shared/ical/event.ts, or the series writer for a series key), its content hash, and sending one
 * calendar op (PUT with If-None-Match: * to create, If-Match: etag to update, DELETE with
 * If-Match). A 412 means the calendar changed it too: the member is read back and handed to the
 * inbound side (inbound.ts) as a remote change, never overwritten.
 */
import { toCalendarObject } from '../ical/event.ts';
import { instantMs } from '../domain/time.ts';
import type { FieldbookDB } from '../sync/db.ts';
import type { Commands } from '../sync/commands.ts';
import type { LocalActivity } from '../sync/types.ts';
import { CalDavError, type CalDavClient, type CalendarObject } from './client.ts';
import { belongsInCalendar } from './settings.ts';
import { seriesIdOfKey, type CalendarAccount, type CalendarKey, type CalendarLink, type CalendarOp } from './types.ts';

/** Length of an event whose activity has no duration (the writer's default, which inbound.ts measures against too). */
export const DEFAULT_EVENT_MINUTES = 30;

/** A key's event as it should be in the calendar now. */
export interface EventContent {
  ics: string;
  uid: string;
  hash: string;
  start_ms: number;
  end_ms: number;
}

/** A recurring series written as one event (shared/ical/series.ts): which rows belong to one, and the event. */
export interface SeriesSource {
  /** The series id when this row is written as part of its series' one event, else null. */
  seriesOf(row: LocalActivity): string | null;
  /** The series' one calendar object (RRULE, EXDATE, overrides), or null when it has nothing to show. */
  calendarObject(db: FieldbookDB, seriesId: string, now: string): Promise<{ ics: string; uid: string; start_ms: number; end_ms: number } | null>;
  /** The series' event as the calendar has it now (pulled, or a 412): its occurrences' moves become commands. */
  applyFromCalendar?(ctx: { db: FieldbookDB; commands: Commands; now: () => number }, link: CalendarLink, obj: CalendarObject): Promise<unknown>;
}

export interface OutboundContext {
  db: FieldbookDB;
  client: CalDavClient;
  account: CalendarAccount;
  currentUserId: string | null;
  now: () => number;
  series?: SeriesSource;
  /** A 412: the member as the calendar has it now (or removed), for the inbound side. */
  onRemoteChange: (changes: { changed: CalendarObject[]; removed: string[] }) => Promise<void>;
}

/**
 * A short, stable hash of iCalendar content (53-bit cyrb53, hex), ignoring DTSTAMP (when it was
 * written, which changes every time) and LAST-MODIFIED (the CRM's updated_at, which moves when the
 * CRM takes a change that the event does not show, e.g. a custom field): equal content, equal
 * hash, so unchanged events are never re-uploaded. Not a security hash; it only tells "changed
 * since written".
 */
export function contentHash(ics: string): string {
  const text = ics.replace(/\r\n(?:DTSTAMP|LAST-MODIFIED):[^\r\n]*/g, '');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

/** An activity's event (null when it does not belong in the calendar). */
export function activityContent(row: LocalActivity, account: CalendarAccount, currentUserId: string | null, linked: boolean, now: number): EventContent | null {
  if (!belongsInCalendar(row, account, currentUserId, linked)) return null;
  const ics = toCalendarObject(row, { now: new Date(now).toISOString(), defaultDurationMinutes: DEFAULT_EVENT_MINUTES });
  const start = instantMs(row.due_at!);
  const uid = /\r\nUID:([^\r\n]*)/.exec(ics)?.[1] ?? row.lid;
  return { ics, uid, hash: contentHash(ics), start_ms: start, end_ms: start + (row.duration_minutes ?? DEFAULT_EVENT_MINUTES) * 60_000 };
}

/** The event a key should have now, read from the store (null: none). */
export async function keyContent(ctx: OutboundContext, key: CalendarKey, linked: boolean): Promise<EventContent | null> {
  const seriesId = seriesIdOfKey(key);
  const now = ctx.now();
  if (seriesId !== null) {
    const obj = ctx.series ? await ctx.series.calendarObject(ctx.db, seriesId, new Date(now).toISOString()) : null;
    return obj ? { ...obj, hash: contentHash(obj.ics) } : null;
  }
  const row = await ctx.db.activities.get(key);
  return row ? activityContent(row, ctx.account, ctx.currentUserId, linked, now) : null;
}

/** Where a new key's event goes: the calendar's path plus a name from the key (safe in a URL path). */
export function hrefFor(account: Pick<CalendarAccount, 'calendarHref'>, key: CalendarKey): string {
  const base = account.calendarHref.endsWith('/') ? account.calendarHref : `${account.calendarHref}/`;
  return `${base}${key.replace(/[^A-Za-z0-9_-]/g, '-')}.ics`;
}

export type SendOutcome = 'put' | 'deleted' | 'unchanged' | 'conflict';

/** Sends one claimed op. CalDavErrors other than 412 (and a 404 where it means "already gone") are thrown for the delivery rules. */
export async function sendCalendarOp(ctx: OutboundContext, op: CalendarOp): Promise<SendOutcome> {
  const link = await ctx.db.calendar_links.get(op.key);
  if (link?.issue) return 'unchanged';
  if (op.kind === 'delete') return link ? deleteEvent(ctx, link) : 'unchanged';
  const content = await keyContent(ctx, op.key, link !== undefined);
  if (!content) return link ? deleteEvent(ctx, link) : 'unchanged';
  if (link && link.etag && link.hash === content.hash) return 'unchanged';
  return putEvent(ctx, op.key, link, content);
}

async function putEvent(ctx: OutboundContext, key: CalendarKey, link: CalendarLink | undefined, content: EventContent): Promise<SendOutcome> {
  const href = link?.href ?? hrefFor(ctx.account, key);
  let etag: string;
  try {
    etag = await ctx.client.putEvent(href, content.ics, link?.etag ?? undefined);
  } catch (e) {
    if (e instanceof CalDavError && e.kind === 'precondition') return handBack(ctx, href);
    // If-Match on a member deleted there: the inbound side's 'deleted-in-calendar' decides, not us.
    if (e instanceof CalDavError && e.kind === 'not-found' && link) {
      await ctx.onRemoteChange({ changed: [], removed: [href] });
      return 'conflict';
    }
    throw e;
  }
  await ctx.db.calendar_links.put({ key, href, uid: content.uid, etag, hash: content.hash, start_ms: content.start_ms, end_ms: content.end_ms });
  return 'put';
}

async function deleteEvent(ctx: OutboundContext, link: CalendarLink): Promise<SendOutcome> {
  try {
    await ctx.client.deleteEvent(link.href, link.etag ?? '*');
  } catch (e) {
    if (e instanceof CalDavError && e.kind === 'precondition') return handBack(ctx, link.href);
    if (!(e instanceof CalDavError && e.kind === 'not-found')) throw e;
  }
  await ctx.db.calendar_links.delete(link.key);
  return 'deleted';
}

/** A 412: read the member as the calendar has it and hand it to the inbound side. */
async function handBack(ctx: OutboundContext, href: string): Promise<SendOutcome> {
  const calendarHref = ctx.account.calendarHref;
  const [obj] = await ctx.client.multiget(calendarHref, [href]);
  await ctx.onRemoteChange(obj ? { changed: [obj], removed: [] } : { changed: [], removed: [href] });
  return 'conflict';
}
