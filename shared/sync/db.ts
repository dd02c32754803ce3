/**
 * The local store (Dexie over IndexedDB). Every schema change is a new version with its own
 * upgrade test (shared/sync/db.test.ts).
 */
import { Dexie, type EntityTable, type DexieOptions } from 'dexie';
import type {
  ConflictRecord, DirectoryEntity, EntityIdRow, EntityOp, LocalActivity, OutboxOp, ReminderRow, SyncMetaRow,
} from './types.ts';
import { completedMs } from './rows.ts';
import {
  activityKeysMiddleware, backfillActivityKeys, BACKFILL_META, KEYS_SCHEMA, KEYS_TABLE,
  type ActivityKeysRow, type BackfillOptions, type BackfillReport, type BackfillState,
} from './activity-keys.ts';
import type { CalendarBusyRow, CalendarLink, CalendarOp } from '../caldav/types.ts';

/** The activities indexes since v6 (v7 as first shipped added two; v9 drops them again: activity-keys.ts). */
const V6_ACTIVITIES =
  'lid, server_id, status, type, priority, sync, due_ms, completed_ms, created_at, updated_at, assigned_user_id, deleted, ' +
  '[open+due_ms], [assigned_user_id+due_ms], [assigned_user_id+open+due_ms], [activityable_type+activityable_id], ' +
  '[activityable_type+activityable_id+due_ms], *words';

export class FieldbookDB extends Dexie {
  activities!: EntityTable<LocalActivity, 'lid'>;
  outbox!: EntityTable<OutboxOp, 'seq'>;
  entities!: Dexie.Table<DirectoryEntity, [string, string]>;
  conflicts!: EntityTable<ConflictRecord, 'id'>;
  sync_meta!: EntityTable<SyncMetaRow, 'key'>;
  reminders!: EntityTable<ReminderRow, 'key'>;
  entity_outbox!: EntityTable<EntityOp, 'seq'>;
  entity_ids!: EntityTable<EntityIdRow, 'local_id'>;
  activity_keys!: EntityTable<ActivityKeysRow, 'lid'>;
  calendar_outbox!: EntityTable<CalendarOp, 'seq'>;
  calendar_links!: EntityTable<CalendarLink, 'key'>;
  calendar_busy!: EntityTable<CalendarBusyRow, 'href'>;
  private backfilling: Promise<BackfillReport> | null = null;

  constructor(name = 'fieldbook', options?: FieldbookDBOptions) {
    const { backfill = 'auto', ...dexieOptions } = options ?? {};
    super(name, dexieOptions);
    // v1: activities, outbox, entities, conflicts, sync meta.
    this.version(1).stores({
      activities:
        'lid, server_id, status, type, priority, sync, due_ms, created_at, updated_at, ' +
        '[open+due_ms], [assigned_user_id+due_ms], [activityable_type+activityable_id], *words',
      outbox: '++seq, &op_id, lid, [lid+seq], state, bulk_group',
      entities: '[type+id], type, name, *words',
      conflicts: 'id, lid',
      sync_meta: 'key',
    });
    // v2: reminder bookkeeping; per-entity lists ordered by due time.
    this.version(2)
      .stores({
        activities:
          'lid, server_id, status, type, priority, sync, due_ms, created_at, updated_at, ' +
          '[open+due_ms], [assigned_user_id+due_ms], [activityable_type+activityable_id+due_ms], *words',
        reminders: 'key, lid',
      });
    // v3: indexes for lists that must include undated activities (compound indexes skip rows
    // without due_ms) and for finding local deletes quickly: per-assignee, per-entity, deleted.
    this.version(3).stores({
      activities:
        'lid, server_id, status, type, priority, sync, due_ms, created_at, updated_at, assigned_user_id, deleted, ' +
        '[open+due_ms], [assigned_user_id+due_ms], [activityable_type+activityable_id], ' +
        '[activityable_type+activityable_id+due_ms], *words',
    });
    // v4: queued writes of directory records (opportunity create, opportunity/customer update)
    // and the server ids of records created here.
    this.version(4).stores({
      entity_outbox: '++seq, &op_id, [type+entity_id], state',
      entity_ids: 'local_id, server_id',
    });
    // v5: the rep's overdue queue as one exact range (open rows of one assignee by due time);
    // with [assigned_user_id+due_ms] it read every done activity of theirs too.
    this.version(5).stores({
      activities:
        'lid, server_id, status, type, priority, sync, due_ms, created_at, updated_at, assigned_user_id, deleted, ' +
        '[open+due_ms], [assigned_user_id+due_ms], [assigned_user_id+open+due_ms], [activityable_type+activityable_id], ' +
        '[activityable_type+activityable_id+due_ms], *words',
    });
    // v6: completions by time, for Billable's date range (which otherwise read every completion
    // ever) and the weekly review's completions this week.
    this.version(6)
      .stores({ activities: V6_ACTIVITIES })
      .upgrade((tx) => tx.table<LocalActivity, string>('activities').where('status').equals('completed').modify((row) => {
        const ms = completedMs(row.completed_at);
        if (ms !== undefined) row.completed_ms = ms;
      }));
    // v7: the weekly review's evidence found by key rather than by reading whole records: what a
    // row links to (follow-up of, prep for, prep tasks by record; rows.ts linkKeys) and a record's
    // activities by creation time, in a table of their own (activity-keys.ts). As first shipped,
    // v7 put those two indexes on activities, and IndexedDB built them inside the upgrade by
    // reading every row (17–29 s at 100 000 before the app could open); an empty table costs
    // nothing, a middleware keeps it in step with every write, and backfillActivityKeys fills it
    // for the rows already there after the store opened.
    this.version(7).stores({ [KEYS_TABLE]: KEYS_SCHEMA });
    // v8: a row's words include its outcome's (search finds what was noted at completion). No
    // schema change; the rows written before it get their outcome words from the same background
    // walk (activity-keys.ts), not from a walk inside the upgrade.
    this.version(8).stores({});
    // v9: the store as v7 first shipped it (the two indexes on activities, words grown in the
    // upgrade) comes to the same schema as the rest: the indexes are dropped (cheap; no row is
    // read) and activity_keys is created and filled in the background.
    this.version(9).stores({ activities: V6_ACTIVITIES });
    // v10: the CalDAV calendar sync (issue #14, shared/caldav/types.ts): its outbox (ops per key,
    // an activity's lid or series:<id>), which resource holds which key (unique href), and the
    // account's other events as busy time by start. New empty tables: nothing is read.
    this.version(10).stores({
      calendar_outbox: '++seq, &op_id, key, [key+seq], state',
      calendar_links: 'key, &href',
      calendar_busy: 'href, start_ms',
    });
    this.use(activityKeysMiddleware);
    // A new store has nothing to fill.
    this.on('populate', (tx) => tx.table('sync_meta').put({ key: BACKFILL_META, value: { cursor: '', done: true } satisfies BackfillState }));
    // What an upgrade left to fill, filled once open (outside the open itself, which it must not hold).
    if (backfill === 'auto') this.on('ready', () => { setTimeout(() => { void this.backfill(); }, 0); });
  }

  /**
   * Fill what the upgrades left to the background (activity-keys.ts). Started once per connection
   * (a second call shares the first's run); resolves with what it did and never rejects: a store
   * closed mid-way goes on from its cursor at the next start.
   */
  backfill(opts?: BackfillOptions): Promise<BackfillReport> {
    // Small chunks with a breath between them: the rep's reads wait behind at most one chunk.
    const pause = () => new Promise<void>((resolve) => { setTimeout(resolve, 20); });
    this.backfilling ??= backfillActivityKeys(this, { chunk: 250, pause, ...opts, shouldStop: () => !this.isOpen() || opts?.shouldStop?.() === true })
      .catch((): BackfillReport => ({ done: false, rows: 0, chunks: 0, rewritten: 0 }));
    return this.backfilling;
  }
}

export interface FieldbookDBOptions extends DexieOptions {
  /**
   * 'auto' (default): every connection, once open, goes on with what an upgrade left to the
   * background (backfill(); connections share the work chunk by chunk, each chunk reading the
   * cursor in its own transaction). 'manual': only when backfill() is called (tests).
   */
  backfill?: 'auto' | 'manual';
}

export function openDatabase(name?: string, options?: FieldbookDBOptions): FieldbookDB {
  return new FieldbookDB(name, options);
}
