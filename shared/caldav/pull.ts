/**
 * Calendar → Fieldbook, the reading half: has the calendar changed (getctag: one PROPFIND for an
 * idle poll), and if so what (sync-collection from the stored token, from scratch when the server
 * forgot it), read back with calendar-multiget. Members whose ETag is the one we wrote or already
 * hold are not read again. What changed goes to the inbound side (inbound.ts).
 */
import type { FieldbookDB } from '../sync/db.ts';
import { CalDavError, type CalDavClient, type CalendarObject, type SyncChanges } from './client.ts';
import { readCalendarState, updateCalendarState } from './settings.ts';
import type { CalendarAccount } from './types.ts';

/** Members per calendar-multiget. */
export const MULTIGET_CHUNK = 100;

export interface PullContext {
  db: FieldbookDB;
  client: CalDavClient;
  account: CalendarAccount;
  onRemoteChange: (changes: { changed: CalendarObject[]; removed: string[] }) => Promise<void>;
}

export interface PullResult {
  /** False when the ctag said nothing changed. */
  changed: boolean;
  pulled: number;
  removed: number;
}

/** The ETags we already hold, by href (our links and the busy rows). */
async function knownEtags(db: FieldbookDB): Promise<Map<string, string | null>> {
  const known = new Map<string, string | null>();
  for (const l of await db.calendar_links.toArray()) known.set(l.href, l.etag);
  for (const b of await db.calendar_busy.toArray()) known.set(b.href, b.etag);
  return known;
}

/** sync-collection from the token; a token the server forgot → from scratch, where what we hold and it no longer lists is removed. */
async function changesSince(ctx: PullContext, token: string | null, known: Map<string, string | null>): Promise<SyncChanges> {
  const full = async (): Promise<SyncChanges> => {
    const all = await ctx.client.syncCollection(ctx.account.calendarHref, null);
    const listed = new Set(all.changed.map((c) => c.href));
    return { ...all, deleted: [...known.keys()].filter((h) => !listed.has(h)) };
  };
  if (token === null) return full();
  try {
    return await ctx.client.syncCollection(ctx.account.calendarHref, token);
  } catch (e) {
    if (e instanceof CalDavError && e.kind === 'sync-token-invalid') return full();
    throw e;
  }
}

export async function pullCalendar(ctx: PullContext): Promise<PullResult> {
  const state = await readCalendarState(ctx.db);
  const info = await ctx.client.calendarInfo(ctx.account.calendarHref);
  if (info.ctag !== null && info.ctag === state.ctag && state.syncToken !== null) return { changed: false, pulled: 0, removed: 0 };
  const known = await knownEtags(ctx.db);
  const changes = await changesSince(ctx, state.syncToken, known);
  const toRead = changes.changed.filter((c) => known.get(c.href) !== c.etag).map((c) => c.href);
  const changed: CalendarObject[] = [];
  for (let i = 0; i < toRead.length; i += MULTIGET_CHUNK) {
    changed.push(...(await ctx.client.multiget(ctx.account.calendarHref, toRead.slice(i, i + MULTIGET_CHUNK))));
  }
  const removed = changes.deleted.filter((h) => known.has(h));
  if (changed.length || removed.length) await ctx.onRemoteChange({ changed, removed });
  await updateCalendarState(ctx.db, { ctag: info.ctag, syncToken: changes.syncToken });
  return { changed: true, pulled: changed.length, removed: removed.length };
}
