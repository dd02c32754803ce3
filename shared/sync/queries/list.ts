/**
 * GET /activities, locally: the list planner. Every list starts from an index: without filters
 * (or only a due range / one rep when sorting by due date) a page is read in the sort index's
 * order; a search goes to the search engine (search.ts); any other filter reads the narrowest
 * index it allows (sized by a bounded key read) and filters the rest in memory.
 */
import {
  DEFAULT_PER_PAGE, MAX_PER_PAGE, listQuerySchema, searchQuerySchema,
  type ListQueryInput, type SortDirection, type SortField,
} from '../../domain/index.ts';
import { parseOrThrow } from '../commands.ts';
import type { FieldbookDB } from '../db.ts';
import type { LocalActivity } from '../types.ts';
import {
  candidateCollections, compareActivities, criteriaOf, deletedRows, fresh, hasDueRange, inPriorityGroup, matches, pageMeta,
  priorityGroups, priorityRead, wordRange, type ActivityCollection, type Criteria, type ListOptions, type Page, type Paging,
} from './criteria.ts';
import { searchPage } from './search.ts';

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
 * (docs/crm-contract.md "Lists and search"); the app never asks it, the rep searches here.
 */
export async function searchActivities(db: FieldbookDB, q: string, paging: Paging = {}, nowMs: number = Date.now()): Promise<Page<LocalActivity>> {
  const text = parseOrThrow(searchQuerySchema.transform((s) => s.replace(/\+/g, ' ')), q);
  return listActivities(db, { search: text, ...paging }, nowMs);
}
