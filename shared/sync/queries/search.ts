/**
 * Search as the rep types: one query per keystroke over up to 100 000 rows. Every query word must
 * start a word of the subject, description or outcome (the *words index). listActivities
 * (list.ts) sends a query with words here; the exact total of a page that came without one
 * (total_pending) is totalActivities there.
 */
import type { SortDirection, SortField } from '../../domain/index.ts';
import type { FieldbookDB } from '../db.ts';
import type { LocalActivity } from '../types.ts';
import { matchesAllPrefixes } from '../words.ts';
import {
  candidateCollections, compareActivities, deletedRows, fresh, matches, pageMeta, priorityGroups, priorityRead, wordRange,
  type ActivityCollection, type Criteria, type ListOptions, type Page,
} from './criteria.ts';
import { answeredFromMemory, observeAsSearched, remember, rememberWalk, walkedFromMemory, writesNow } from './search-cache.ts';


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
 * word fewest of `sample` (rows a walk just read) match first, and among equals the longest (a
 * longer prefix tends to match fewer rows); null when every word is common. Probing a common word
 * first read SEARCH_KEYS_CAP + 1 of its keys for nothing ("demo sap": demo before sap).
 */
async function rareWordKeys(db: FieldbookDB, words: readonly string[], signal?: AbortSignal, sample: readonly LocalActivity[] = []): Promise<string[] | null> {
  const inSample = (w: string) => sample.reduce((n, r) => n + (matchesAllPrefixes(r.words, [w]) ? 1 : 0), 0);
  const ranked = words.map((w) => ({ w, n: inSample(w) })).sort((a, b) => a.n - b.n || b.w.length - a.w.length);
  for (const { w } of ranked) {
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
  seen?: WalkSeen,
): Promise<{ hits: LocalActivity[]; read: number } | null> {
  let take = Math.min(Math.max(need * 2, 64), budget);
  for (;;) {
    const rows = await order().limit(take).toArray();
    signal?.throwIfAborted();
    const hits = rows.filter(keep);
    if (rows.length < take || hits.length >= need) return { hits, read: rows.length };
    if (take >= budget) {
      if (seen) [seen.read, seen.hits, seen.sample] = [seen.read + rows.length, seen.hits + hits.length, [...seen.sample, ...rows]];
      return null;
    }
    const share = Math.max(hits.length, 1) / rows.length;
    take = Math.min(budget, Math.max(take * 4, Math.ceil((need / share) * 1.25)));
  }
}

/** The index reads that yield the rows in the list's order, one after the other (undated rows aside). */
function orderReads(t: FieldbookDB['activities'], sortBy: SortField, dir: SortDirection, upcomingFrom?: number, user?: string): (() => ActivityCollection)[] {
  const directed = (read: () => ActivityCollection) => (dir === 'desc' ? () => read().reverse() : read);
  return sortBy === 'due_at'
    ? dueReads(t, dir, upcomingFrom, user)
    : sortBy === 'created_at'
      ? [directed(() => t.orderBy('created_at'))]
      : priorityGroups(dir).map((p) => directed(() => priorityRead(t, p)));
}

/**
 * A search answered from a remembered walk read nothing, so in a live query it would never run
 * again: one-key reads of each order index range the walk read (a row moving in the order) and of
 * the word ranges and rows (observeAsSearched) watch what the walk did.
 */
async function observeAsWalked(db: FieldbookDB, c: Criteria, sortBy: SortField, dir: SortDirection, rows: readonly LocalActivity[], upcomingFrom?: number): Promise<void> {
  await Promise.all([
    observeAsSearched(db, c.words ?? [], rows),
    ...orderReads(db.activities, sortBy, dir, upcomingFrom, c.assigned_user_id).map((read) => read().limit(1).primaryKeys()),
  ]);
}

/** What a walk that ran out of budget saw: rows read (in its last, longest read of each order) and matches among them. */
interface WalkSeen { read: number; hits: number; sample: LocalActivity[] }

/**
 * Above this share of matches among the rows a short walk read, every query word is taken to
 * match more than SEARCH_KEYS_CAP rows of 100 000 (3%): probing for a rare word would read
 * SEARCH_KEYS_CAP + 1 keys of each word for nothing, and a longer walk finds the page soon.
 */
const COMMON_SHARE = 0.03;

/** Rows a longer walk is expected to read (at the short walk's share) for the rare-word probe to be skipped. */
const NEAR_WALK_ROWS = 4 * QUICK_WALK_ROWS;

/**
 * The first `need` matches in sort order when every query word is common: rows are read in the
 * sort index's order and filtered in memory, so a page costs about need ÷ (share of matches)
 * rows. Undated rows (in no due index) come last in lid order and are read only when reached.
 * Null when that takes more than `budget` rows (the words are rare together).
 */
async function walkMatches(
  db: FieldbookDB, c: Criteria, sortBy: SortField, dir: SortDirection, need: number, signal?: AbortSignal, budget = Infinity,
  upcomingFrom?: number, seen?: WalkSeen,
): Promise<LocalActivity[] | null> {
  const t = db.activities;
  const keep = (r: LocalActivity) => matches(r, c);
  const reads = orderReads(t, sortBy, dir, upcomingFrom, c.assigned_user_id);
  const out: LocalActivity[] = [];
  let left = budget;
  for (const read of reads) {
    const found = await firstRowsInOrder(read, keep, need - out.length, signal, left, seen);
    if (!found) {
      if (seen) seen.hits += out.length;
      return null;
    }
    left -= found.read;
    if (seen) seen.read += found.read;
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
export async function searchPage(
  db: FieldbookDB, c: Criteria, sortBy: SortField, dir: SortDirection, page: number, perPage: number, nowMs: number, opts: ListOptions,
): Promise<Page<LocalActivity>> {
  const { signal, upcomingFrom: up } = opts;
  signal?.throwIfAborted();
  const start = (page - 1) * perPage;
  const need = start + perPage + 1;
  // Noted before any read: a write during the reads leaves what they found unremembered.
  const writes = await writesNow();
  signal?.throwIfAborted();
  const fromMemory = answeredFromMemory(db, c);
  if (fromMemory) {
    fromMemory.sort(compareActivities(sortBy, dir, up));
    await observeAsSearched(db, c.words ?? [], fromMemory);
    signal?.throwIfAborted();
    return { items: fromMemory.slice(start, start + perPage).map((r) => fresh(r, nowMs)), meta: pageMeta(fromMemory.length, page, perPage) };
  }
  const sorted = (rows: LocalActivity[]) => {
    remember(db, c, rows, writes);
    rows.sort(compareActivities(sortBy, dir, up));
    return { items: rows.slice(start, start + perPage).map((r) => fresh(r, nowMs)), meta: pageMeta(rows.length, page, perPage) };
  };
  if (opts.lazyTotal) {
    const order = `${sortBy} ${dir} ${up ?? ''}`;
    const walked = (hits: LocalActivity[], complete = hits.length < need): Page<LocalActivity> => {
      const items = hits.slice(start, start + perPage).map((r) => fresh(r, nowMs));
      if (complete) return { items, meta: pageMeta(hits.length, page, perPage) };
      return { items, meta: { ...pageMeta(need, page, perPage), total_pending: true } };
    };
    const walkedBefore = walkedFromMemory(db, c, order, need);
    if (walkedBefore) {
      // The rows answered are read again by key: a live query re-runs on a write (optimistically,
      // before the write's transaction is done and the memory hears of it), so the remembered
      // copies may be stale. Any of them changed in what the search sorts or filters on: read the store.
      const shown = walkedBefore.rows.slice(0, need);
      const [now] = await Promise.all([
        db.activities.bulkGet(shown.map((r) => r.lid)),
        observeAsWalked(db, c, sortBy, dir, walkedBefore.rows, up),
      ]);
      signal?.throwIfAborted();
      const same = now.every((r, i) => {
        const was = shown[i];
        return r !== undefined && was !== undefined && r.deleted === 0 && matches(r, c)
          && r.due_ms === was.due_ms && r.created_at === was.created_at && r.priority === was.priority;
      });
      if (same) return walked(now.filter((r): r is LocalActivity => r !== undefined), walkedBefore.complete && shown.length === walkedBefore.rows.length);
    }
    const remembered = (hits: LocalActivity[]) => {
      rememberWalk(db, c, order, hits, hits.length < need, writes);
      return walked(hits);
    };
    const seen: WalkSeen = { read: 0, hits: 0, sample: [] };
    const quick = await walkMatches(db, c, sortBy, dir, need, signal, QUICK_WALK_ROWS, up, seen);
    if (quick) return remembered(quick);
    // The short walk saw many matches: no word is rare, and when the page is near (a few short
    // walks' worth of rows at that share) the longer walk is the way. A deep page is not: there
    // the words' keys cost less than walking to it.
    const common = seen.read > 0 && seen.hits / seen.read >= COMMON_SHARE
      && (need * seen.read) / seen.hits <= NEAR_WALK_ROWS;
    const rare = common ? null : await rareWordKeys(db, c.words ?? [], signal, seen.sample);
    if (rare) {
      const rows = await db.activities.bulkGet(rare);
      signal?.throwIfAborted();
      return sorted(rows.filter((r): r is LocalActivity => r !== undefined && matches(r, c)));
    }
    const long = await walkMatches(db, c, sortBy, dir, need, signal, WALK_ROWS_BUDGET, up);
    if (long) return remembered(long);
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

