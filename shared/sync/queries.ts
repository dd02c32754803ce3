/**
 * Reads of the local store for the UI (wrap them in liveQuery/useLiveQuery) and the tray.
 * Every query starts from an index: the list picks the narrowest index its filters allow
 * (sized by a bounded key read), reads only those rows and filters the rest in memory.
 * Rows deleted locally (deleted=1) never appear.
 */
import { TZDate } from '@date-fns/tz';
import { Dexie, type Collection, type InsertType } from 'dexie';
import {
  ACTIVITY_TYPES, DEFAULT_PER_PAGE, MAX_PER_PAGE, PRIORITIES, listQuerySchema, priorityRank, searchQuerySchema, typeGroup,
  type ActivityableType, type DirectoryType, type ListQuery, type ListQueryInput, type SortDirection, type SortField,
} from '../domain/index.ts';
import { parseOrThrow } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import type { DirectoryEntity, LocalActivity } from './types.ts';
import { matchesAllPrefixes, normalizeText, queryWords, wordsOf } from './words.ts';

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

type ActivityCollection = Collection<LocalActivity, string, InsertType<LocalActivity, 'lid'>>;

/** Recompute is_overdue at read time: the stored flag goes stale as the clock moves. */
function fresh(row: LocalActivity, nowMs: number): LocalActivity {
  const overdue = row.open === 1 && row.due_ms !== undefined && row.due_ms < nowMs;
  return row.is_overdue === overdue ? row : { ...row, is_overdue: overdue };
}

/** When the calendar day `day` (YYYY-MM-DD) plus `add` days begins: in `timeZone`, or in UTC. */
function dayStartMs(day: string, timeZone: string | undefined, add = 0): number {
  const [y = 0, m = 1, d = 1] = day.split('-').map(Number);
  return timeZone ? new TZDate(y, m - 1, d + add, timeZone).getTime() : Date.UTC(y, m - 1, d + add);
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

function criteriaOf(q: ListQuery, nowMs: number, timeZone?: string): Criteria {
  const c: Criteria = {};
  if (q.type) c.type = q.type;
  if (q.status) c.status = q.status;
  if (q.priority) c.priority = q.priority;
  if (q.assigned_user_id) c.assigned_user_id = q.assigned_user_id;
  if (q.activityable_type) c.activityable_type = q.activityable_type;
  if (q.activityable_id) c.activityable_id = q.activityable_id;
  if (q.due_date_from) c.dueLo = dayStartMs(q.due_date_from, timeZone);
  if (q.due_date_to) c.dueHi = dayStartMs(q.due_date_to, timeZone, 1);
  if (q.status === 'overdue') c.dueHi = Math.min(c.dueHi ?? Infinity, nowMs);
  if (q.search) c.words = queryWords(q.search);
  if (q.updated_since) c.updatedSinceMs = Date.parse(q.updated_since);
  return c;
}

function matches(r: LocalActivity, c: Criteria): boolean {
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
type PriorityGroup = (typeof PRIORITIES)[number] | UnknownRange;
const UNKNOWN_PRIORITY_RANGES: readonly UnknownRange[] = (() => {
  const known = [...PRIORITIES].sort();
  return [null, ...known].map((lo, i) => ({ lo, hi: known[i] ?? null }));
})();
function priorityGroups(dir: SortDirection): PriorityGroup[] {
  const asc: PriorityGroup[] = [...PRIORITIES];
  asc.splice(asc.indexOf('medium') + 1, 0, ...UNKNOWN_PRIORITY_RANGES);
  return dir === 'asc' ? asc : asc.reverse();
}
function priorityRead(t: FieldbookDB['activities'], p: PriorityGroup): ActivityCollection {
  if (typeof p === 'string') return t.where('priority').equals(p);
  if (p.lo === null) return t.where('priority').below(p.hi);
  if (p.hi === null) return t.where('priority').above(p.lo);
  return t.where('priority').between(p.lo, p.hi, false, false);
}
function inPriorityGroup(r: LocalActivity, p: PriorityGroup): boolean {
  if (typeof p === 'string') return r.priority === p;
  return (p.lo === null || r.priority > p.lo) && (p.hi === null || r.priority < p.hi);
}

const hasDueRange = (c: Criteria) => c.dueLo !== undefined || c.dueHi !== undefined;

/**
 * The index reads that could serve the criteria, most selective first by nature (words, one
 * entity, one rep, a due range, a type, a status, a priority); the caller keeps the smallest.
 */
function candidateCollections(db: FieldbookDB, c: Criteria): ActivityCollection[] {
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
 * Candidates are sized by reading at most this many keys (a bounded getAllKeys stops early,
 * where a count would walk the whole range). Past it, reading any of them costs about the same.
 */
const SIZE_CAP = 2000;

/** Reads the rows of the narrowest candidate and filters the rest of the criteria in memory. */
async function narrowest(db: FieldbookDB, c: Criteria): Promise<LocalActivity[]> {
  const candidates = candidateCollections(db, c);
  let pick: ActivityCollection | undefined = candidates[0];
  if (candidates.length > 1) {
    // Each candidate is sized only up to the best so far: a larger one is never read in full.
    let best = SIZE_CAP;
    let at = 0;
    for (const [i, x] of candidates.entries()) {
      const n = (await x.clone().limit(best).primaryKeys()).length;
      if (n < best) [best, at] = [n, i];
    }
    // Read a fresh copy: a multi-range read (noneOf, the type filter Other) walks only once, even cloned.
    pick = candidateCollections(db, c)[at];
  }
  const rows = pick ? await pick.toArray() : await db.activities.toArray();
  // A multi-entry (words) read yields a row once per matching word.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.lid) && (seen.add(r.lid), matches(r, c)));
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

function pageMeta(total: number, page: number, perPage: number): PageMeta {
  return { current_page: page, per_page: perPage, total, last_page: Math.max(1, Math.ceil(total / perPage)) };
}

/** Rows deleted here but not yet pushed: few, so they are read once and skipped in memory. */
async function deletedRows(db: FieldbookDB): Promise<LocalActivity[]> {
  // Keys first: usually there are none, and a key read is the cheapest way to learn that.
  const lids = await db.activities.where('deleted').equals(1).primaryKeys();
  if (!lids.length) return [];
  return (await db.activities.bulkGet(lids)).filter((r): r is LocalActivity => r !== undefined && r.deleted === 1);
}

/** One run of rows in sort order that a single index read yields. */
interface Segment {
  /** Live rows [skip, skip + want) of the segment (fewer when it runs out). */
  page: (skip: number, want: number) => Promise<LocalActivity[]>;
  /** Its live rows; asked only when a page skips past the whole segment. */
  count: () => Promise<number>;
}

/**
 * A segment read from an index without cursor filters (slow): the first page is one bounded
 * getAll; later pages read the keys up to the page (one bounded getAllKeys) and then just the
 * page's rows. Deleted rows are few and known, so the reads are widened by their number.
 */
function indexSegment(
  table: FieldbookDB['activities'], read: () => ActivityCollection, dead: readonly LocalActivity[], dir: SortDirection,
): Segment {
  const deadLids = new Set(dead.map((r) => r.lid));
  const ordered = () => (dir === 'desc' ? read().reverse() : read());
  return {
    page: async (skip, want) => {
      if (skip === 0) {
        const rows = await ordered().limit(want + deadLids.size).toArray();
        return rows.filter((r) => r.deleted === 0).slice(0, want);
      }
      const keys = await ordered().limit(skip + want + deadLids.size).primaryKeys();
      const pageKeys = keys.filter((k) => !deadLids.has(k)).slice(skip, skip + want);
      const rows = await table.bulkGet(pageKeys);
      return rows.filter((r): r is LocalActivity => r !== undefined && r.deleted === 0);
    },
    count: async () => (await read().count()) - deadLids.size,
  };
}

/**
 * Without filters (or only a due range when sorting by due date) the sort order IS an index
 * order, so a page is read from that index instead of reading every row. The total comes from
 * the table's count, or the due range's on its index. On disk a count walks every entry (100 000
 * cost about what reading their keys does), so with `lazy` the first page comes without it: one
 * row more than the page says whether there are more (meta.total_pending).
 */
async function orderedPage(
  fdb: FieldbookDB, c: Criteria, sortBy: SortField, dir: SortDirection, page: number, perPage: number, nowMs: number, lazy = false,
  upcomingFrom?: number,
): Promise<Page<LocalActivity>> {
  const t = fdb.activities;
  const dead = await deletedRows(fdb);
  const segments: Segment[] = [];
  let countTotal: () => Promise<number>;
  if (sortBy === 'due_at') {
    const lo = c.dueLo ?? -Infinity;
    const hi = c.dueHi ?? Infinity;
    const user = c.assigned_user_id;
    const mine = dead.filter((r) => user === undefined || r.assigned_user_id === user);
    const inRange = (a: number, b: number) => mine.filter((r) => r.due_ms !== undefined && r.due_ms >= a && r.due_ms < b);
    // One rep's rows by due time from [assigned_user_id+due_ms]; everyone's from due_ms (unbounded,
    // the whole index in order: cheaper than an infinite range).
    const range = (a: number, b: number) => (user !== undefined
      ? () => t.where('[assigned_user_id+due_ms]').between([user, a], [user, b], true, false)
      : a === -Infinity && b === Infinity ? () => t.orderBy('due_ms') : () => t.where('due_ms').between(a, b, true, false));
    const dated: Segment[] = [];
    if (upcomingFrom !== undefined && dir === 'asc') {
      const [upLo, pastHi] = [Math.max(lo, upcomingFrom), Math.min(hi, upcomingFrom)];
      if (upLo < hi) dated.push(indexSegment(t, range(upLo, hi), inRange(upLo, hi), 'asc'));
      if (lo < pastHi) dated.push(indexSegment(t, range(lo, pastHi), inRange(lo, pastHi), 'desc'));
    } else {
      dated.push(indexSegment(t, range(lo, hi), inRange(lo, hi), dir));
    }
    segments.push(...dated);
    if (hasDueRange(c)) {
      countTotal = async () => (await Promise.all(dated.map((d) => d.count()))).reduce((x, y) => x + y, 0);
    } else if (user !== undefined) {
      countTotal = async () => (await t.where('assigned_user_id').equals(user).count()) - mine.length;
      segments.push(undatedSegment(fdb, mine, dir, user));
    } else {
      countTotal = async () => (await t.count()) - dead.length;
      segments.push(undatedSegment(fdb, dead, dir));
    }
  } else if (sortBy === 'created_at') {
    countTotal = async () => (await t.count()) - dead.length;
    segments.push(indexSegment(t, () => t.orderBy('created_at'), dead, dir));
  } else {
    countTotal = async () => (await t.count()) - dead.length;
    for (const p of priorityGroups(dir)) segments.push(indexSegment(t, () => priorityRead(t, p), dead.filter((r) => inPriorityGroup(r, p)), dir));
  }
  if (lazy && page === 1) {
    const items: LocalActivity[] = [];
    for (const s of segments) {
      const want = perPage + 1 - items.length;
      if (want <= 0) break;
      items.push(...(await s.page(0, want)));
    }
    const shown = items.slice(0, perPage).map((r) => fresh(r, nowMs));
    if (items.length <= perPage) return { items: shown, meta: pageMeta(items.length, page, perPage) };
    return { items: shown, meta: { ...pageMeta(perPage + 1, page, perPage), total_pending: true } };
  }
  const total = await countTotal();
  const items: LocalActivity[] = [];
  let skip = (page - 1) * perPage;
  for (const s of segments) {
    const want = perPage - items.length;
    if (want <= 0 || skip >= total) break;
    const rows = await s.page(skip, want);
    items.push(...rows);
    // An empty read with rows to skip means the whole segment lies before the page.
    if (rows.length === 0 && skip > 0) skip = Math.max(0, skip - (await s.count()));
    else skip = 0;
  }
  return { items: items.map((r) => fresh(r, nowMs)), meta: pageMeta(total, page, perPage) };
}

/**
 * Undated rows are in no due index; they come last, in lid order. Their keys are the table's
 * keys minus the due index's keys (two native key reads), read only when a page reaches them.
 */
function undatedSegment(fdb: FieldbookDB, dead: LocalActivity[], dir: SortDirection, user?: string): Segment {
  const t = fdb.activities;
  const deadLids = new Set(dead.filter((r) => r.due_ms === undefined).map((r) => r.lid));
  // One rep's (the assignee index, less their dated rows), or everyone's.
  const allRead = () => (user !== undefined ? t.where('assigned_user_id').equals(user) : t.toCollection());
  const datedRead = () => (user !== undefined
    ? t.where('[assigned_user_id+due_ms]').between([user, -Infinity], [user, Infinity])
    : t.where('due_ms').between(-Infinity, Infinity));
  return {
    page: async (skip, want) => {
      const [all, dated] = await Promise.all([allRead().primaryKeys(), datedRead().primaryKeys()]);
      const datedSet = new Set(dated);
      const keys = all.filter((k) => !datedSet.has(k) && !deadLids.has(k));
      if (dir === 'desc') keys.reverse();
      const rows = await t.bulkGet(keys.slice(skip, skip + want));
      return rows.filter((r): r is LocalActivity => r !== undefined);
    },
    count: async () => (await allRead().count()) - (await datedRead().count()) - deadLids.size,
  };
}

function onlyOrderable(c: Criteria, sortBy: SortField): boolean {
  const keys = Object.keys(c) as (keyof Criteria)[];
  return keys.every((k) => sortBy === 'due_at' && (k === 'dueLo' || k === 'dueHi' || k === 'assigned_user_id'));
}

/** GET /activities, locally: every filter, sort and paging option of the guide. */
export async function listActivities(
  db: FieldbookDB, query: ListQueryInput = {}, nowMs: number = Date.now(), opts: ListOptions = {},
): Promise<Page<LocalActivity>> {
  const q = parseOrThrow(listQuerySchema, query);
  const perPage = Math.min(q.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  const page = q.page ?? 1;
  const sortBy = q.sort_by ?? 'due_at';
  const dir = q.sort_direction ?? 'asc';
  const c = criteriaOf(q, nowMs, opts.timeZone);
  const up = sortBy === 'due_at' && dir === 'asc' ? opts.upcomingFrom : undefined;
  if (onlyOrderable(c, sortBy)) return orderedPage(db, c, sortBy, dir, page, perPage, nowMs, opts.lazyTotal === true, up);
  if (c.words) return searchPage(db, c, sortBy, dir, page, perPage, nowMs, { ...opts, upcomingFrom: up });
  const rows = await narrowest(db, c);
  rows.sort(compareActivities(sortBy, dir, up));
  const start = (page - 1) * perPage;
  return { items: rows.slice(start, start + perPage).map((r) => fresh(r, nowMs)), meta: pageMeta(rows.length, page, perPage) };
}

// ─── Search (as the rep types: one query per keystroke over up to 100 000 rows) ───

/**
 * Below this many matches, reading the rows and sorting them is cheaper than walking a sort
 * index; above it, only the page's rows are read.
 */
const SEARCH_ROWS_CAP = 400;

/**
 * As the rep types, a word's range is sized by reading at most this many of its keys. On disk a
 * count walks the whole range (it costs about what reading the keys does), so it is not used to
 * size anything on the typing path: a bounded read stops early, and a rare word's keys are then
 * already in hand.
 */
const SEARCH_KEYS_CAP = 3000;

/** Rows a first walk in sort order reads (a common word's early page lies within it). */
const QUICK_WALK_ROWS = 600;

/**
 * Rows a walk in sort order may read in all before the words' keys are read in full instead (on
 * disk about 35 µs a row, against 8–13 µs a key counted or read: a common word's range is tens
 * of thousands of keys, so a long walk is still the cheaper way).
 */
const WALK_ROWS_BUDGET = 12_000;

const wordRange = (db: FieldbookDB, w: string) => db.activities.where('words').startsWith(w);

/**
 * The last search whose every match was read (a rare word's rows, filtered), per store. The rep's
 * next key usually narrows it ("demo sap" → "demo sap i"): every match of the narrower search is
 * among these rows, so it is answered from memory without reading the store. Any write to the
 * store (here or from another context: Dexie tells every context) makes it unusable.
 */
interface KnownMatches { c: Criteria; rows: LocalActivity[]; writes: number }
const knownMatches = new WeakMap<FieldbookDB, KnownMatches>();
let writesSeen = 0;
Dexie.on('storagemutated', () => { writesSeen++; });

/** Drops the remembered matches (tests that count reads start from a cold store). */
export function forgetKnownMatches(db: FieldbookDB): void {
  knownMatches.delete(db);
}

const NARROWING_SAME: readonly (keyof Criteria)[] = [
  'type', 'status', 'priority', 'assigned_user_id', 'activityable_type', 'activityable_id', 'dueLo', 'dueHi', 'updatedSinceMs',
];

/**
 * In a live query, what a search reads is what it watches; one answered from memory reads nothing,
 * so it would never run again. These two one-row reads watch what the search would have: each
 * word's range of the word index (a row gaining or losing a matching word) and the primary keys
 * spanning its matches (an edit to one of them).
 */
async function observeAsSearched(db: FieldbookDB, words: readonly string[], rows: readonly LocalActivity[]): Promise<void> {
  const lids = rows.map((r) => r.lid).sort();
  const [lo, hi] = [lids[0], lids.at(-1)];
  await Promise.all([
    ...words.map((w) => wordRange(db, w).limit(1).primaryKeys()),
    lo !== undefined && hi !== undefined ? db.activities.where(':id').between(lo, hi, true, true).limit(1).toArray() : undefined,
  ]);
}

/** True when every match of `c` also matches `wider`: the same filters, and each of its words extended. */
function narrows(c: Criteria, wider: Criteria): boolean {
  if (NARROWING_SAME.some((k) => c[k] !== wider[k])) return false;
  const words = c.words ?? [];
  return (wider.words ?? []).every((w) => words.some((x) => x.startsWith(w)));
}

/**
 * The keys of the live rows matching `c`, from key-only index reads (no row is read): the query
 * words' ranges of the word index, rarest first (by their counts), then the other filters' index
 * reads, intersected. Stops once few keys are left. `exact` says whether every criterion was
 * applied; if not, the rows must still be filtered.
 */
async function searchKeys(db: FieldbookDB, c: Criteria, signal?: AbortSignal): Promise<{ keys: Set<string>; exact: boolean }> {
  const words = c.words ?? [];
  const counts = await Promise.all(words.map((w) => wordRange(db, w).count()));
  signal?.throwIfAborted();
  const byCount = words.map((w, i) => ({ w, n: counts[i] ?? 0 })).sort((x, y) => x.n - y.n).map((x) => x.w);
  const all = candidateCollections(db, { ...c, words: byCount });
  let keys: Set<string> | undefined;
  let used = 0;
  for (const x of all) {
    const found = await x.primaryKeys();
    signal?.throwIfAborted();
    const before = keys;
    keys = before ? new Set(found.filter((k) => before.has(k))) : new Set(found);
    used++;
    if (keys.size <= SEARCH_ROWS_CAP) break;
  }
  // updated_since has no exact index read (updated_at strings need not share one format).
  const exact = used === all.length && c.updatedSinceMs === undefined;
  return { keys: keys ?? new Set(), exact };
}

/**
 * The keys of the first query word found rare (at most SEARCH_KEYS_CAP index entries), trying the
 * longest words first (a longer prefix tends to match fewer rows); null when every word is common.
 */
async function rareWordKeys(db: FieldbookDB, words: readonly string[], signal?: AbortSignal): Promise<string[] | null> {
  for (const w of [...words].sort((a, b) => b.length - a.length)) {
    const keys = await wordRange(db, w).limit(SEARCH_KEYS_CAP + 1).primaryKeys();
    signal?.throwIfAborted();
    // A row with two words under the prefix is listed twice.
    if (keys.length <= SEARCH_KEYS_CAP) return [...new Set(keys)];
  }
  return null;
}

/**
 * The due index read in the list's order: whole, one way; or upcoming first (ListOptions.upcomingFrom):
 * from that instant on ascending, then before it descending. Undated rows are in neither. For one
 * rep's matches ([assigned_user_id+due_ms]) only their rows are read, not everyone's in between.
 */
function dueReads(t: FieldbookDB['activities'], dir: SortDirection, upcomingFrom?: number, user?: string): (() => ActivityCollection)[] {
  const range = (a: number, b: number): ActivityCollection => (user !== undefined
    ? t.where('[assigned_user_id+due_ms]').between([user, a], [user, b], true, false)
    : a === -Infinity && b === Infinity ? t.orderBy('due_ms') : t.where('due_ms').between(a, b, true, false));
  if (upcomingFrom !== undefined && dir === 'asc') {
    return [() => range(upcomingFrom, Infinity), () => range(-Infinity, upcomingFrom).reverse()];
  }
  return [dir === 'desc' ? () => range(-Infinity, Infinity).reverse() : () => range(-Infinity, Infinity)];
}

/** The keys of the rows in no due index (one rep's, or everyone's). */
async function undatedKeys(t: FieldbookDB['activities'], user?: string): Promise<string[]> {
  const [all, dated] = await Promise.all(user !== undefined
    ? [t.where('assigned_user_id').equals(user).primaryKeys(), t.where('[assigned_user_id+due_ms]').between([user, -Infinity], [user, Infinity]).primaryKeys()]
    : [t.toCollection().primaryKeys(), t.where('due_ms').between(-Infinity, Infinity).primaryKeys()]);
  const datedSet = new Set(dated);
  return all.filter((k) => !datedSet.has(k));
}

/**
 * The first `need` keys of `order` (an index read in sort order) that are in `live`. The index is
 * read keys-only, a prefix at a time: the first read's share of matches sizes the next, so a page
 * of a common word costs a short read, not the whole index. `all`: the whole index was read
 * (every match in it is then in `hits`).
 */
async function firstInOrder(
  order: () => ActivityCollection, live: ReadonlySet<string>, need: number, signal?: AbortSignal,
): Promise<{ hits: string[]; all: boolean }> {
  let take = Math.max(need * 2, 256);
  for (;;) {
    const keys = await order().limit(take).primaryKeys();
    signal?.throwIfAborted();
    const hits = keys.filter((k) => live.has(k));
    const all = keys.length < take;
    if (all || hits.length >= need) return { hits, all };
    const share = Math.max(hits.length, 1) / keys.length;
    take = Math.max(take * 2, Math.ceil((need / share) * 1.25));
  }
}

/**
 * A page of matches of an exact key set, in the guide's sort order, reading only the page's rows.
 * Index order is the comparator's order (ties by primary key, i.e. lid, in the read's
 * direction); undated rows, in no due index, come last in lid order.
 */
async function pageOfKeys(
  db: FieldbookDB, live: ReadonlySet<string>, sortBy: SortField, dir: SortDirection, skip: number, perPage: number, signal?: AbortSignal,
  upcomingFrom?: number, user?: string,
): Promise<string[]> {
  const t = db.activities;
  const directed = (read: () => ActivityCollection) => (dir === 'desc' ? () => read().reverse() : read);
  let need = skip + perPage;
  const out: string[] = [];
  const segments: (() => Promise<string[]>)[] = [];
  if (sortBy === 'due_at') {
    const dated = new Set<string>();
    for (const read of dueReads(t, dir, upcomingFrom, user)) {
      segments.push(async () => {
        const r = await firstInOrder(read, live, need, signal);
        for (const k of r.hits) dated.add(k);
        return r.hits;
      });
    }
    // Reached only when the dated matches ran out, i.e. the whole due index was read.
    segments.push(() => {
      const undated = [...live].filter((k) => !dated.has(k)).sort();
      return Promise.resolve(dir === 'desc' ? undated.reverse() : undated);
    });
  } else if (sortBy === 'created_at') {
    segments.push(async () => (await firstInOrder(directed(() => t.orderBy('created_at')), live, need, signal)).hits);
  } else {
    for (const p of priorityGroups(dir)) segments.push(async () => (await firstInOrder(directed(() => priorityRead(t, p)), live, need, signal)).hits);
  }
  for (const segment of segments) {
    if (need <= 0) break;
    const hits = await segment();
    out.push(...hits.slice(0, need));
    need -= Math.min(need, hits.length);
  }
  return out.slice(skip, skip + perPage);
}

/**
 * The first `need` rows of `order` (a read in sort order) that pass `keep`, reading rows a prefix
 * at a time sized by the share kept so far; null once `budget` rows were read without finding them.
 */
async function firstRowsInOrder(
  order: () => ActivityCollection, keep: (r: LocalActivity) => boolean, need: number, signal?: AbortSignal, budget = Infinity,
): Promise<{ hits: LocalActivity[]; read: number } | null> {
  let take = Math.min(Math.max(need * 2, 64), budget);
  for (;;) {
    const rows = await order().limit(take).toArray();
    signal?.throwIfAborted();
    const hits = rows.filter(keep);
    if (rows.length < take || hits.length >= need) return { hits, read: rows.length };
    if (take >= budget) return null;
    const share = Math.max(hits.length, 1) / rows.length;
    take = Math.min(budget, Math.max(take * 4, Math.ceil((need / share) * 1.25)));
  }
}

/**
 * The first `need` matches in sort order when every query word is common: rows are read in the
 * sort index's order and filtered in memory, so a page costs about need ÷ (share of matches)
 * rows. Undated rows (in no due index) come last in lid order and are read only when reached.
 * Null when that takes more than `budget` rows (the words are rare together).
 */
async function walkMatches(
  db: FieldbookDB, c: Criteria, sortBy: SortField, dir: SortDirection, need: number, signal?: AbortSignal, budget = Infinity,
  upcomingFrom?: number,
): Promise<LocalActivity[] | null> {
  const t = db.activities;
  const keep = (r: LocalActivity) => matches(r, c);
  const directed = (read: () => ActivityCollection) => (dir === 'desc' ? () => read().reverse() : read);
  const reads: (() => ActivityCollection)[] = sortBy === 'due_at'
    ? dueReads(t, dir, upcomingFrom, c.assigned_user_id)
    : sortBy === 'created_at'
      ? [directed(() => t.orderBy('created_at'))]
      : priorityGroups(dir).map((p) => directed(() => priorityRead(t, p)));
  const out: LocalActivity[] = [];
  let left = budget;
  for (const read of reads) {
    const found = await firstRowsInOrder(read, keep, need - out.length, signal, left);
    if (!found) return null;
    left -= found.read;
    out.push(...found.hits.slice(0, need - out.length));
    if (out.length >= need) return out;
  }
  if (sortBy === 'due_at') {
    const undated = await undatedKeys(t, c.assigned_user_id);
    signal?.throwIfAborted();
    if (dir === 'desc') undated.reverse();
    for (let i = 0; i < undated.length && out.length < need; i += 500) {
      const rows = await t.bulkGet(undated.slice(i, i + 500));
      signal?.throwIfAborted();
      out.push(...rows.filter((r): r is LocalActivity => r !== undefined && keep(r)).slice(0, need - out.length));
    }
  }
  return out;
}

/**
 * A search page. The exact way: matching keys from key-only reads of the word index (and the
 * other filters' indexes), then either the few matching rows read and sorted, or only the page's
 * rows read in the order of the sort's index. As the rep types (`lazyTotal`), cheaper ways first:
 * a short walk of rows in sort order (a common word's page; the total is then a lower bound,
 * meta.total_pending, unless the walk reached the end); else a rare word's rows, read and sorted
 * (exact); else a longer walk; only words rare together take the exact way.
 */
async function searchPage(
  db: FieldbookDB, c: Criteria, sortBy: SortField, dir: SortDirection, page: number, perPage: number, nowMs: number, opts: ListOptions,
): Promise<Page<LocalActivity>> {
  const { signal, upcomingFrom: up } = opts;
  signal?.throwIfAborted();
  const start = (page - 1) * perPage;
  const need = start + perPage + 1;
  const known = knownMatches.get(db);
  if (known && known.writes === writesSeen && narrows(c, known.c)) {
    // Answered from memory; the narrower set is remembered for the next key.
    const rows = known.rows.filter((r) => matches(r, c));
    rows.sort(compareActivities(sortBy, dir, up));
    knownMatches.set(db, { c, rows, writes: known.writes });
    await observeAsSearched(db, c.words ?? [], rows);
    signal?.throwIfAborted();
    return { items: rows.slice(start, start + perPage).map((r) => fresh(r, nowMs)), meta: pageMeta(rows.length, page, perPage) };
  }
  const sorted = (rows: LocalActivity[]) => {
    knownMatches.set(db, { c, rows, writes: writesSeen });
    rows.sort(compareActivities(sortBy, dir, up));
    return { items: rows.slice(start, start + perPage).map((r) => fresh(r, nowMs)), meta: pageMeta(rows.length, page, perPage) };
  };
  if (opts.lazyTotal) {
    const walked = (hits: LocalActivity[]): Page<LocalActivity> => {
      const items = hits.slice(start, start + perPage).map((r) => fresh(r, nowMs));
      if (hits.length < need) return { items, meta: pageMeta(hits.length, page, perPage) };
      return { items, meta: { ...pageMeta(need, page, perPage), total_pending: true } };
    };
    const quick = await walkMatches(db, c, sortBy, dir, need, signal, QUICK_WALK_ROWS, up);
    if (quick) return walked(quick);
    const rare = await rareWordKeys(db, c.words ?? [], signal);
    if (rare) {
      const rows = await db.activities.bulkGet(rare);
      signal?.throwIfAborted();
      return sorted(rows.filter((r): r is LocalActivity => r !== undefined && matches(r, c)));
    }
    const long = await walkMatches(db, c, sortBy, dir, need, signal, WALK_ROWS_BUDGET, up);
    if (long) return walked(long);
  }
  const { keys, exact } = await searchKeys(db, c, signal);
  if (!exact || keys.size <= SEARCH_ROWS_CAP) {
    const rows = await db.activities.bulkGet([...keys]);
    signal?.throwIfAborted();
    return sorted(rows.filter((r): r is LocalActivity => r !== undefined && matches(r, c)));
  }
  for (const r of await deletedRows(db)) keys.delete(r.lid);
  const pageKeys = await pageOfKeys(db, keys, sortBy, dir, start, perPage, signal, up, c.assigned_user_id);
  signal?.throwIfAborted();
  const rows = (await db.activities.bulkGet(pageKeys)).filter((r): r is LocalActivity => r !== undefined);
  return { items: rows.map((r) => fresh(r, nowMs)), meta: pageMeta(keys.size, page, perPage) };
}

/** Keys read per chunk by countAllKeys (about 30 ms on disk). */
const COUNT_CHUNK = 2500;

/**
 * The number of activities in the store, read as primary keys a chunk at a time. A native count
 * is one request that can't be stopped: on disk it walks every entry (about 400 ms at 100 000),
 * and the rep's next keystroke would wait behind it. This stops between chunks once `signal` aborts.
 */
async function countAllKeys(db: FieldbookDB, signal?: AbortSignal): Promise<number> {
  const t = db.activities;
  let n = 0;
  let keys = await t.orderBy(':id').limit(COUNT_CHUNK).primaryKeys();
  for (;;) {
    signal?.throwIfAborted();
    n += keys.length;
    const last = keys.at(-1);
    if (keys.length < COUNT_CHUNK || last === undefined) return n;
    keys = await t.where(':id').above(last).limit(COUNT_CHUNK).primaryKeys();
  }
}

/**
 * The exact number of activities a list query matches (for a page that came with total_pending).
 * A words-only search walks its word ranges' keys with a cursor, rarest word first, and stops at
 * the next key once `signal` aborts: a single key read of tens of thousands of entries could not
 * be stopped and would hold up the next keystroke's page. Other queries count as the list does.
 */
export async function totalActivities(
  db: FieldbookDB, query: ListQueryInput = {}, nowMs: number = Date.now(), signal?: AbortSignal, timeZone?: string,
): Promise<number> {
  const q = parseOrThrow(listQuerySchema, query);
  const c = criteriaOf(q, nowMs, timeZone);
  if (Object.keys(c).length === 0) {
    // Every activity: counted a chunk of keys at a time, so typing stops it between chunks.
    const dead = await deletedRows(db);
    return (await countAllKeys(db, signal)) - dead.length;
  }
  if (!c.words || Object.keys(c).some((k) => k !== 'words')) {
    return (await listActivities(db, { ...query, page: 1, per_page: 1 }, nowMs, { signal, ...(timeZone ? { timeZone } : {}) })).meta.total;
  }
  const words = c.words;
  const counts = await Promise.all(words.map((w) => wordRange(db, w).count()));
  const byCount = words.map((w, i) => ({ w, n: counts[i] ?? 0 })).sort((x, y) => x.n - y.n);
  let keys: Set<string> | undefined;
  for (const { w } of byCount) {
    const before = keys;
    const next = new Set<string>();
    await wordRange(db, w).eachPrimaryKey((k, cursor) => {
      // Dexie hands its IndexedDB cursor wrapper here; stop() ends the walk (a throw would not).
      if (signal?.aborted) (cursor as typeof cursor & { stop(): void }).stop();
      else if (!before || before.has(k)) next.add(k);
    });
    signal?.throwIfAborted();
    keys = next;
  }
  const live = keys ?? new Set<string>();
  for (const r of await deletedRows(db)) live.delete(r.lid);
  return live.size;
}

/**
 * GET /activities/search?q=, locally: every query word must start a word of the subject,
 * description or outcome. The CRM's own search covers subject and description only
 * (CONTRACT-NOTES); the app never asks it, the rep searches here.
 */
export async function searchActivities(db: FieldbookDB, q: string, paging: Paging = {}, nowMs: number = Date.now()): Promise<Page<LocalActivity>> {
  const text = parseOrThrow(searchQuerySchema.transform((s) => s.replace(/\+/g, ' ')), q);
  return listActivities(db, { search: text, ...paging }, nowMs);
}

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
 * How well an entity's name (or email) answers the query words, or 0 when it does not: every word
 * must start a word of it, or (from 2 characters) occur anywhere in it ("corp" finds "Acme Corp",
 * "dustr" finds "Bolt Industries"). 3: the name starts with the query; 2: every word starts a
 * word; 1: some word matched only inside one.
 */
function entityMatchRank(e: DirectoryEntity, words: readonly string[], query: string): number {
  const name = normalizeText(e.name);
  const text = e.email ? `${name} ${normalizeText(e.email)}` : name;
  let inside = false;
  for (const w of words) {
    if (e.words.some((x) => x.startsWith(w))) continue;
    if (w.length < 2 || !text.includes(w)) return 0;
    inside = true;
  }
  if (inside) return 1;
  return name.startsWith(query) ? 3 : 2;
}

/**
 * Entities of one type matching every word typed (entityMatchRank), best first, then by name.
 * An empty query lists the type. A type's directory is read whole (a match may be anywhere in a
 * name, which no index can narrow; a directory is thousands of records, not the activities' 100 000).
 */
export async function searchEntities(db: FieldbookDB, type: DirectoryType, prefix: string, limit = 20): Promise<DirectoryEntity[]> {
  const words = queryWords(prefix);
  const rows = await db.entities.where('[type+id]').between([type, Dexie.minKey], [type, Dexie.maxKey]).toArray();
  const byName = (a: DirectoryEntity, b: DirectoryEntity) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1);
  if (words.length === 0) return rows.sort(byName).slice(0, limit);
  const query = normalizeText(prefix.replace(/\+/g, ' ')).trim();
  return rows
    .map((e) => ({ e, rank: entityMatchRank(e, words, query) }))
    .filter((x) => x.rank > 0)
    .sort((a, b) => b.rank - a.rank || byName(a.e, b.e))
    .slice(0, limit)
    .map((x) => x.e);
}

/** The queries bound to one database and clock, for the UI. */
export function createQueries(db: FieldbookDB, clock: { now?: () => number } = {}) {
  const now = clock.now ?? Date.now;
  return {
    list: (query: ListQueryInput = {}, opts: ListOptions = {}) => listActivities(db, query, now(), opts),
    total: (query: ListQueryInput = {}, opts: Pick<ListOptions, 'signal' | 'timeZone'> = {}) => totalActivities(db, query, now(), opts.signal, opts.timeZone),
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
