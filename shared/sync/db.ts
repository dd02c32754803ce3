/**
 * The local store (Dexie over IndexedDB). Every schema change is a new version with its own
 * upgrade test (shared/sync/db.test.ts).
 */
import { Dexie, type EntityTable, type DexieOptions } from 'dexie';
import type {
  ConflictRecord, DirectoryEntity, EntityIdRow, EntityOp, LocalActivity, OutboxOp, ReminderRow, SyncMetaRow,
} from './types.ts';
import { activityWords, completedMs, linkKeys } from './rows.ts';

export class FieldbookDB extends Dexie {
  activities!: EntityTable<LocalActivity, 'lid'>;
  outbox!: EntityTable<OutboxOp, 'seq'>;
  entities!: Dexie.Table<DirectoryEntity, [string, string]>;
  conflicts!: EntityTable<ConflictRecord, 'id'>;
  sync_meta!: EntityTable<SyncMetaRow, 'key'>;
  reminders!: EntityTable<ReminderRow, 'key'>;
  entity_outbox!: EntityTable<EntityOp, 'seq'>;
  entity_ids!: EntityTable<EntityIdRow, 'local_id'>;

  constructor(name = 'fieldbook', options?: DexieOptions) {
    super(name, options);
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
      .stores({
        activities:
          'lid, server_id, status, type, priority, sync, due_ms, completed_ms, created_at, updated_at, assigned_user_id, deleted, ' +
          '[open+due_ms], [assigned_user_id+due_ms], [assigned_user_id+open+due_ms], [activityable_type+activityable_id], ' +
          '[activityable_type+activityable_id+due_ms], *words',
      })
      .upgrade((tx) => tx.table<LocalActivity, string>('activities').where('status').equals('completed').modify((row) => {
        const ms = completedMs(row.completed_at);
        if (ms !== undefined) row.completed_ms = ms;
      }));
    // v7: the weekly review's evidence found by key rather than by reading whole records: what a
    // row links to (*links: follow-up of, prep for, prep tasks by record; rows.ts linkKeys) and a
    // record's activities by creation time (a follow-up is one created after the completion).
    this.version(7)
      .stores({
        activities:
          'lid, server_id, status, type, priority, sync, due_ms, completed_ms, created_at, updated_at, assigned_user_id, deleted, ' +
          '[open+due_ms], [assigned_user_id+due_ms], [assigned_user_id+open+due_ms], [activityable_type+activityable_id], ' +
          '[activityable_type+activityable_id+due_ms], [activityable_type+activityable_id+created_at], *words, *links',
      })
      // One cursor walk (no copy of each row, as modify() makes) and one write of the rows that
      // get links, a few percent of them; IndexedDB builds the compound index by itself.
      .upgrade(async (tx) => {
        const table = tx.table<LocalActivity, string>('activities');
        const linked: LocalActivity[] = [];
        await table.each((row) => {
          const keys = linkKeys(row);
          if (keys) linked.push({ ...row, links: keys });
        });
        await table.bulkPut(linked);
      });
    // v8: a row's words include its outcome's (search finds what was noted at completion). No
    // index changes, so IndexedDB rebuilds nothing: one cursor walk, and only rows whose outcome
    // adds words are written back (rows without an outcome, most of them, are left as they are).
    this.version(8).upgrade(async (tx) => {
      const table = tx.table<LocalActivity, string>('activities');
      const grown: LocalActivity[] = [];
      await table.each((row) => {
        if (!row.outcome) return;
        const words = activityWords(row);
        if (words.length !== row.words.length) grown.push({ ...row, words });
      });
      await table.bulkPut(grown);
    });
  }
}

export function openDatabase(name?: string, options?: DexieOptions): FieldbookDB {
  return new FieldbookDB(name, options);
}
