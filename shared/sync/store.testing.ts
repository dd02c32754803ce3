/**
 * Test fixtures for the local store: a fresh database per test and full activity records.
 * Used only by *.test.ts (and benches); nothing in the app imports it.
 */
import { Dexie, type DBCore, type DexieOptions } from 'dexie';
import type { Activity } from '../domain/index.ts';
import { FieldbookDB } from './db.ts';
import { toLocalRow } from './rows.ts';
import type { LocalActivity, SyncState } from './types.ts';

let dbCounter = 0;

/** A database no other test uses (IndexedDB is shared within a test file's process). */
export function freshDb(label = 'test', options?: DexieOptions): FieldbookDB {
  dbCounter += 1;
  return new FieldbookDB(`${label}-${dbCounter}-${Math.random().toString(36).slice(2)}`, options);
}

/**
 * Each schema version's table changes exactly as it shipped in db.ts, v1 to v7: upgrade tests and
 * the upgrade bench write a store the way an older app did. Never edit a shipped entry.
 */
const SHIPPED_STORES: readonly Record<string, string>[] = [
  {
    activities:
      'lid, server_id, status, type, priority, sync, due_ms, created_at, updated_at, ' +
      '[open+due_ms], [assigned_user_id+due_ms], [activityable_type+activityable_id], *words',
    outbox: '++seq, &op_id, lid, [lid+seq], state, bulk_group',
    entities: '[type+id], type, name, *words',
    conflicts: 'id, lid',
    sync_meta: 'key',
  },
  {
    activities:
      'lid, server_id, status, type, priority, sync, due_ms, created_at, updated_at, ' +
      '[open+due_ms], [assigned_user_id+due_ms], [activityable_type+activityable_id+due_ms], *words',
    reminders: 'key, lid',
  },
  {
    activities:
      'lid, server_id, status, type, priority, sync, due_ms, created_at, updated_at, assigned_user_id, deleted, ' +
      '[open+due_ms], [assigned_user_id+due_ms], [activityable_type+activityable_id], ' +
      '[activityable_type+activityable_id+due_ms], *words',
  },
  { entity_outbox: '++seq, &op_id, [type+entity_id], state', entity_ids: 'local_id, server_id' },
  {
    activities:
      'lid, server_id, status, type, priority, sync, due_ms, created_at, updated_at, assigned_user_id, deleted, ' +
      '[open+due_ms], [assigned_user_id+due_ms], [assigned_user_id+open+due_ms], [activityable_type+activityable_id], ' +
      '[activityable_type+activityable_id+due_ms], *words',
  },
  {
    activities:
      'lid, server_id, status, type, priority, sync, due_ms, completed_ms, created_at, updated_at, assigned_user_id, deleted, ' +
      '[open+due_ms], [assigned_user_id+due_ms], [assigned_user_id+open+due_ms], [activityable_type+activityable_id], ' +
      '[activityable_type+activityable_id+due_ms], *words',
  },
  {
    activities:
      'lid, server_id, status, type, priority, sync, due_ms, completed_ms, created_at, updated_at, assigned_user_id, deleted, ' +
      '[open+due_ms], [assigned_user_id+due_ms], [assigned_user_id+open+due_ms], [activityable_type+activityable_id], ' +
      '[activityable_type+activityable_id+due_ms], [activityable_type+activityable_id+created_at], *words, *links',
  },
];

/** A raw Dexie database declared as `version` shipped (its tables and indexes, none of the app's upgrade code). */
export function shippedSchemaDb(name: string, version: number): Dexie {
  if (version < 1 || version > SHIPPED_STORES.length) throw new RangeError(`No shipped schema v${version}`);
  const db = new Dexie(name);
  SHIPPED_STORES.slice(0, version).forEach((stores, i) => db.version(i + 1).stores(stores));
  return db;
}

/** What the store was asked for on the activities table, recorded by recordReads. */
export interface ReadLog {
  /** Index queries, with or without row values ('' = the primary key). */
  queries: { index: string; values: boolean }[];
  /** Rows (or keys) those queries returned. */
  rowsReturned: number;
  /** Rows fetched by primary key. */
  rowsByKey: number;
  /** Native counts: on disk each walks its whole range. */
  counts: number;
  /** Steps cursor walks took (the keys handed to them). */
  steps: number;
  onQuery?: () => void;
  onCursor?: () => void;
}

/** Records the activities table's reads with a DBCore middleware; call before the database opens. */
export function recordReads(db: FieldbookDB): ReadLog {
  const log: ReadLog = { queries: [], rowsReturned: 0, rowsByKey: 0, counts: 0, steps: 0 };
  db.use({
    stack: 'dbcore',
    name: 'record-reads',
    create: (down: DBCore): DBCore => ({
      ...down,
      table: (name) => {
        const t = down.table(name);
        if (name !== 'activities') return t;
        return {
          ...t,
          query: async (req) => {
            log.queries.push({ index: req.query.index.name ?? '', values: !!req.values });
            log.onQuery?.();
            const res = await t.query(req);
            log.rowsReturned += res.result.length;
            return res;
          },
          getMany: (req) => ((log.rowsByKey += req.keys.length), t.getMany(req)),
          count: (req) => (log.counts++, t.count(req)),
          openCursor: async (req) => {
            log.onCursor?.();
            const cursor = await t.openCursor(req);
            if (!cursor) return cursor;
            const start = cursor.start.bind(cursor);
            return Object.assign(Object.create(cursor) as typeof cursor, {
              start: (onNext: () => void) => start(() => { log.steps++; onNext(); }),
            });
          },
        };
      },
    }),
  });
  return log;
}

/** Sequential ids that sort in creation order, like ULIDs do. */
export function sequentialIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}${String(n++).padStart(6, '0')}`;
}

/** A complete server record with the guide's defaults; override what the test cares about. */
export function serverActivity(overrides: Partial<Activity> = {}): Activity {
  return {
    id: 'srv-1',
    type: 'call',
    status: 'pending',
    priority: 'medium',
    subject: 'Follow-up call',
    description: null,
    activityable_type: 'customer',
    activityable_id: 'cus-1',
    contact_id: null,
    assigned_user_id: 'u-1',
    due_at: '2025-12-20T14:00:00Z',
    duration_minutes: 30,
    location: null,
    reminder_at: '2025-12-20T13:45:00Z',
    follow_up_required: false,
    follow_up_date: null,
    is_overdue: false,
    is_billable: false,
    billable_rate: null,
    tags: [],
    custom_fields: {},
    outcome: null,
    completed_at: null,
    cancelled_at: null,
    cancellation_reason: null,
    previous_due_at: null,
    rescheduled_count: 0,
    created_at: '2025-12-01T09:00:00Z',
    updated_at: '2025-12-01T09:00:00Z',
    ...overrides,
  };
}

/** Store a server record as a synced row (base = the record), as a pull would. */
export async function seedSynced(db: FieldbookDB, lid: string, overrides: Partial<Activity> = {}, sync: SyncState = 'synced'): Promise<LocalActivity> {
  const a = serverActivity({ id: `srv-${lid}`, ...overrides });
  const row = toLocalRow(a, { lid, base: a, sync });
  await db.activities.put(row);
  return row;
}

/** Everything in the activities and outbox tables, for "nothing was written" checks. */
export async function snapshot(db: FieldbookDB): Promise<{ activities: LocalActivity[]; outbox: unknown[] }> {
  return db.transaction('r', db.activities, db.outbox, async () => ({
    activities: await db.activities.toArray(),
    outbox: await db.outbox.toArray(),
  }));
}
