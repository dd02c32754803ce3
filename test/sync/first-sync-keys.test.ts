/**
 * A first sync into an empty store writes each activity once and leaves its activity_keys row to
 * the background backfill (activity-keys.ts deferKeysOfFirstSync); the review's queries read the
 * older indexes until the backfill is done, then the keys table, with the same answers.
 */
import 'fake-indexeddb/auto';
import { Dexie, RangeSet } from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIRECTORY } from '../crm-server/index.ts';
import { startRig, type Rig } from '../soak/harness.ts';
import { activitiesLinkedTo, BACKFILL_META, deferKeysOfFirstSync, firstOnRecordSince, keysReady, keysRow } from '../../shared/sync/activity-keys.ts';

let rig: Rig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });

const cust = (i: number) => DIRECTORY.customers[i]!.id;

/** Which tables each committed write touched, in order (Dexie's own change notices). */
function watchWrites(dbName: string): { writes: Set<string>[]; stop: () => void } {
  const writes: Set<string>[] = [];
  const listener = (parts: Record<string, unknown>) => {
    const tables = new Set<string>();
    for (const key of Object.keys(parts)) {
      const m = /^idb:\/\/([^/]*)\/([^/]*)\//.exec(key);
      if (m?.[1] === dbName && m[2]) tables.add(m[2]);
    }
    if (tables.has('activities') || tables.has('activity_keys')) writes.push(tables);
  };
  Dexie.on('storagemutated', listener);
  return { writes, stop: () => Dexie.on.storagemutated.unsubscribe(listener) };
}

describe('first sync and the activity_keys table', () => {
  it('stores the pulled activities without keys rows, marks the backfill to do, and the backfill then writes every keys row', async () => {
    rig = await startRig({ perPageCap: 50 }, 'first-sync-keys');
    for (let i = 0; i < 600; i++) {
      rig.crm.mutate.create({ type: 'call', subject: `C${i}`, activityable_type: 'customer', activityable_id: cust(i % 4) });
    }
    const { db } = rig;
    expect(await keysReady(db)).toBe(true);
    const watch = watchWrites(db.name);
    const engine = rig.engine({ pull: { followEntities: false } });
    const r = await engine.pull();
    expect(r.pull).toMatchObject({ inserted: 600 });
    // The pull's writes touched activities alone (with the keys inline each would touch activity_keys too).
    const pullWrites = watch.writes.filter((t) => t.has('activities'));
    expect(pullWrites.length).toBeGreaterThan(0);
    expect(pullWrites.every((t) => !t.has('activity_keys'))).toBe(true);

    await vi.waitFor(async () => { expect(await keysReady(db)).toBe(true); }, { timeout: 20_000, interval: 20 });
    watch.stop();
    const rows = await db.activities.toArray();
    const keys = await db.activity_keys.toArray();
    expect(keys.length).toBe(600);
    const byLid = new Map(keys.map((k) => [k.lid, k]));
    expect(rows.every((row) => JSON.stringify(byLid.get(row.lid)) === JSON.stringify(keysRow(row)))).toBe(true);

    // The next pull, into a store that has rows, writes keys rows with the activities again.
    rig.crm.mutate.create({ type: 'task', subject: 'Later', activityable_type: 'customer', activityable_id: cust(1) });
    const again = watchWrites(db.name);
    await engine.pull();
    again.stop();
    const later = await db.activities.filter((a) => a.subject === 'Later').first();
    expect(later && await db.activity_keys.get(later.lid)).toEqual(later && keysRow(later));
    expect(again.writes.some((t) => t.has('activities') && t.has('activity_keys'))).toBe(true);
    await engine.stop();
  });

  it('a context that found the keys complete reads the older indexes again once another context (the sync worker) takes that back', async () => {
    rig = await startRig({}, 'first-sync-keys-2');
    const { db } = rig;
    // The connection's own background backfill (started once it opened) is over first: it would
    // otherwise mark the keys done again after the write below (a race the test lost under load).
    await db.backfill();
    expect(await keysReady(db)).toBe(true);
    // The worker's write, seen here only as the change notice Dexie relays between contexts: the
    // state is written behind this context's Dexie (raw IndexedDB), then the notice arrives.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(db.name);
      open.onsuccess = () => {
        const tx = open.result.transaction('sync_meta', 'readwrite');
        tx.objectStore('sync_meta').put({ key: BACKFILL_META, value: { cursor: '', done: false } });
        tx.oncomplete = () => { open.result.close(); resolve(); };
        tx.onerror = () => reject(tx.error ?? new Error('write failed'));
      };
      open.onerror = () => reject(open.error ?? new Error('open failed'));
    });
    expect(await keysReady(db)).toBe(true);
    Dexie.on.storagemutated.fire({ [`idb://${db.name}/sync_meta/`]: new RangeSet(BACKFILL_META) });
    expect(await keysReady(db)).toBe(false);
    // Its queries still answer (from the older indexes).
    expect(await activitiesLinkedTo(db, ['x'])).toEqual([]);
    expect(await firstOnRecordSince(db, 'customer', cust(0), '', () => true)).toBeUndefined();
    // A notice about another store changes nothing here.
    await db.sync_meta.put({ key: BACKFILL_META, value: { cursor: '', done: true } });
    expect(await keysReady(db)).toBe(true);
    Dexie.on.storagemutated.fire({ 'idb://some-other-store/sync_meta/': new RangeSet(BACKFILL_META) });
    expect(await keysReady(db)).toBe(true);
  });

  it('a store that already holds activities is not deferred', async () => {
    rig = await startRig({}, 'first-sync-keys-3');
    rig.crm.mutate.create({ type: 'task', subject: 'One', activityable_type: 'customer', activityable_id: cust(0) });
    const engine = rig.engine({ pull: { followEntities: false } });
    await engine.pull();
    await vi.waitFor(async () => { expect(await keysReady(rig!.db)).toBe(true); }, { timeout: 5_000, interval: 10 });
    expect(await deferKeysOfFirstSync(rig.db)).toBe(false);
    expect(await keysReady(rig.db)).toBe(true);
    await engine.stop();
  });
});
