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

/** The write count a search notes before it reads (undefined: writes are not watched, nothing is remembered). */
export function writesNow(): number | undefined {
  return writesSeen;
}

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
