/**
 * The search engine's memory: the last search whose every match was read, per store, and what
 * tells it that the store changed. Nothing is installed on import: whoever opens the store for
 * the UI calls watchStoreWrites() once; until then no search is answered from memory.
 */
import { Dexie } from 'dexie';
import type { FieldbookDB } from '../db.ts';
import type { LocalActivity } from '../types.ts';
import { matches, wordRange, type Criteria } from './criteria.ts';

/**
 * The last search whose every match was read (a rare word's rows, filtered), per store. The rep's
 * next key usually narrows it ("demo sap" → "demo sap i"): every match of the narrower search is
 * among these rows, so it is answered from memory without reading the store. Any write to the
 * store (here or from another context: Dexie tells every context) makes it unusable.
 */
interface KnownMatches { c: Criteria; rows: LocalActivity[]; writes: number }
const knownMatches = new WeakMap<FieldbookDB, KnownMatches>();
/** Writes Dexie reported since watchStoreWrites; undefined until it is called. */
let writesSeen: number | undefined;

/**
 * Counts every write to any store from now on (Dexie's storagemutated, which reaches other
 * contexts too), so a remembered search knows when it went stale. Called once by whoever opens
 * the store for the UI; calling it again does nothing. Without it, searches always read the store.
 */
export function watchStoreWrites(): void {
  if (writesSeen !== undefined) return;
  writesSeen = 0;
  Dexie.on('storagemutated', () => { writesSeen = (writesSeen ?? 0) + 1; });
}

/**
 * The write count a search notes before it reads (undefined: writes are not watched, nothing is
 * remembered), one turn after it was asked. A live query re-runs inside Dexie's change notice, and
 * Dexie calls the newest listener first: every view's live query runs before the counter above
 * hears of the write that woke it, and would take the remembered answer from before that write
 * (a pulled match never shown). Awaited through Dexie's promise, so the live query's zone (what it
 * watches) is kept.
 */
export function writesNow(): PromiseLike<number | undefined> {
  return Dexie.Promise.resolve().then(() => writesSeen);
}

/** The write count now (undefined: writes are not watched), for a memory checked synchronously as a view opens. */
export function writesSoFar(): number | undefined {
  return writesSeen;
}

/**
 * The first matches of the last search answered by a walk in sort order (search.ts walkMatches),
 * per store: every match of `c` in that order up to the last of `rows` (all of them when
 * `complete`). The rep's next key narrows it ("kickoff i" → "kickoff im"): the narrower search's
 * first matches in the same order are among these rows, as long as enough of them still match.
 */
interface WalkedMatches { c: Criteria; order: string; rows: LocalActivity[]; complete: boolean; writes: number }
const walkedMatches = new WeakMap<FieldbookDB, WalkedMatches>();

/** Drops the remembered matches (tests that count reads start from a cold store). */
export function forgetKnownMatches(db: FieldbookDB): void {
  knownMatches.delete(db);
  walkedMatches.delete(db);
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
export async function observeAsSearched(db: FieldbookDB, words: readonly string[], rows: readonly LocalActivity[]): Promise<void> {
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
 * Every match of `c` when the remembered search is wider and nothing was written since; they are
 * remembered in turn (unsorted: the caller sorts them for its page).
 */
export function answeredFromMemory(db: FieldbookDB, c: Criteria): LocalActivity[] | undefined {
  const known = knownMatches.get(db);
  if (!known || writesSeen === undefined || known.writes !== writesSeen || !narrows(c, known.c)) return undefined;
  const rows = known.rows.filter((r) => matches(r, c));
  knownMatches.set(db, { c, rows, writes: known.writes });
  return rows;
}

/** Remembers every match of `c`, read when the write count was `writes` (writesNow before the reads). */
export function remember(db: FieldbookDB, c: Criteria, rows: LocalActivity[], writes: number | undefined): void {
  if (writes === undefined) return;
  knownMatches.set(db, { c, rows, writes });
}

/**
 * Remembers the first matches of `c` a walk found in `order` (a key naming the sort, direction and
 * upcoming split): every match up to the last of `rows`, all matches when `complete`.
 */
export function rememberWalk(db: FieldbookDB, c: Criteria, order: string, rows: LocalActivity[], complete: boolean, writes: number | undefined): void {
  if (writes === undefined) return;
  walkedMatches.set(db, { c, order, rows, complete, writes });
}

/**
 * The first matches of `c` in `order` from the remembered walk of a wider search, when nothing was
 * written since and at least `need` of them still match (or the walk saw every match). In order;
 * `complete`: they are every match. Remembered in turn, so the next key narrows from these.
 */
export function walkedFromMemory(db: FieldbookDB, c: Criteria, order: string, need: number): { rows: LocalActivity[]; complete: boolean } | undefined {
  const known = walkedMatches.get(db);
  if (!known || writesSeen === undefined || known.writes !== writesSeen || known.order !== order || !narrows(c, known.c)) return undefined;
  const rows = known.rows.filter((r) => matches(r, c));
  if (!known.complete && rows.length < need) return undefined;
  walkedMatches.set(db, { c, order, rows, complete: known.complete, writes: known.writes });
  return { rows, complete: known.complete };
}
