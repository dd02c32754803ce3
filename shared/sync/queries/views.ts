/**
 * The views' named reads: the overdue queue and its count, the calendar's range, one record's
 * activities, one activity, the tray's counts, Billable's completions, the reminders ahead, a
 * series' members. Each is one index range (plus the few rows deleted here) and, where a view
 * shows names, a keyed read of just the directory entries its rows name.
 */
import { seriesLink, seriesMembers, type ActivityableType } from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import type { DirectoryEntity, LocalActivity } from '../types.ts';
import { compareActivities, deletedRows, fresh, type ActivityCollection } from './criteria.ts';
import { entitiesByRef } from './directory.ts';

export interface OverdueOptions {
  assigned_user_id?: string;
  limit?: number;
}

/**
 * Open activities due before now, oldest first: one read of the [open+due_ms] index, or for one
 * rep of [assigned_user_id+open+due_ms] (exactly the rep's open rows, not every done one of
 * theirs), filtered in memory for local deletes.
 */
/** The open rows of one assignee (everyone's without one) due before now, in due order. */
function overdueRange(db: FieldbookDB, nowMs: number, userId?: string): ActivityCollection {
  return userId !== undefined
    ? db.activities.where('[assigned_user_id+open+due_ms]').between([userId, 1, -Infinity], [userId, 1, nowMs], true, false)
    : db.activities.where('[open+due_ms]').between([1, -Infinity], [1, nowMs], true, false);
}

/** How many activities are overdue (one assignee's, or everyone's): the index's own count, less local deletes still in it. */
export async function overdueCount(db: FieldbookDB, nowMs: number, userId?: string): Promise<number> {
  const [inIndex, dead] = await Promise.all([overdueRange(db, nowMs, userId).count(), deletedRows(db)]);
  const stillIndexed = dead.filter((a) => a.open === 1 && a.due_ms !== undefined && a.due_ms < nowMs && (userId === undefined || a.assigned_user_id === userId));
  return inIndex - stillIndexed.length;
}

export async function overdueQueue(db: FieldbookDB, nowMs: number, opts: OverdueOptions = {}): Promise<LocalActivity[]> {
  let read = overdueRange(db, nowMs, opts.assigned_user_id);
  if (opts.limit !== undefined) {
    // Deleted rows are the only ones dropped: read just enough past the limit to cover them.
    const dead = await db.activities.where('deleted').equals(1).count();
    read = read.limit(opts.limit + dead);
  }
  const rows = (await read.toArray()).filter((r) => r.deleted === 0 && r.open === 1);
  return (opts.limit !== undefined ? rows.slice(0, opts.limit) : rows).map((r) => fresh(r, nowMs));
}

export interface RangeOptions {
  assigned_user_id?: string;
  /** Leave out completed and cancelled activities. */
  openOnly?: boolean;
}

/** Activities due in [fromMs, toMs), in due order (the calendar's visible range). */
export async function calendarRange(db: FieldbookDB, fromMs: number, toMs: number, opts: RangeOptions = {}, nowMs: number = Date.now()): Promise<LocalActivity[]> {
  const t = db.activities;
  const read = opts.assigned_user_id !== undefined
    ? t.where('[assigned_user_id+due_ms]').between([opts.assigned_user_id, fromMs], [opts.assigned_user_id, toMs], true, false)
    : t.where('due_ms').between(fromMs, toMs, true, false);
  const rows = await read.toArray();
  return rows.filter((r) => r.deleted === 0 && (!opts.openOnly || r.open === 1)).map((r) => fresh(r, nowMs));
}

/** Every activity of one lead/customer/opportunity/contact: dated ones by due time, then undated. */
export async function activitiesForEntity(db: FieldbookDB, type: ActivityableType, id: string, nowMs: number = Date.now()): Promise<LocalActivity[]> {
  const rows = await db.activities.where('[activityable_type+activityable_id]').equals([type, id]).toArray();
  return rows.filter((r) => r.deleted === 0).sort(compareActivities('due_at', 'asc')).map((r) => fresh(r, nowMs));
}

/** One activity by lid (undefined when absent or deleted here). */
export async function activityDetail(db: FieldbookDB, lid: string, nowMs: number = Date.now()): Promise<LocalActivity | undefined> {
  const row = await db.activities.get(lid);
  return row && row.deleted === 0 ? fresh(row, nowMs) : undefined;
}

/** The local row the server knows as `serverId`. */
export async function activityByServerId(db: FieldbookDB, serverId: string, nowMs: number = Date.now()): Promise<LocalActivity | undefined> {
  const row = await db.activities.where('server_id').equals(serverId).first();
  return row && row.deleted === 0 ? fresh(row, nowMs) : undefined;
}

export interface TrayCounts {
  /** Open activities still ahead today (due in [now, end of today)). */
  today: number;
  /** Open activities due before now. */
  overdue: number;
}

/** Counts for the tray and badges. The day is the caller's local day unless given. */
export async function trayCounts(db: FieldbookDB, nowMs: number, day?: { startMs: number; endMs: number }): Promise<TrayCounts> {
  const end = day?.endMs ?? localDayEnd(nowMs);
  const idx = () => db.activities.where('[open+due_ms]');
  // Native counts of the index ranges, less the few deleted rows that fall in them.
  const [todayAll, overdueAll, dead] = await Promise.all([
    idx().between([1, nowMs], [1, end], true, false).count(),
    idx().between([1, -Infinity], [1, nowMs], true, false).count(),
    deletedRows(db),
  ]);
  const deadOpen = dead.filter((r) => r.open === 1 && r.due_ms !== undefined);
  const today = todayAll - deadOpen.filter((r) => (r.due_ms ?? 0) >= nowMs && (r.due_ms ?? 0) < end).length;
  const overdue = overdueAll - deadOpen.filter((r) => (r.due_ms ?? 0) < nowMs).length;
  return { today, overdue };
}

function localDayEnd(nowMs: number): number {
  const d = new Date(nowMs);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

export interface WithDirectory {
  rows: LocalActivity[];
  /** The directory entries the rows name, keyed `${type}:${id}` (directory.ts entityKey). */
  entities: Map<string, DirectoryEntity>;
}

/**
 * Completed billable activities, completed in [fromMs, toMs) (the completed_ms index, schema v6;
 * every completion without a range), with their records and, for opportunities and contacts, the
 * customer the directory says they bill to.
 */
export async function billableCompletions(db: FieldbookDB, range?: { fromMs: number; toMs: number }): Promise<WithDirectory> {
  const t = db.activities;
  const read = range && range.fromMs < range.toMs
    ? t.where('completed_ms').between(range.fromMs, range.toMs, true, false)
    : t.where('status').equals('completed');
  const rows = await read.filter((a) => a.deleted === 0 && a.status === 'completed' && a.is_billable).toArray();
  const related = await entitiesByRef(db, rows.map((a) => [a.activityable_type, a.activityable_id] as const));
  const parents = await entitiesByRef(db, [...related.values()].flatMap((e) => (e.customer_id ? [['customer', e.customer_id] as const] : [])));
  return { rows, entities: new Map([...related, ...parents]) };
}

export interface ReminderSource {
  activity: LocalActivity;
  /** The activity's record, when the directory has it. */
  record?: DirectoryEntity;
  /** Its contact, when it names one the directory has. */
  contact?: DirectoryEntity;
}

/** Open activities due in [fromMs, toMs] (both ends included) that carry a reminder, in due order, with their record and contact. */
export async function remindersDue(db: FieldbookDB, fromMs: number, toMs: number): Promise<ReminderSource[]> {
  const rows = await db.activities
    .where('[open+due_ms]')
    .between([1, fromMs], [1, toMs], true, true)
    .filter((r) => r.deleted === 0 && !!r.reminder_at)
    .toArray();
  const found = await entitiesByRef(db, rows.flatMap((r) => [
    [r.activityable_type, r.activityable_id] as const, ...(r.contact_id ? [['contact', r.contact_id] as const] : []),
  ]));
  return rows.map((activity) => {
    const record = found.get(`${activity.activityable_type}:${activity.activityable_id}`);
    const contact = activity.contact_id ? found.get(`contact:${activity.contact_id}`) : undefined;
    return { activity, ...(record ? { record } : {}), ...(contact ? { contact } : {}) };
  });
}

/**
 * The members of `activity`'s recurring series, in series order (none when it is in no series):
 * read through its record's index (a series shares its record), not a scan of every activity.
 */
export async function seriesOf(db: FieldbookDB, activity: Pick<LocalActivity, 'activityable_type' | 'activityable_id' | 'custom_fields'>): Promise<LocalActivity[]> {
  const link = seriesLink(activity);
  if (!link) return [];
  const rows = await db.activities.where('[activityable_type+activityable_id]').equals([activity.activityable_type, activity.activityable_id])
    .filter((r) => r.deleted === 0 && seriesLink(r)?.seriesId === link.seriesId).toArray();
  return seriesMembers(rows, link.seriesId);
}
