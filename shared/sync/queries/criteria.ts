/**
 * What a list query asks, resolved once (Criteria), and what every read of the activities shares:
 * the row filter, the sort comparator, page meta, the index reads that can serve a filter, the
 * priority index's groups and the few rows deleted here. Rows deleted locally (deleted=1) never appear.
 */
import type { Collection, InsertType } from 'dexie';
import {
  ACTIVITY_TYPES, dayStartMs, PRIORITIES, priorityRank, typeGroup,
  type ListQuery, type SortDirection, type SortField,
} from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import type { LocalActivity } from '../types.ts';
import { matchesAllPrefixes, queryWords } from '../words.ts';

export interface PageMeta {
  current_page: number;
  per_page: number;
  total: number;
  last_page: number;
  /**
   * Only with `lazyTotal`: counting every match was left out (it costs more than the page), so
   * `total` is a lower bound that shows one more page; totalActivities gives the exact one.
   */
  total_pending?: true;
}

export interface ListOptions {
  /** A search the rep has typed past stops between its reads (rejects with the signal's reason). */
  signal?: AbortSignal;
  /**
   * The rep's zone: due_date_from/to are their calendar days, from local midnight to local
   * midnight. Without it, UTC days (as the API reads them).
   */
  timeZone?: string;
  /** As the rep types: return the page without an exact total when only that is expensive. */
  lazyTotal?: boolean;
  /**
   * Upcoming first (applies to sort_by due_at, ascending): activities due from this instant on
   * come first, soonest first; then the earlier ones, latest first; undated last. Not one of the
   * guide's sorts: the Activities list's default, so the rep opens on what is next.
   */
  upcomingFrom?: number;
}

export interface Page<T> {
  items: T[];
  meta: PageMeta;
}

export interface Paging {
  page?: number;
  per_page?: number;
}

export type ActivityCollection = Collection<LocalActivity, string, InsertType<LocalActivity, 'lid'>>;

/** Recompute is_overdue at read time: the stored flag goes stale as the clock moves. */
export function fresh(row: LocalActivity, nowMs: number): LocalActivity {
  const overdue = row.open === 1 && row.due_ms !== undefined && row.due_ms < nowMs;
  return row.is_overdue === overdue ? row : { ...row, is_overdue: overdue };
}

/** Everything a list filter asks, resolved to numbers and sets once. */
export interface Criteria {
  type?: string;
  status?: string;
  priority?: string;
  assigned_user_id?: string;
  activityable_type?: string;
  activityable_id?: string;
  /** [lo, hi) over due_ms. */
  dueLo?: number;
  dueHi?: number;
  words?: string[];
  updatedSinceMs?: number;
}

export function criteriaOf(q: ListQuery, nowMs: number, timeZone?: string): Criteria {
  const c: Criteria = {};
  if (q.type) c.type = q.type;
  if (q.status) c.status = q.status;
  if (q.priority) c.priority = q.priority;
  if (q.assigned_user_id) c.assigned_user_id = q.assigned_user_id;
  if (q.activityable_type) c.activityable_type = q.activityable_type;
  if (q.activityable_id) c.activityable_id = q.activityable_id;
  // Whole days in the rep's zone (UTC without one); the list schema has checked they are days.
  const dueLo = q.due_date_from ? dayStartMs(q.due_date_from, timeZone) : null;
  const dueHi = q.due_date_to ? dayStartMs(q.due_date_to, timeZone, 1) : null;
  if (dueLo !== null) c.dueLo = dueLo;
  if (dueHi !== null) c.dueHi = dueHi;
  if (q.status === 'overdue') c.dueHi = Math.min(c.dueHi ?? Infinity, nowMs);
  if (q.search) c.words = searchWords(q.search);
  if (q.updated_since) c.updatedSinceMs = Date.parse(q.updated_since);
  return c;
}

/**
 * The words a local search looks for: queryWords, less a one-letter word beside longer ones. As
 * the whole search counts from its second character (MIN_SEARCH_LENGTH), a word does from its
 * second letter: "renewal h" is still "renewal" until the next key. One letter starts words in
 * most rows of the store, so it narrows little and was the costliest search to answer (0.4 s at
 * 100 000 for "renewal h"). Only one-letter words (all short) are kept as they are.
 */
export function searchWords(search: string): string[] {
  const words = queryWords(search);
  const longer = words.filter((w) => w.length > 1);
  return longer.length > 0 ? longer : words;
}

export function matches(r: LocalActivity, c: Criteria): boolean {
  if (r.deleted === 1) return false;
  // Types this version does not know are filtered under Other (enums.ts, typeGroup).
  if (c.type !== undefined && typeGroup(r.type) !== c.type) return false;
  if (c.status !== undefined) {
    if (c.status === 'overdue') {
      if (r.open !== 1) return false;
    } else if (r.status !== c.status) return false;
  }
  if (c.priority !== undefined && r.priority !== c.priority) return false;
  if (c.assigned_user_id !== undefined && r.assigned_user_id !== c.assigned_user_id) return false;
  if (c.activityable_type !== undefined && r.activityable_type !== c.activityable_type) return false;
  if (c.activityable_id !== undefined && r.activityable_id !== c.activityable_id) return false;
  if (c.dueLo !== undefined || c.dueHi !== undefined) {
    if (r.due_ms === undefined) return false;
    if (c.dueLo !== undefined && r.due_ms < c.dueLo) return false;
    if (c.dueHi !== undefined && r.due_ms >= c.dueHi) return false;
  }
  if (c.words && !matchesAllPrefixes(r.words, c.words)) return false;
  if (c.updatedSinceMs !== undefined && !(Date.parse(r.updated_at) >= c.updatedSinceMs)) return false;
  return true;
}

/** Every type but Other: a read of the type index outside them finds Other and the types this version does not know. */
const KNOWN_NOT_OTHER = ACTIVITY_TYPES.filter((t) => t !== 'other');

/**
 * The priority index's groups in ascending sort order. Priorities this version does not know are
 * one group just above medium (enums.ts, priorityRank), read in index order: raw value, then lid.
 * That group is read as the plain key ranges between the known values (in key order, so the raw
 * values stay in order): a plain range is walked, offset and counted by the index itself, where a
 * noneOf() read is a multi-range one Dexie filters key by key (a deep page of a priority-sorted
 * search took 20 s instead of 30 ms over 6 000 rows).
 */
type UnknownRange = { readonly lo: string | null; readonly hi: string | null };
export type PriorityGroup = (typeof PRIORITIES)[number] | UnknownRange;
const UNKNOWN_PRIORITY_RANGES: readonly UnknownRange[] = (() => {
  const known = [...PRIORITIES].sort();
  return [null, ...known].map((lo, i) => ({ lo, hi: known[i] ?? null }));
})();
export function priorityGroups(dir: SortDirection): PriorityGroup[] {
  const asc: PriorityGroup[] = [...PRIORITIES];
  asc.splice(asc.indexOf('medium') + 1, 0, ...UNKNOWN_PRIORITY_RANGES);
  return dir === 'asc' ? asc : asc.reverse();
}
export function priorityRead(t: FieldbookDB['activities'], p: PriorityGroup): ActivityCollection {
  if (typeof p === 'string') return t.where('priority').equals(p);
  if (p.lo === null) return t.where('priority').below(p.hi);
  if (p.hi === null) return t.where('priority').above(p.lo);
  return t.where('priority').between(p.lo, p.hi, false, false);
}
export function inPriorityGroup(r: LocalActivity, p: PriorityGroup): boolean {
  if (typeof p === 'string') return r.priority === p;
  return (p.lo === null || r.priority > p.lo) && (p.hi === null || r.priority < p.hi);
}

export const hasDueRange = (c: Criteria) => c.dueLo !== undefined || c.dueHi !== undefined;

/**
 * The index reads that could serve the criteria, most selective first by nature (words, one
 * entity, one rep, a due range, a type, a status, a priority); the caller keeps the smallest.
 */
export function candidateCollections(db: FieldbookDB, c: Criteria): ActivityCollection[] {
  const t = db.activities;
  const lo = c.dueLo ?? -Infinity;
  const hi = c.dueHi ?? Infinity;
  const out: ActivityCollection[] = [];
  for (const w of c.words ?? []) out.push(t.where('words').startsWith(w));
  if (c.activityable_type && c.activityable_id) {
    const [et, ei] = [c.activityable_type, c.activityable_id];
    out.push(
      hasDueRange(c)
        ? t.where('[activityable_type+activityable_id+due_ms]').between([et, ei, lo], [et, ei, hi], true, false)
        : t.where('[activityable_type+activityable_id]').equals([et, ei]),
    );
  }
  if (c.assigned_user_id) {
    out.push(
      hasDueRange(c)
        ? t.where('[assigned_user_id+due_ms]').between([c.assigned_user_id, lo], [c.assigned_user_id, hi], true, false)
        : t.where('assigned_user_id').equals(c.assigned_user_id),
    );
  }
  // The compound reads bound the due range already and are never wider than due_ms alone.
  const rangeCovered = c.status === 'overdue' || !!c.assigned_user_id || !!(c.activityable_type && c.activityable_id);
  if (hasDueRange(c) && !rangeCovered) out.push(t.where('due_ms').between(lo, hi, true, false));
  if (c.type) out.push(c.type === 'other' ? t.where('type').noneOf(KNOWN_NOT_OTHER) : t.where('type').equals(c.type));
  if (c.status === 'overdue') out.push(t.where('[open+due_ms]').between([1, lo], [1, hi], true, false));
  else if (c.status) out.push(t.where('status').equals(c.status));
  if (c.priority) out.push(t.where('priority').equals(c.priority));
  return out;
}

/**
 * The comparator of the guide's sorts; ties by lid (creation order) in the same direction. With
 * `upcomingFrom` (due_at ascending only): due from then on ascending, then earlier ones descending,
 * then undated (ListOptions.upcomingFrom).
 */
export function compareActivities(sortBy: SortField, dir: SortDirection, upcomingFrom?: number): (a: LocalActivity, b: LocalActivity) => number {
  if (upcomingFrom !== undefined && sortBy === 'due_at' && dir === 'asc') {
    const [asc, desc] = [compareActivities('due_at', 'asc'), compareActivities('due_at', 'desc')];
    const group = (r: LocalActivity) => (r.due_ms === undefined ? 2 : r.due_ms >= upcomingFrom ? 0 : 1);
    return (a, b) => group(a) - group(b) || (group(a) === 1 ? desc(a, b) : asc(a, b));
  }
  const sign = dir === 'desc' ? -1 : 1;
  const byLid = (a: LocalActivity, b: LocalActivity) => (a.lid < b.lid ? -sign : a.lid > b.lid ? sign : 0);
  switch (sortBy) {
    case 'due_at':
      return (a, b) => {
        // Activities without a due date come last in either direction.
        if (a.due_ms === undefined || b.due_ms === undefined) {
          if (a.due_ms === b.due_ms) return byLid(a, b);
          return a.due_ms === undefined ? 1 : -1;
        }
        return (a.due_ms - b.due_ms) * sign || byLid(a, b);
      };
    case 'created_at':
      return (a, b) => (a.created_at < b.created_at ? -sign : a.created_at > b.created_at ? sign : byLid(a, b));
    case 'priority':
      // Two unknown priorities share a rank; the raw value orders them, as the priority index does.
      return (a, b) => (priorityRank(a.priority) - priorityRank(b.priority)) * sign
        || (a.priority < b.priority ? -sign : a.priority > b.priority ? sign : 0) || byLid(a, b);
  }
}

export function pageMeta(total: number, page: number, perPage: number): PageMeta {
  return { current_page: page, per_page: perPage, total, last_page: Math.max(1, Math.ceil(total / perPage)) };
}

/** Rows deleted here but not yet pushed: few, so they are read once and skipped in memory. */
export async function deletedRows(db: FieldbookDB): Promise<LocalActivity[]> {
  // Keys first: usually there are none, and a key read is the cheapest way to learn that.
  const lids = await db.activities.where('deleted').equals(1).primaryKeys();
  if (!lids.length) return [];
  return (await db.activities.bulkGet(lids)).filter((r): r is LocalActivity => r !== undefined && r.deleted === 1);
}


export const wordRange = (db: FieldbookDB, w: string) => db.activities.where('words').startsWith(w);
