/**
 * The views' named reads: the overdue queue and its count, the calendar's range, one record's
 * activities, one activity, the tray's counts. Each is one index range (plus the few rows deleted here).
 */
import type { ActivityableType } from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import type { LocalActivity } from '../types.ts';
import { compareActivities, deletedRows, fresh, type ActivityCollection } from './criteria.ts';

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
