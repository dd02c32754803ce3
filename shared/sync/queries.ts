/**
 * Reads of the local store for the UI (wrap them in liveQuery/useLiveQuery) and the tray.
 * Every query starts from an index: the list picks the narrowest index its filters allow
 * (counted natively by IndexedDB), reads only those rows and filters the rest in memory.
 * Rows deleted locally (deleted=1) never appear.
 */
import { Dexie, type Collection, type InsertType } from 'dexie';
import {
  DEFAULT_PER_PAGE, MAX_PER_PAGE, PRIORITIES, PRIORITY_RANK, listQuerySchema, searchQuerySchema,
  type ActivityableType, type DirectoryType, type ListQuery, type ListQueryInput, type SortDirection, type SortField,
} from '../domain/index.ts';
import { parseOrThrow } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import type { DirectoryEntity, LocalActivity } from './types.ts';
import { matchesAllPrefixes, queryWords, wordsOf } from './words.ts';

export interface PageMeta {
  current_page: number;
  per_page: number;
  total: number;
  last_page: number;
}

export interface Page<T> {
  items: T[];
  meta: PageMeta;
}

export interface Paging {
  page?: number;
  per_page?: number;
}

const DAY_MS = 86_400_000;
type ActivityCollection = Collection<LocalActivity, string, InsertType<LocalActivity, 'lid'>>;

/** Recompute is_overdue at read time: the stored flag goes stale as the clock moves. */
function fresh(row: LocalActivity, nowMs: number): LocalActivity {
  const overdue = row.open === 1 && row.due_ms !== undefined && row.due_ms < nowMs;
  return row.is_overdue === overdue ? row : { ...row, is_overdue: overdue };
}

function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** Everything a list filter asks, resolved to numbers and sets once. */
interface Criteria {
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

function criteriaOf(q: ListQuery, nowMs: number): Criteria {
  const c: Criteria = {};
  if (q.type) c.type = q.type;
  if (q.status) c.status = q.status;
  if (q.priority) c.priority = q.priority;
  if (q.assigned_user_id) c.assigned_user_id = q.assigned_user_id;
  if (q.activityable_type) c.activityable_type = q.activityable_type;
  if (q.activityable_id) c.activityable_id = q.activityable_id;
  if (q.due_date_from) c.dueLo = dayStartMs(q.due_date_from);
  if (q.due_date_to) c.dueHi = dayStartMs(q.due_date_to) + DAY_MS;
  if (q.status === 'overdue') c.dueHi = Math.min(c.dueHi ?? Infinity, nowMs);
  if (q.search) c.words = queryWords(q.search);
  if (q.updated_since) c.updatedSinceMs = Date.parse(q.updated_since);
  return c;
}

function matches(r: LocalActivity, c: Criteria): boolean {
  if (r.deleted === 1) return false;
  if (c.type !== undefined && r.type !== c.type) return false;
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

const hasDueRange = (c: Criteria) => c.dueLo !== undefined || c.dueHi !== undefined;

/** The index reads that could serve the criteria; the caller keeps the smallest. */
function candidateCollections(db: FieldbookDB, c: Criteria): ActivityCollection[] {
  const t = db.activities;
  const lo = c.dueLo ?? -Infinity;
  const hi = c.dueHi ?? Infinity;
  const out: ActivityCollection[] = [];
  for (const w of c.words ?? []) out.push(t.where('words').startsWith(w));
  if (c.status === 'overdue') out.push(t.where('[open+due_ms]').between([1, lo], [1, hi], true, false));
  else if (c.status) out.push(t.where('status').equals(c.status));
  if (c.type) out.push(t.where('type').equals(c.type));
  if (c.priority) out.push(t.where('priority').equals(c.priority));
  if (c.assigned_user_id) {
    out.push(
      hasDueRange(c)
        ? t.where('[assigned_user_id+due_ms]').between([c.assigned_user_id, lo], [c.assigned_user_id, hi], true, false)
        : t.where('assigned_user_id').equals(c.assigned_user_id),
    );
  }
  if (c.activityable_type && c.activityable_id) {
    const [et, ei] = [c.activityable_type, c.activityable_id];
    out.push(
      hasDueRange(c)
        ? t.where('[activityable_type+activityable_id+due_ms]').between([et, ei, lo], [et, ei, hi], true, false)
        : t.where('[activityable_type+activityable_id]').equals([et, ei]),
    );
  }
  // The compound reads above already bound the due range and are never wider than due_ms alone.
  const rangeCovered = c.status === 'overdue' || !!c.assigned_user_id || !!(c.activityable_type && c.activityable_id);
  if (hasDueRange(c) && !rangeCovered) out.push(t.where('due_ms').between(lo, hi, true, false));
  return out;
}

/** Reads the rows of the narrowest candidate (IndexedDB counts natively, cheaper than reading). */
async function narrowest(db: FieldbookDB, c: Criteria): Promise<LocalActivity[]> {
  const candidates = candidateCollections(db, c);
  let pick: ActivityCollection | undefined = candidates[0];
  if (candidates.length > 1) {
    const counts = await Promise.all(candidates.map((x) => x.clone().count()));
    let best = Infinity;
    counts.forEach((n, i) => {
      if (n < best) [best, pick] = [n, candidates[i]];
    });
  }
  const rows = pick ? await pick.toArray() : await db.activities.toArray();
  // A multi-entry (words) read yields a row once per matching word.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.lid) && (seen.add(r.lid), matches(r, c)));
}

/** The comparator of the guide's sorts; ties by lid (creation order) in the same direction. */
export function compareActivities(sortBy: SortField, dir: SortDirection): (a: LocalActivity, b: LocalActivity) => number {
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
      return (a, b) => (PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]) * sign || byLid(a, b);
  }
}

function pageMeta(total: number, page: number, perPage: number): PageMeta {
  return { current_page: page, per_page: perPage, total, last_page: Math.max(1, Math.ceil(total / perPage)) };
}

/**
 * Without filters (or only a due range when sorting by due date) the sort order IS an index
 * order, so a page is read with offset/limit on that index instead of reading every row.
 */
async function orderedPage(
  db: FieldbookDB, c: Criteria, sortBy: SortField, dir: SortDirection, page: number, perPage: number, nowMs: number,
): Promise<Page<LocalActivity>> {
  const t = db.activities;
  const deleted = await t.where('deleted').equals(1).toArray();
  const start = (page - 1) * perPage;
  const rev = (x: ActivityCollection) => (dir === 'desc' ? x.reverse() : x);
  // Segments in sort order: each an index read and how many live rows it holds.
  const segments: { read: () => ActivityCollection; count: number }[] = [];
  if (sortBy === 'due_at') {
    const lo = c.dueLo ?? -Infinity;
    const hi = c.dueHi ?? Infinity;
    const dated = () => t.where('due_ms').between(lo, hi, true, false);
    const deadDated = deleted.filter((r) => r.due_ms !== undefined && r.due_ms >= lo && r.due_ms < hi).length;
    segments.push({ read: () => rev(dated()), count: (await dated().count()) - deadDated });
    if (!hasDueRange(c)) {
      // Undated rows are in no due index: they come last, in lid order.
      const [all, withDue] = await Promise.all([t.count(), t.where('due_ms').between(-Infinity, Infinity).count()]);
      const deadUndated = deleted.filter((r) => r.due_ms === undefined).length;
      segments.push({ read: () => rev(t.toCollection()).filter((r) => r.due_ms === undefined), count: all - withDue - deadUndated });
    }
  } else if (sortBy === 'created_at') {
    segments.push({ read: () => rev(t.orderBy('created_at')), count: (await t.count()) - deleted.length });
  } else {
    const ranks = dir === 'asc' ? [...PRIORITIES] : [...PRIORITIES].reverse();
    const counts = await Promise.all(ranks.map((p) => t.where('priority').equals(p).count()));
    ranks.forEach((p, i) => {
      const dead = deleted.filter((r) => r.priority === p).length;
      segments.push({ read: () => rev(t.where('priority').equals(p)), count: (counts[i] ?? 0) - dead });
    });
  }
  const total = segments.reduce((n, s) => n + s.count, 0);
  const items: LocalActivity[] = [];
  let skip = start;
  for (const s of segments) {
    if (items.length >= perPage) break;
    if (skip >= s.count) {
      skip -= s.count;
      continue;
    }
    const want = perPage - items.length;
    let read = s.read();
    // Offset/limit stay native while nothing is deleted; otherwise skip deleted rows as we go.
    if (deleted.length) read = read.filter((r) => r.deleted === 0);
    items.push(...(await read.offset(skip).limit(want).toArray()));
    skip = 0;
  }
  return { items: items.map((r) => fresh(r, nowMs)), meta: pageMeta(total, page, perPage) };
}

function onlyOrderable(c: Criteria, sortBy: SortField): boolean {
  const keys = Object.keys(c) as (keyof Criteria)[];
  return keys.every((k) => sortBy === 'due_at' && (k === 'dueLo' || k === 'dueHi'));
}

/** GET /activities, locally: every filter, sort and paging option of the guide. */
export async function listActivities(db: FieldbookDB, query: ListQueryInput = {}, nowMs: number = Date.now()): Promise<Page<LocalActivity>> {
  const q = parseOrThrow(listQuerySchema, query);
  const perPage = Math.min(q.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  const page = q.page ?? 1;
  const sortBy = q.sort_by ?? 'due_at';
  const dir = q.sort_direction ?? 'asc';
  const c = criteriaOf(q, nowMs);
  if (onlyOrderable(c, sortBy)) return orderedPage(db, c, sortBy, dir, page, perPage, nowMs);
  const rows = await narrowest(db, c);
  rows.sort(compareActivities(sortBy, dir));
  const start = (page - 1) * perPage;
  return { items: rows.slice(start, start + perPage).map((r) => fresh(r, nowMs)), meta: pageMeta(rows.length, page, perPage) };
}

/** GET /activities/search?q=: every query word must start a word of the subject or description. */
export async function searchActivities(db: FieldbookDB, q: string, paging: Paging = {}, nowMs: number = Date.now()): Promise<Page<LocalActivity>> {
  const text = parseOrThrow(searchQuerySchema.transform((s) => s.replace(/\+/g, ' ')), q);
  return listActivities(db, { search: text, ...paging }, nowMs);
}

export interface OverdueOptions {
  assigned_user_id?: string;
  limit?: number;
}

/** Open activities due before now, oldest first (read from the [open+due_ms] index). */
export async function overdueQueue(db: FieldbookDB, nowMs: number, opts: OverdueOptions = {}): Promise<LocalActivity[]> {
  let read = db.activities.where('[open+due_ms]').between([1, -Infinity], [1, nowMs], true, false)
    .filter((r) => r.deleted === 0 && (opts.assigned_user_id === undefined || r.assigned_user_id === opts.assigned_user_id));
  if (opts.limit !== undefined) read = read.limit(opts.limit);
  return (await read.toArray()).map((r) => fresh(r, nowMs));
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
  const rows = await read.filter((r) => r.deleted === 0 && (!opts.openOnly || r.open === 1)).toArray();
  return rows.map((r) => fresh(r, nowMs));
}

/** Every activity of one lead/customer/opportunity/contact: dated ones by due time, then undated. */
export async function activitiesForEntity(db: FieldbookDB, type: ActivityableType, id: string, nowMs: number = Date.now()): Promise<LocalActivity[]> {
  const rows = await db.activities.where('[activityable_type+activityable_id]').equals([type, id]).filter((r) => r.deleted === 0).toArray();
  return rows.sort(compareActivities('due_at', 'asc')).map((r) => fresh(r, nowMs));
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
  const idx = db.activities.where('[open+due_ms]');
  const [today, overdue] = await Promise.all([
    idx.between([1, nowMs], [1, end], true, false).filter((r) => r.deleted === 0).count(),
    idx.between([1, -Infinity], [1, nowMs], true, false).filter((r) => r.deleted === 0).count(),
  ]);
  return { today, overdue };
}

function localDayEnd(nowMs: number): number {
  const d = new Date(nowMs);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

// ─── The entities directory (pickers, names, offline "related entity" checks) ───

export type EntityInput = Omit<DirectoryEntity, 'words'>;

/** Insert or replace directory entries; the name words for the picker are derived here. */
export async function upsertEntities(db: FieldbookDB, entities: readonly EntityInput[]): Promise<void> {
  await db.entities.bulkPut(entities.map((e) => ({ ...e, words: wordsOf(e.name, e.email) })));
}

export async function getEntity(db: FieldbookDB, type: DirectoryType, id: string): Promise<DirectoryEntity | undefined> {
  return db.entities.get([type, id]);
}

/**
 * Entities of one type whose name (or email) words start with every word typed, by name.
 * An empty prefix lists the type.
 */
export async function searchEntities(db: FieldbookDB, type: DirectoryType, prefix: string, limit = 20): Promise<DirectoryEntity[]> {
  const words = queryWords(prefix);
  const t = db.entities;
  const first = words.reduce<string | undefined>((longest, w) => (!longest || w.length > longest.length ? w : longest), undefined);
  const read = first === undefined
    ? t.where('[type+id]').between([type, Dexie.minKey], [type, Dexie.maxKey])
    : t.where('words').startsWith(first).filter((e) => e.type === type && matchesAllPrefixes(e.words, words));
  const rows = await read.toArray();
  const seen = new Set<string>();
  return rows
    .filter((e) => !seen.has(e.id) && (seen.add(e.id), true))
    .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

/** The queries bound to one database and clock, for the UI. */
export function createQueries(db: FieldbookDB, clock: { now?: () => number } = {}) {
  const now = clock.now ?? Date.now;
  return {
    list: (query: ListQueryInput = {}) => listActivities(db, query, now()),
    search: (q: string, paging: Paging = {}) => searchActivities(db, q, paging, now()),
    overdueQueue: (nowMs: number = now(), opts: OverdueOptions = {}) => overdueQueue(db, nowMs, opts),
    calendarRange: (fromMs: number, toMs: number, opts: RangeOptions = {}) => calendarRange(db, fromMs, toMs, opts, now()),
    byEntity: (type: ActivityableType, id: string) => activitiesForEntity(db, type, id, now()),
    detail: (lid: string) => activityDetail(db, lid, now()),
    byServerId: (serverId: string) => activityByServerId(db, serverId, now()),
    counts: (nowMs: number = now(), day?: { startMs: number; endMs: number }) => trayCounts(db, nowMs, day),
    upsertEntities: (entities: readonly EntityInput[]) => upsertEntities(db, entities),
    getEntity: (type: DirectoryType, id: string) => getEntity(db, type, id),
    searchEntities: (type: DirectoryType, prefix: string, limit?: number) => searchEntities(db, type, prefix, limit),
  };
}
export type Queries = ReturnType<typeof createQueries>;
