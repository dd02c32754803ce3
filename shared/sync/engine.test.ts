import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommands } from './commands.ts';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from './engine.ts';
import { FakeCrm } from './fake-crm.testing.ts';
import { freshDb } from './store.testing.ts';
import type { FieldbookDB } from './db.ts';
import type { SyncStatus } from './status.ts';

const dbs: FieldbookDB[] = [];
const engines: SyncEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  for (const d of dbs.splice(0)) d.close();
});

function setup(extra: Partial<SyncEngineOptions> = {}, crm = new FakeCrm()) {
  const db = freshDb('engine');
  dbs.push(db);
  const commands = createCommands(db, { currentUser: () => ({ id: 'me', name: 'Me' }) });
  const make = (more: Partial<SyncEngineOptions> = {}) => {
    const e = createSyncEngine({ db, transport: crm, currentUserId: () => 'me', intervalMs: 0, debounceMs: 5, pull: { followEntities: false }, ...extra, ...more });
    engines.push(e);
    return e;
  };
  return { db, commands, crm, make };
}

const NEW = { type: 'task', subject: 'Engine', activityable_type: 'customer', activityable_id: 'c1' } as const;

function until(engine: SyncEngine, pred: (s: SyncStatus) => boolean): Promise<SyncStatus> {
  return new Promise((resolve) => {
    const check = (s: SyncStatus) => { if (pred(s)) { off(); resolve(s); } };
    const off = engine.subscribe(check);
    check(engine.getStatus());
  });
}

describe('sync engine', () => {
  it('publishes status: syncing, pending count, last synced; unsubscribe stops updates', async () => {
    const { commands, make } = setup();
    const engine = make();
    await commands.create(NEW);
    await commands.create({ ...NEW, subject: 'Two' });
    const seen: SyncStatus[] = [];
    const off = engine.subscribe((s) => seen.push(s));
    const report = await engine.syncNow();
    expect(report.push?.succeeded).toBe(2);
    expect(seen.some((s) => s.syncing)).toBe(true);
    const last = engine.getStatus();
    expect(last).toMatchObject({ syncing: false, pending: 0, failed: [], conflicts: [], authRequired: false, lastError: null });
    expect(last.lastSyncedAt).not.toBeNull();
    off();
    const n = seen.length;
    await engine.syncNow();
    expect(seen.length).toBe(n);
  });

  it('offline: nothing is sent; reconnecting syncs', async () => {
    const { commands, make, crm } = setup();
    const engine = make();
    engine.setOnline(false);
    await commands.create(NEW);
    expect((await engine.syncNow()).skipped).toBe('offline');
    expect(crm.log.length).toBe(0);
    engine.setOnline(true);
    await until(engine, (s) => s.online && !s.syncing && s.lastSyncedAt !== null);
    expect(crm.acts.size).toBe(1);
  });

  it('a local change is pushed after the debounce', async () => {
    const { commands, make, crm } = setup();
    const engine = make();
    await commands.create(NEW);
    engine.notifyLocalChange();
    engine.notifyLocalChange();
    await until(engine, (s) => !s.syncing && s.lastSyncedAt !== null && crm.acts.size === 1);
    expect(crm.writes().length).toBe(1);
  });

  it('start() syncs at once, and the timer keeps syncing while online', async () => {
    const { make, crm } = setup({ intervalMs: 20 });
    crm.seed({ id: 'x1', assigned_user_id: 'me' });
    const engine = make();
    engine.start();
    await until(engine, (s) => s.lastSyncedAt !== null);
    const first = engine.getStatus().lastSyncedAt!;
    await until(engine, (s) => (s.lastSyncedAt ?? 0) > first);
    expect(crm.log.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(2);
  });

  it('two engines on one database never send at the same time (one sender), and nothing twice', async () => {
    const crm = new FakeCrm();
    const { commands, make } = setup({}, crm);
    for (let i = 0; i < 12; i++) await commands.create({ ...NEW, subject: `S${i}` });
    crm.hook = () => new Promise((r) => { setTimeout(() => r(undefined), 2); });
    const a = make({ lockName: 'same' });
    const b = make({ lockName: 'same' });
    const syncing = [false, false];
    let overlap = false;
    [a, b].forEach((e, i) => e.subscribe((s) => {
      syncing[i] = s.syncing;
      if (syncing[0] && syncing[1]) overlap = true;
    }));
    await Promise.all([a.push(), b.push(), a.push(), b.push()]);
    expect(overlap).toBe(false);
    expect(crm.writes().length).toBe(12);
    expect(crm.acts.size).toBe(12);
  });

  it('discarding a failed create drops the activity; discarding another op rebuilds the row from the server copy', async () => {
    const crm = new FakeCrm();
    const { db, commands, make } = setup({}, crm);
    const engine = make();
    const a = await commands.create(NEW);
    await engine.push();
    await commands.update(a.lid, { subject: 'Renamed' });
    crm.hook = () => ({ status: 403, headers: {}, body: JSON.stringify({ success: false, message: 'Not yours' }) });
    await engine.push();
    const [op] = await db.outbox.toArray();
    expect(op).toMatchObject({ state: 'failed', last_error: 'Not yours' });
    expect((await db.activities.get(a.lid))?.subject).toBe('Renamed');
    await engine.discardOp(op!.op_id);
    expect(await db.activities.get(a.lid)).toMatchObject({ subject: 'Engine', sync: 'synced' });
    const b = await commands.create({ ...NEW, subject: 'Never' });
    await engine.push();
    const [op2] = await db.outbox.toArray();
    await engine.discardOp(op2!.op_id);
    expect(await db.activities.get(b.lid)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });
});
