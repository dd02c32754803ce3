/**
 * The planner: which keys' events must change. The activities that belong in the calendar (the
 * account's filter) are diffed against calendar_links by content hash: a key with no link or
 * another hash gets a put, a link whose key no longer belongs gets a delete. Unchanged events are
 * never queued; a key's queued ops coalesce (outbox.ts). Keys the rep must decide on are left
 * alone: a link with an issue (deleted in the calendar), an activity in conflict.
 */
import type { LocalActivity } from '../sync/types.ts';
import { activityContent, keyContent, type OutboundContext } from './outbound.ts';
import { enqueueCalendarOps } from './outbox.ts';
import { seriesKey, type CalendarKey, type CalendarLink } from './types.ts';

/** The rows that may have an event: dated ones, only the rep's when the filter says so (one index range). */
function candidateRows(ctx: OutboundContext): Promise<LocalActivity[]> {
  const { db, account, currentUserId } = ctx;
  if (account.filter.owner === 'mine') {
    if (currentUserId === null) return Promise.resolve([]);
    return db.activities.where('[assigned_user_id+due_ms]').between([currentUserId, -Infinity], [currentUserId, Infinity]).toArray();
  }
  return db.activities.where('due_ms').aboveOrEqual(-Infinity).toArray();
}

export interface PlanResult {
  /** Ops queued or changed. */
  planned: number;
}

/** Queue what must change (see the module comment). */
export async function planCalendar(ctx: OutboundContext): Promise<PlanResult> {
  const links = new Map<CalendarKey, CalendarLink>((await ctx.db.calendar_links.toArray()).map((l) => [l.key, l]));
  const wanted = new Map<CalendarKey, 'put' | 'keep'>();
  const series = new Set<string>();
  const now = ctx.now();
  for (const row of await candidateRows(ctx)) {
    const seriesId = ctx.series?.seriesOf(row) ?? null;
    if (seriesId !== null) {
      if (row.deleted !== 1) series.add(seriesId);
      continue;
    }
    const link = links.get(row.lid);
    if (row.sync === 'conflict' && link) { wanted.set(row.lid, 'keep'); continue; }
    const content = activityContent(row, ctx.account, ctx.currentUserId, link !== undefined, now);
    if (!content) continue;
    wanted.set(row.lid, link && link.hash === content.hash && link.etag ? 'keep' : 'put');
  }
  for (const id of series) {
    const key = seriesKey(id);
    const link = links.get(key);
    const content = await keyContent(ctx, key, link !== undefined);
    if (content) wanted.set(key, link && link.hash === content.hash && link.etag ? 'keep' : 'put');
  }
  const ops: { key: CalendarKey; kind: 'put' | 'delete' | 'keep' }[] = [];
  for (const [key, want] of wanted) {
    if (!links.get(key)?.issue) ops.push({ key, kind: want });
  }
  for (const link of links.values()) {
    if (!wanted.has(link.key) && !link.issue) ops.push({ key: link.key, kind: 'delete' });
  }
  return { planned: await enqueueCalendarOps(ctx.db, ops, { now }) };
}
