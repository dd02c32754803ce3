/**
 * The weekly review's evidence keys (what a row links to, a record's activities by creation time)
 * in a table of their own, `activity_keys`: one small row per activity, same primary key (lid).
 *
 * Why not indexes on `activities` (schema v7 as first shipped): IndexedDB builds a new index
 * inside the upgrade transaction by reading every row, and nothing else can touch the store
 * until it is done; at 100 000 activities in Chromium that held the rep at the start screen for
 * 17–29 s (and an index on a field no row has yet costs the same walk). Creating an empty table
 * costs nothing, so the upgrade only declares it and:
 *
 * - every write to `activities` writes its keys row in the same transaction (the DBCore
 *   middleware below: puts, deletes and clears alike), so rows written after the upgrade are
 *   always in step;
 * - `backfillActivityKeys` fills the rows already there after the store opened: in chunks, each
 *   chunk one transaction with its cursor (a kill loses at most the chunk in flight, and the next
 *   start goes on from the cursor), idempotent (a keys row is a pure function of its activity);
 *   the same walk also adds outcome words to rows written before v8 (rows.ts activityWords);
 * - the queries here answer from the keys table once the backfill is done, and from the older
 *   indexes until then (correct, only slower);
 * - a first sync into an empty store leaves the keys to that same walk (deferKeysOfFirstSync):
 *   a keys row is a fifth of what IndexedDB does per pulled activity (a second put with three
 *   index entries), and nothing reads the keys while the backfill is not done.
 */
import { Dexie, type EntityTable, type DBCore, type DBCoreMutateRequest, type DBCoreTable, type DBCoreTransaction, type Middleware } from 'dexie';
import { activityWords, linkKeys } from './rows.ts';
import type { LocalActivity } from './types.ts';

export const KEYS_TABLE = 'activity_keys';

/** The keys of one activity (same lid), for the indexes `*links` and `[activityable_type+activityable_id+created_at]`. */
export interface ActivityKeysRow {
  lid: string;
  links?: string[];
  activityable_type: string;
  activityable_id: string;
  created_at: string;
}

export const KEYS_SCHEMA = 'lid, *links, [activityable_type+activityable_id+created_at]';

/** sync_meta key of the backfill's state. */
export const BACKFILL_META = 'store.keysBackfill';

export interface BackfillState {
  /** The last lid done (rows are walked in lid order). */
  cursor: string;
  done: boolean;
}

/** A row's keys. Never throws: a row missing fields (an odd write) gets the keys it can have. */
export function keysRow(a: LocalActivity): ActivityKeysRow {
  const row: ActivityKeysRow = { lid: a.lid, activityable_type: a.activityable_type, activityable_id: a.activityable_id, created_at: a.created_at };
  let links: string[] | undefined;
  try {
    links = linkKeys(a);
  } catch {
    links = undefined;
  }
  if (links) row.links = links;
  return row;
}

/** The row's words with its outcome's, or null when they are already there (or cannot be derived). */
function grownWords(row: LocalActivity): string[] | null {
  if (!row.outcome) return null;
  try {
    const words = activityWords(row);
    return words.length !== (row.words?.length ?? 0) ? words : null;
  } catch {
    return null;
  }
}

/** Transactions whose activities writes leave their keys to the backfill (deferKeysOfFirstSync). */
const deferredTransactions = new WeakSet<object>();

/** Whether this IndexedDB transaction can reach the keys table (not in the upgrade steps before it existed). */
function hasKeysTable(trans: DBCoreTransaction): boolean {
  const names = (trans as unknown as IDBTransaction).objectStoreNames;
  return !names || names.contains(KEYS_TABLE);
}

/**
 * Keeps `activity_keys` in step with `activities`: a read-write transaction over activities also
 * takes the keys table, and each mutation of activities is mirrored on it.
 */
export const activityKeysMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'activity-keys',
  create(down) {
    return {
      ...down,
      transaction(stores, mode, options) {
        const scope = mode === 'readwrite' && stores.includes('activities') && !stores.includes(KEYS_TABLE) ? [...stores, KEYS_TABLE] : stores;
        return down.transaction(scope, mode, options);
      },
      table(name) {
        const table = down.table(name);
        if (name !== 'activities') return table;
        const mirrored: DBCoreTable = {
          ...table,
          async mutate(req: DBCoreMutateRequest) {
            if (hasKeysTable(req.trans)) {
              const keys = down.table(KEYS_TABLE);
              if (req.type === 'add' || req.type === 'put') {
                if (deferredTransactions.has(req.trans)) return table.mutate(req);
                await keys.mutate({ type: 'put', trans: req.trans, values: (req.values as LocalActivity[]).map(keysRow) });
              } else if (req.type === 'delete') {
                await keys.mutate({ type: 'delete', trans: req.trans, keys: req.keys });
              } else {
                await keys.mutate({ type: 'deleteRange', trans: req.trans, range: req.range });
              }
            }
            return table.mutate(req);
          },
        };
        return mirrored;
      },
    };
  },
};

/** The tables the helpers below use (FieldbookDB has them; kept structural so db.ts can import this file). */
export interface KeysDb extends Dexie {
  activities: EntityTable<LocalActivity, 'lid'>;
  activity_keys: EntityTable<ActivityKeysRow, 'lid'>;
  sync_meta: EntityTable<{ key: string; value: unknown }, 'key'>;
}

/**
 * Stores (by name) whose keys table was found complete in this context. Forgotten whenever
 * sync_meta changes here or in another context (Dexie's storagemutated, which also carries the
 * sync worker's writes to the UI thread): a first sync may take `done` back (deferKeysOfFirstSync),
 * and the queries must then go back to the older indexes until the backfill is done again.
 */
const readyStores = new Set<string>();

Dexie.on('storagemutated', (parts) => {
  if (!readyStores.size) return;
  for (const part of Object.keys(parts)) {
    const m = /^idb:\/\/(.*)\/sync_meta\//.exec(part);
    if (m?.[1] !== undefined) readyStores.delete(m[1]);
  }
});

/** Whether the keys table holds every row yet (remembered until sync_meta changes). */
export async function keysReady(db: KeysDb): Promise<boolean> {
  if (readyStores.has(db.name)) return true;
  const state = (await db.sync_meta.get(BACKFILL_META))?.value as BackfillState | undefined;
  if (state?.done) readyStores.add(db.name);
  return state?.done === true;
}

/**
 * A first sync into an empty store (pull.ts): true when the store holds no activities, and then the
 * backfill is marked to do from the start, so the queries read the older indexes while the pull
 * writes rows without keys (skipKeysInThisTransaction) and until fillDeferredKeys has walked them.
 */
export async function deferKeysOfFirstSync(db: KeysDb): Promise<boolean> {
  if ((await db.activities.limit(1).primaryKeys()).length > 0) return false;
  await markKeysToDo(db);
  return true;
}

/** Inside a read-write transaction: its activities writes store no keys rows (deferKeysOfFirstSync first). */
export function skipKeysInThisTransaction(): void {
  // The IndexedDB transaction under Dexie's: what the DBCore middleware sees as req.trans.
  const idb = (Dexie.currentTransaction as { idbtrans?: object } | null)?.idbtrans;
  if (idb) deferredTransactions.add(idb);
}

/**
 * After the deferred writes (also when the pull failed part-way): the backfill from the start
 * again (a walker of another connection may have finished before the last of them), run in the
 * background as db.ts runs it. Resolves with its report; never rejects.
 */
export async function fillDeferredKeys(db: KeysDb, opts: BackfillOptions = {}): Promise<BackfillReport> {
  try {
    await markKeysToDo(db);
    return await backfillActivityKeys(db, {
      chunk: 250, pause: () => new Promise<void>((resolve) => { setTimeout(resolve, 20); }), ...opts,
      shouldStop: () => !db.isOpen() || opts.shouldStop?.() === true,
    });
  } catch {
    // The store closed: the next connection's backfill goes on (the state says it is not done).
    return { done: false, rows: 0, chunks: 0, rewritten: 0 };
  }
}

async function markKeysToDo(db: KeysDb): Promise<void> {
  readyStores.delete(db.name);
  await db.sync_meta.put({ key: BACKFILL_META, value: { cursor: '', done: false } satisfies BackfillState });
}

export interface BackfillOptions {
  /** Rows per transaction (default 1 000). */
  chunk?: number;
  /** Checked between chunks: true stops the walk (it resumes from its cursor next time). */
  shouldStop?: () => boolean;
  /** Between chunks, so other transactions (the rep's reads and writes) get their turn. */
  pause?: () => Promise<void>;
}

export interface BackfillReport {
  done: boolean;
  rows: number;
  chunks: number;
  /** Rows whose words grew (outcome words of rows written before v8). */
  rewritten: number;
}

const nextTick = () => new Promise<void>((resolve) => { setTimeout(resolve, 0); });

/** Fills activity_keys for the rows already there; resumable and idempotent (see the header). */
export async function backfillActivityKeys(db: KeysDb, opts: BackfillOptions = {}): Promise<BackfillReport> {
  const chunk = opts.chunk ?? 1000;
  const pause = opts.pause ?? nextTick;
  const report: BackfillReport = { done: false, rows: 0, chunks: 0, rewritten: 0 };
  for (;;) {
    if (opts.shouldStop?.()) return report;
    const finished = await db.transaction('rw', db.activities, db.activity_keys, db.sync_meta, async () => {
      const state = ((await db.sync_meta.get(BACKFILL_META))?.value as BackfillState | undefined) ?? { cursor: '', done: false };
      if (state.done) return true;
      const rows = await (state.cursor ? db.activities.where(':id').above(state.cursor) : db.activities.toCollection()).limit(chunk).toArray();
      const grown: LocalActivity[] = [];
      for (const row of rows) {
        // v8: a row's words include its outcome's (rows written before v8 lack them).
        const words = grownWords(row);
        if (words) grown.push({ ...row, words });
      }
      // Written back through the middleware, which writes their keys rows too.
      if (grown.length) await db.activities.bulkPut(grown);
      const grownLids = new Set(grown.map((r) => r.lid));
      await db.activity_keys.bulkPut(rows.filter((r) => !grownLids.has(r.lid)).map(keysRow));
      const last = rows[rows.length - 1];
      const next: BackfillState = { cursor: last ? last.lid : state.cursor, done: rows.length < chunk };
      await db.sync_meta.put({ key: BACKFILL_META, value: next });
      report.rows += rows.length;
      report.rewritten += grown.length;
      report.chunks++;
      return next.done;
    });
    if (finished) {
      readyStores.add(db.name);
      report.done = true;
      return report;
    }
    await pause();
  }
}

/**
 * Activities that link to any of `keys` (rows.ts linkKeys: follow-up of, prep for, prep tasks by
 * record). Until the backfill is done, by reading every row (correct, slow at 100 000).
 */
export async function activitiesLinkedTo(db: KeysDb, keys: readonly string[]): Promise<LocalActivity[]> {
  if (keys.length === 0) return [];
  if (await keysReady(db)) {
    // One exact read per key, side by side: anyOf() walks a single cursor from key to key, a round
    // trip to the store per step (20 keys took 40–60 ms at 100 000 activities on disk).
    const found = await Promise.all([...new Set(keys)].map((k) => db.activity_keys.where('links').equals(k).primaryKeys()));
    const lids = [...new Set(found.flat())];
    return (await db.activities.bulkGet(lids)).filter((r): r is LocalActivity => r !== undefined);
  }
  const wanted = new Set(keys);
  return db.activities.filter((r) => (linkKeys(r) ?? []).some((k) => wanted.has(k))).toArray();
}

/**
 * The first activity (in lid order) linking to `key` that `accept` takes: evidence that one exists,
 * without reading every row that links to it (a record's prep tasks over the years: hundreds).
 * Until the backfill is done, from activitiesLinkedTo's full read.
 */
export async function firstLinkedTo(db: KeysDb, key: string, accept: (a: LocalActivity) => boolean): Promise<LocalActivity | undefined> {
  if (!(await keysReady(db))) return (await activitiesLinkedTo(db, [key])).find(accept);
  return firstAccepted(db, await db.activity_keys.where('links').equals(key).primaryKeys(), accept);
}

/** The first of these rows (read 25 at a time, in the given order) that `accept` takes. */
async function firstAccepted(db: KeysDb, lids: readonly string[], accept: (a: LocalActivity) => boolean): Promise<LocalActivity | undefined> {
  for (let i = 0; i < lids.length; i += 25) {
    const rows = await db.activities.bulkGet(lids.slice(i, i + 25));
    const hit = rows.find((r): r is LocalActivity => r !== undefined && accept(r));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The first activity on a record created at or after `since` (ISO string compared as stored, as
 * an index on created_at compares it) that `accept` takes, in creation order. Until the backfill
 * is done, from the record's own index ([activityable_type+activityable_id]).
 */
export async function firstOnRecordSince(
  db: KeysDb, type: string, id: string, since: string, accept: (a: LocalActivity) => boolean,
): Promise<LocalActivity | undefined> {
  if (await keysReady(db)) {
    return firstAccepted(db, await db.activity_keys.where('[activityable_type+activityable_id+created_at]')
      .between([type, id, since], [type, id, Dexie.maxKey]).primaryKeys(), accept);
  }
  const rows = await db.activities.where('[activityable_type+activityable_id]').equals([type, id])
    .filter((r) => r.created_at >= since && accept(r)).toArray();
  return rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.lid < b.lid ? -1 : 1))[0];
}
