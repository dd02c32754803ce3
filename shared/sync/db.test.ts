/**
 * One test per schema version upgrade: a database written by an older version (raw Dexie
 * declared exactly as that version shipped, store.testing's shippedSchemaDb) opens with
 * FieldbookDB, keeps its data, and the newer indexes and tables work on the old rows.
 */
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { activitiesLinkedTo, backfillActivityKeys, firstOnRecordSince, KEYS_SCHEMA, KEYS_TABLE, keysReady } from './activity-keys.ts';
import { FieldbookDB } from './db.ts';
import { toLocalRow } from './rows.ts';
import { serverActivity, shippedSchemaDb } from './store.testing.ts';
import { wordsOf } from './words.ts';
import type { ConflictRecord, DirectoryEntity, EntityOp, LocalActivity, OutboxOp } from './types.ts';

const dated = toLocalRow(serverActivity({ id: 's1', subject: 'Pricing call', activityable_type: 'lead', activityable_id: 'lead-7', assigned_user_id: 'u-9' }), {
  lid: 'L1', base: null, sync: 'synced',
});
const undated = toLocalRow(serverActivity({ id: 's2', subject: 'Undated task', type: 'task', due_at: null, reminder_at: null, activityable_type: 'lead', activityable_id: 'lead-7', assigned_user_id: 'u-9' }), {
  lid: 'L2', base: null, sync: 'pending', deleted: 1,
});
/** A fresh object each time: Dexie writes the auto-incremented seq back into what it adds. */
const makeOp = (opId = 'op-1'): OutboxOp => ({
  op_id: opId, lid: 'L2', kind: 'delete', payload: {}, base: null, attempts: 2, next_attempt_at: 5, last_error: 'offline', state: 'queued', created_at: 1,
});
const entity: DirectoryEntity = { type: 'lead', id: 'lead-7', name: 'Acme Widgets', words: ['acme', 'widgets'] };
const conflict: ConflictRecord = { id: 'c1', lid: 'L1', kind: 'field', field: 'subject', base: 'a', local: 'b', remote: 'c', created_at: 3 };

const names: string[] = [];
function dbName(label: string): string {
  const name = `${label}-${names.length}-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
}
afterEach(async () => {
  await Promise.all(names.splice(0).map((n) => Dexie.delete(n)));
});

const entityOp = (opId = 'eop-1', entityId = 'fb-local-1'): EntityOp => ({
  op_id: opId, type: 'opportunity', entity_id: entityId, kind: 'create', payload: { name: 'Expansion', customer_id: 'cus-1' },
  attempts: 0, next_attempt_at: 0, last_error: null, state: 'queued', created_at: 1,
});

/** v4: the entity outbox (ordered, unique op ids, per-record index) and the local → server id map. */
async function expectEntityTablesWork(db: FieldbookDB): Promise<void> {
  await db.entity_outbox.add(entityOp('eop-1'));
  await db.entity_outbox.add({ ...entityOp('eop-2'), kind: 'update', payload: { value: 1 } });
  await db.entity_outbox.add({ ...entityOp('eop-3', 'cus-1'), type: 'customer', kind: 'update', payload: { status: 'at_risk' } });
  await expect(db.entity_outbox.add(entityOp('eop-1'))).rejects.toMatchObject({ name: 'ConstraintError' });
  expect((await db.entity_outbox.where('[type+entity_id]').equals(['opportunity', 'fb-local-1']).toArray()).map((o) => o.op_id)).toEqual(['eop-1', 'eop-2']);
  expect(await db.entity_outbox.where('state').equals('queued').count()).toBe(3);
  await db.entity_ids.put({ local_id: 'fb-local-1', type: 'opportunity', server_id: 'opp-9' });
  expect((await db.entity_ids.where('server_id').equals('opp-9').first())?.local_id).toBe('fb-local-1');
}

/** What every version must still hold after the upgrade, and the v3 indexes over it. */
async function expectCurrentSchemaWorks(db: FieldbookDB): Promise<void> {
  expect(db.verno).toBe(10);
  expect(await db.activities.get('L1')).toEqual(dated);
  // v5: one assignee's open rows by due time (L2 is undated, so in no due index).
  expect(await db.activities.where('[assigned_user_id+open+due_ms]').between(['u-9', 1, -Infinity], ['u-9', 1, Infinity]).primaryKeys()).toEqual(['L1']);
  expect(await db.activities.get('L2')).toEqual(undated);
  // v3: per-assignee and per-entity lists include undated rows; local deletes are findable.
  expect((await db.activities.where('assigned_user_id').equals('u-9').primaryKeys()).sort()).toEqual(['L1', 'L2']);
  expect((await db.activities.where('[activityable_type+activityable_id]').equals(['lead', 'lead-7']).primaryKeys()).sort()).toEqual(['L1', 'L2']);
  expect(await db.activities.where('deleted').equals(1).primaryKeys()).toEqual(['L2']);
  // v2: per-entity by due time (dated rows only) and the reminders table.
  expect(await db.activities.where('[activityable_type+activityable_id+due_ms]')
    .between(['lead', 'lead-7', -Infinity], ['lead', 'lead-7', Infinity]).primaryKeys()).toEqual(['L1']);
  await db.reminders.put({ key: 'L1|2025-12-20T13:45:00Z', lid: 'L1', fired_at: 10 });
  expect(await db.reminders.where('lid').equals('L1').primaryKeys()).toContain('L1|2025-12-20T13:45:00Z');
  // v1 indexes still there.
  expect(await db.activities.where('[open+due_ms]').between([1, -Infinity], [1, Infinity]).primaryKeys()).toEqual(['L1']);
  expect(await db.activities.where('words').startsWith('pric').primaryKeys()).toEqual(['L1']);
}

/** What the weekly review asks of the keys, on the rows of the v6 test below. */
async function reviewAnswers(db: FieldbookDB) {
  return {
    linkedToS1: (await activitiesLinkedTo(db, ['s1'])).map((a) => a.lid),
    prepTasks: (await activitiesLinkedTo(db, ['prep:lead:lead-8'])).map((a) => a.lid).sort(),
    firstSince: (await firstOnRecordSince(db, 'lead', 'lead-8', '2025-12-20T00:00:00Z', () => true))?.lid,
    firstOfAll: (await firstOnRecordSince(db, 'lead', 'lead-8', '', (a) => a.lid !== 'L2'))?.lid,
  };
}

describe('schema upgrades', () => {
  it('v1 → current: data survives; v2 and v3 indexes and the reminders table work', async () => {
    const name = dbName('v1');
    const old = shippedSchemaDb(name, 1);
    await old.open();
    await old.table<LocalActivity, string>('activities').bulkPut([dated, undated]);
    await old.table('outbox').add(makeOp());
    await old.table('entities').put(entity);
    await old.table('conflicts').put(conflict);
    await old.table('sync_meta').put({ key: 'last_pull', value: '2025-12-01T00:00:00Z' });
    old.close();

    const db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    try {
      await expectCurrentSchemaWorks(db);
      expect(await db.outbox.where('op_id').equals('op-1').first()).toEqual({ ...makeOp(), seq: 1 });
      expect(await db.entities.get(['lead', 'lead-7'])).toEqual(entity);
      expect(await db.conflicts.where('lid').equals('L1').toArray()).toEqual([conflict]);
      expect(await db.sync_meta.get('last_pull')).toEqual({ key: 'last_pull', value: '2025-12-01T00:00:00Z' });
      // The auto-increment keeps counting after the old rows.
      expect(await db.outbox.add(makeOp('op-2'))).toBe(2);
    } finally {
      db.close();
    }
  });

  it('v2 → current: data and reminders survive; v3 indexes work on old rows', async () => {
    const name = dbName('v2');
    const old = shippedSchemaDb(name, 2);
    await old.open();
    await old.table<LocalActivity, string>('activities').bulkPut([dated, undated]);
    await old.table('reminders').put({ key: 'L1|x', lid: 'L1', snoozed_until: 99 });
    await old.table('outbox').add(makeOp());
    old.close();

    const db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    try {
      expect(await db.reminders.get('L1|x')).toEqual({ key: 'L1|x', lid: 'L1', snoozed_until: 99 });
      await expectCurrentSchemaWorks(db);
      expect(await db.outbox.count()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('v3 → v4: every row survives; the entity outbox and id map tables work', async () => {
    const name = dbName('v3');
    const old = shippedSchemaDb(name, 3);
    await old.open();
    await old.table<LocalActivity, string>('activities').bulkPut([dated, undated]);
    await old.table('outbox').add(makeOp());
    await old.table('entities').put(entity);
    await old.table('reminders').put({ key: 'L1|x', lid: 'L1', fired_at: 4 });
    old.close();

    const db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    try {
      await expectCurrentSchemaWorks(db);
      expect(await db.entities.get(['lead', 'lead-7'])).toEqual(entity);
      expect(await db.outbox.count()).toBe(1);
      expect(await db.reminders.get('L1|x')).toEqual({ key: 'L1|x', lid: 'L1', fired_at: 4 });
      expect(await db.entity_outbox.count()).toBe(0);
      await expectEntityTablesWork(db);
    } finally {
      db.close();
    }
  });

  it('v4 → v5: every row, queued op and entity op survives; the rep\'s overdue index covers old rows', async () => {
    const name = dbName('v4');
    const old = shippedSchemaDb(name, 4);
    await old.open();
    const done = toLocalRow(serverActivity({ id: 's3', status: 'completed', completed_at: '2025-12-20T15:00:00Z', assigned_user_id: 'u-8' }), { lid: 'L3', base: null, sync: 'synced' });
    await old.table<LocalActivity, string>('activities').bulkPut([dated, undated, done]);
    await old.table('outbox').add(makeOp());
    await old.table('entity_outbox').add(entityOp('eop-9'));
    old.close();

    const db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    try {
      await expectCurrentSchemaWorks(db);
      expect(await db.activities.get('L3')).toEqual(done);
      expect(await db.outbox.count()).toBe(1);
      expect((await db.entity_outbox.toArray()).map((o) => o.op_id)).toEqual(['eop-9']);
      // Rows written before v5 are indexed: u-8's completed L3 is in its done range, not its open one.
      expect(await db.activities.where('[assigned_user_id+open+due_ms]').between(['u-8', 0, -Infinity], ['u-8', 0, Infinity]).primaryKeys()).toEqual(['L3']);
      expect(await db.activities.where('[assigned_user_id+open+due_ms]').between(['u-8', 1, -Infinity], ['u-8', 1, Infinity]).count()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('v5 → v6: completed rows written before get completed_ms, so completions are found by time', async () => {
    const name = dbName('v5');
    const old = shippedSchemaDb(name, 5);
    await old.open();
    // As v5 wrote them: no completed_ms.
    const { completed_ms: _none, ...done } = toLocalRow(serverActivity({ id: 's4', status: 'completed', completed_at: '2025-12-20T15:00:00Z' }), { lid: 'L4', base: null, sync: 'synced' });
    await old.table<LocalActivity, string>('activities').bulkPut([dated, undated, done]);
    await old.table('outbox').add(makeOp());
    old.close();

    const db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    try {
      await expectCurrentSchemaWorks(db);
      expect(await db.activities.get('L4')).toEqual({ ...done, completed_ms: Date.parse('2025-12-20T15:00:00Z') });
      expect(await db.activities.where('completed_ms').between(Date.parse('2025-12-20T00:00:00Z'), Date.parse('2025-12-21T00:00:00Z')).primaryKeys()).toEqual(['L4']);
      // Open rows are left as they were.
      expect(await db.activities.get(dated.lid)).toEqual(dated);
      expect(await db.outbox.count()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('v6 → current: the upgrade reads no row; the keys are filled after opening, and the review queries answer before and after', async () => {
    const name = dbName('v6');
    const old = shippedSchemaDb(name, 6);
    await old.open();
    // As v6 wrote them: no links, and words without the outcome's.
    const asV6 = (a: LocalActivity): LocalActivity => { const { links: _none, ...rest } = a; return { ...rest, words: wordsOf(a.subject, a.description) }; };
    // Undated, so the shared checks of the due-time indexes stay as they are.
    const on = { activityable_type: 'lead', activityable_id: 'lead-8', due_at: null, reminder_at: null } as const;
    const followUp = asV6(toLocalRow(serverActivity({ id: 's5', ...on, created_at: '2025-12-21T09:00:00Z', custom_fields: { follow_up_of: 's1' } }), { lid: 'L5', base: null, sync: 'synced' }));
    const prep = asV6(toLocalRow(serverActivity({ id: 's6', ...on, type: 'task', subject: 'Prep the demo', created_at: '2025-12-19T09:00:00Z' }), { lid: 'L6', base: null, sync: 'synced' }));
    const noted = asV6(toLocalRow(serverActivity({
      id: 's7', ...on, subject: 'Quarterly call', status: 'completed', completed_at: '2025-12-20T15:00:00Z', created_at: '2025-12-18T09:00:00Z',
      outcome: 'Budget approved; wants the Kanban add-on',
    }), { lid: 'L7', base: null, sync: 'synced' }));
    await old.table<LocalActivity, string>('activities').bulkPut([dated, undated, followUp, prep, noted]);
    await old.table('outbox').add(makeOp());
    old.close();

    const db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    try {
      // The upgrade itself wrote no activity row and built no index over them.
      expect(await db.activities.get('L5')).toEqual(followUp);
      expect(await db.activities.get('L7')).toEqual(noted);
      expect(db.activities.schema.indexes.map((i) => i.name)).not.toContain('links');
      expect(await db.activity_keys.count()).toBe(0);
      expect(await keysReady(db)).toBe(false);
      // Until the backfill is done the queries read the older indexes, with the same answers.
      const before = await reviewAnswers(db);
      expect(before).toEqual({ linkedToS1: ['L5'], prepTasks: ['L6'], firstSince: 'L5', firstOfAll: 'L7' });

      const report = await db.backfill({ chunk: 2 });
      expect(report).toMatchObject({ done: true, rows: 5, chunks: 3, rewritten: 1 });
      expect(await keysReady(db)).toBe(true);
      expect(await db.activity_keys.count()).toBe(5);
      expect(await db.activity_keys.where('links').equals('s1').primaryKeys()).toEqual(['L5']);
      expect(await reviewAnswers(db)).toEqual(before);
      // v8's outcome words, for the row that lacked them; the others are left as they were.
      expect(await db.activities.where('words').startsWith('kanban').primaryKeys()).toEqual(['L7']);
      expect(await db.activities.get('L5')).toEqual(followUp);
      await expectCurrentSchemaWorks(db);
      expect(await db.outbox.count()).toBe(1);
      // Done is done: a second run reads nothing.
      expect(await backfillActivityKeys(db)).toMatchObject({ done: true, rows: 0 });
    } finally {
      db.close();
    }
  });

  it('v7 and v8 as first shipped → current: the indexes on activities give way to activity_keys, filled in the background', async () => {
    for (const shipped of [7, 8] as const) {
      const name = dbName(`v${shipped}`);
      const old = shippedSchemaDb(name, 7);
      // v8 shipped no schema change, only rows with their outcome words.
      if (shipped === 8) old.version(8).stores({});
      await old.open();
      const linked = toLocalRow(serverActivity({ id: 's5', activityable_type: 'lead', activityable_id: 'lead-8', due_at: null, reminder_at: null, custom_fields: { follow_up_of: 's1' } }), { lid: 'L5', base: null, sync: 'synced' });
      const noted = toLocalRow(serverActivity({ id: 's7', subject: 'Call', due_at: null, reminder_at: null, outcome: 'Kanban add-on' }), { lid: 'L7', base: null, sync: 'synced' });
      const asShipped = shipped === 7 ? { ...noted, words: ['call'] } : noted;
      await old.table<LocalActivity, string>('activities').bulkPut([dated, undated, linked, asShipped]);
      expect(await old.table('activities').where('links').equals('s1').primaryKeys()).toEqual(['L5']);
      old.close();

      const db = new FieldbookDB(name, { backfill: 'manual' });
      await db.open();
      try {
        expect(db.verno).toBe(10);
        const indexes = db.activities.schema.indexes.map((i) => i.name);
        expect(indexes).not.toContain('links');
        expect(indexes).not.toContain('[activityable_type+activityable_id+created_at]');
        expect(await activitiesLinkedTo(db, ['s1'])).toEqual([linked]);
        expect(await db.backfill()).toMatchObject({ done: true, rows: 4, rewritten: shipped === 7 ? 1 : 0 });
        expect((await activitiesLinkedTo(db, ['s1'])).map((a) => a.lid)).toEqual(['L5']);
        expect(await db.activities.where('words').startsWith('kanban').primaryKeys()).toEqual(['L7']);
        await expectCurrentSchemaWorks(db);
      } finally {
        db.close();
      }
    }
  });

  it('a backfill killed mid-way goes on from its cursor at the next start, and rows the rep writes meanwhile stay right', async () => {
    const name = dbName('kill');
    const old = shippedSchemaDb(name, 6);
    await old.open();
    const rows = Array.from({ length: 9 }, (_, i) => {
      const { links: _none, ...row } = toLocalRow(serverActivity({
        id: `k${i}`, activityable_type: 'lead', activityable_id: 'lead-9', due_at: null, reminder_at: null,
        created_at: `2025-12-1${i}T09:00:00Z`, custom_fields: { follow_up_of: `p${i}` },
      }), { lid: `K${i}`, base: null, sync: 'synced' });
      return row;
    });
    await old.table<LocalActivity, string>('activities').bulkPut(rows);
    old.close();

    let db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    // Killed after two chunks of two: the app closed (or crashed) with the walk under way.
    let chunks = 0;
    const first = await db.backfill({ chunk: 2, pause: () => { if (++chunks === 2) db.close(); return Promise.resolve(); } });
    expect(first.done).toBe(false);
    expect(first.rows).toBe(4);

    db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    try {
      expect(await db.activity_keys.count()).toBe(4);
      // The rep edits a row the walk has not reached, and deletes one it has done, before it resumes.
      await db.activities.update('K7', { custom_fields: { follow_up_of: 'changed' } });
      await db.activities.delete('K1');
      const resumed = await db.backfill({ chunk: 2 });
      // Only the rows after the cursor are read again (K4..K8).
      expect(resumed).toMatchObject({ done: true, rows: 5 });
      expect((await db.activity_keys.toArray()).map((k) => k.lid).sort()).toEqual(['K0', 'K2', 'K3', 'K4', 'K5', 'K6', 'K7', 'K8']);
      expect((await activitiesLinkedTo(db, ['changed', 'p7', 'p1'])).map((a) => a.lid)).toEqual(['K7']);
      expect((await firstOnRecordSince(db, 'lead', 'lead-9', '2025-12-14T00:00:00Z', () => true))?.lid).toBe('K4');
    } finally {
      db.close();
    }
  });

  it('by default a connection goes on with the backfill by itself once open, without holding the open', async () => {
    const name = dbName('auto');
    const old = shippedSchemaDb(name, 6);
    await old.open();
    const { links: _none, ...linked } = toLocalRow(serverActivity({ id: 's5', activityable_type: 'lead', activityable_id: 'lead-8', custom_fields: { follow_up_of: 's1' } }), { lid: 'L5', base: null, sync: 'synced' });
    await old.table<LocalActivity, string>('activities').bulkPut([dated, linked]);
    old.close();
    const db = new FieldbookDB(name);
    await db.open();
    try {
      await vi.waitFor(async () => { expect(await keysReady(db)).toBe(true); }, { timeout: 10_000, interval: 20 });
      expect(await db.activity_keys.count()).toBe(2);
      expect((await activitiesLinkedTo(db, ['s1'])).map((a) => a.lid)).toEqual(['L5']);
    } finally {
      db.close();
    }
  });

  it('every write to activities keeps its keys row in step, in any transaction', async () => {
    const db = new FieldbookDB(dbName('mirror'), { backfill: 'manual' });
    await db.open();
    try {
      const row = (lid: string, link: string | null) => toLocalRow(serverActivity({
        id: lid.toLowerCase(), activityable_type: 'lead', activityable_id: 'lead-1', created_at: '2025-12-01T09:00:00Z', custom_fields: link ? { follow_up_of: link } : {},
      }), { lid, base: null, sync: 'synced' });
      const keysOf = async () => (await db.activity_keys.toArray()).map((k) => `${k.lid}:${(k.links ?? []).join('+')}`).sort();
      await db.activities.add(row('A', 'x'));
      await db.activities.bulkPut([row('B', 'y'), row('C', null)]);
      expect(await keysOf()).toEqual(['A:x', 'B:y', 'C:']);
      await db.activities.update('C', { custom_fields: { follow_up_of: 'z' } });
      await db.activities.where('lid').equals('A').modify((r) => { r.custom_fields = {}; });
      // A transaction that names only activities and the outbox (as the pull and the commands do).
      await db.transaction('rw', db.activities, db.outbox, async () => {
        await db.activities.put(row('D', 'w'));
        await db.activities.delete('B');
      });
      expect(await keysOf()).toEqual(['A:', 'C:z', 'D:w']);
      // A row missing fields (as some tests and old code write them) is stored; it just has no links.
      await db.activities.put({ lid: 'E', subject: 'Odd' } as unknown as LocalActivity);
      expect(await db.activity_keys.get('E')).toEqual({ lid: 'E' });
      await db.activities.clear();
      expect(await db.activity_keys.count()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('v9 → v10: every row and op survives; the calendar outbox, links and busy tables are new, empty and work', async () => {
    const name = dbName('v9');
    const old = shippedSchemaDb(name, 7);
    old.version(8).stores({});
    old.version(9).stores({
      activities:
        'lid, server_id, status, type, priority, sync, due_ms, completed_ms, created_at, updated_at, assigned_user_id, deleted, ' +
        '[open+due_ms], [assigned_user_id+due_ms], [assigned_user_id+open+due_ms], [activityable_type+activityable_id], ' +
        '[activityable_type+activityable_id+due_ms], *words',
      [KEYS_TABLE]: KEYS_SCHEMA,
    });
    await old.open();
    await old.table('activities').bulkPut([dated, undated]);
    await old.table('outbox').add(makeOp());
    old.close();

    const db = new FieldbookDB(name, { backfill: 'manual' });
    await db.open();
    try {
      expect(db.verno).toBe(10);
      expect(await db.activities.get('L1')).toEqual(dated);
      expect(await db.outbox.count()).toBe(1);
      expect(await db.calendar_outbox.count()).toBe(0);
      const delivery = { attempts: 0, next_attempt_at: 0, last_error: null, state: 'queued' as const, created_at: 1 };
      await db.calendar_outbox.bulkAdd([
        { op_id: 'c1', key: 'L1', kind: 'put', ...delivery },
        { op_id: 'c2', key: 'series:s-1', kind: 'put', ...delivery },
        { op_id: 'c3', key: 'L1', kind: 'delete', ...delivery },
      ]);
      expect((await db.calendar_outbox.where('[key+seq]').between(['L1', -Infinity], ['L1', Infinity]).toArray()).map((o) => o.op_id)).toEqual(['c1', 'c3']);
      await expect(db.calendar_outbox.add({ op_id: 'c1', key: 'L2', kind: 'put', ...delivery })).rejects.toMatchObject({ name: 'ConstraintError' });
      // One resource holds one key: the href is unique.
      await db.calendar_links.put({ key: 'L1', href: '/rep/cal/L1.ics', uid: 'L1@fieldbook.local', etag: '"e1"', hash: 'h', start_ms: 1, end_ms: 2 });
      await expect(db.calendar_links.add({ key: 'L2', href: '/rep/cal/L1.ics', uid: 'x', etag: null, hash: 'h' })).rejects.toMatchObject({ name: 'ConstraintError' });
      expect((await db.calendar_links.where('href').equals('/rep/cal/L1.ics').first())?.key).toBe('L1');
      await db.calendar_busy.bulkPut([
        { href: '/rep/cal/a.ics', etag: '"a"', start_ms: 300, end_ms: 400 },
        { href: '/rep/cal/b.ics', etag: '"b"', start_ms: 100, end_ms: 200 },
      ]);
      expect(await db.calendar_busy.where('start_ms').below(250).primaryKeys()).toEqual(['/rep/cal/b.ics']);
    } finally {
      db.close();
    }
  });

  it('a fresh database opens at the current version with every table', async () => {
    const db = new FieldbookDB(dbName('fresh'));
    await db.open();
    try {
      expect(db.verno).toBe(10);
      // Nothing to fill in a new store.
      expect(await keysReady(db)).toBe(true);
      expect(db.tables.map((t) => t.name).sort()).toEqual(['activities', 'activity_keys', 'calendar_busy', 'calendar_links', 'calendar_outbox', 'conflicts', 'entities', 'entity_ids', 'entity_outbox', 'outbox', 'reminders', 'sync_meta']);
      await expectEntityTablesWork(db);
      await db.activities.bulkPut([dated, undated]);
      await expectCurrentSchemaWorks(db);
      // op_id is unique: the same intent can never be queued twice.
      await db.outbox.add(makeOp());
      await expect(db.outbox.add(makeOp())).rejects.toMatchObject({ name: 'ConstraintError' });
    } finally {
      db.close();
    }
  });
});
