import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommands } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import { createSyncEngine, type SyncEngine } from './engine.ts';
import { createEntityCommands } from './entity-commands.ts';
import { FakeCrm } from './fake-crm.testing.ts';
import { syncCounts, type SyncStatus } from './status.ts';
import { freshDb, sequentialIds } from './store.testing.ts';
import type { OpState } from './types.ts';

const dbs: FieldbookDB[] = [];
const engines: SyncEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  for (const d of dbs.splice(0)) d.close();
});

const NEW = { type: 'task', subject: 'Count me', activityable_type: 'customer', activityable_id: 'cus-575' } as const;

/** Five activity ops (one per state, two queued), one record edit queued, one conflict. */
async function seeded(): Promise<FieldbookDB> {
  const db = freshDb('counts');
  dbs.push(db);
  const commands = createCommands(db, { currentUser: () => ({ id: 'me', name: 'Me' }) });
  for (let i = 0; i < 5; i++) await commands.create({ ...NEW, subject: `Count me ${i}` });
  const states: OpState[] = ['queued', 'queued', 'inflight', 'failed', 'blocked'];
  const ops = await db.outbox.orderBy('seq').toArray();
  await Promise.all(ops.map((op, i) => db.outbox.update(op.seq, { state: states[i]! })));
  await db.entities.put({
    type: 'customer', id: 'cus-575', name: 'Customer 575', status: 'active', words: ['customer', '575'],
    details: { id: 'cus-575', name: 'Customer 575', status: 'active' },
  });
  await createEntityCommands(db, { newId: sequentialIds('e'), now: () => 1_000 }).updateEntity('customer', 'cus-575', { status: 'at_risk' });
  await db.conflicts.add({ id: 'c-1', lid: ops[0]!.lid, kind: 'field', field: 'subject', base: 'a', local: 'b', remote: 'c', created_at: 1 });
  return db;
}

function until(engine: SyncEngine, pred: (s: SyncStatus) => boolean): Promise<SyncStatus> {
  return new Promise((resolve) => {
    const check = (s: SyncStatus) => { if (pred(s)) { off(); resolve(s); } };
    const off = engine.subscribe(check);
    check(engine.getStatus());
  });
}

describe('syncCounts', () => {
  it('pending: activity and record ops queued or in flight; failed: refused activity ops; blocked ones count as neither', async () => {
    const db = await seeded();
    expect(await syncCounts(db)).toEqual({ pending: 2 + 1 + 1, failed: 1, conflicts: 1 });
  });

  it('reads no index range that holds the waiting ops (a range count walks every entry: thousands during a push)', async () => {
    const db = await seeded();
    const ranges: unknown[] = [];
    db.close();
    db.use({
      stack: 'dbcore', name: 'range-spy', create: (down) => ({
        ...down,
        table: (name) => {
          const t = down.table(name);
          const note = (q: { index: { name: string | null }; range: { lower: unknown; upper: unknown } }) => {
            if (name.endsWith('outbox') && q.index.name === 'state') ranges.push(q.range.lower, q.range.upper);
          };
          return { ...t, count: (req) => { note(req.query); return t.count(req); }, openCursor: (req) => { note(req.query); return t.openCursor(req); } };
        },
      }),
    });
    await db.open();
    expect(await syncCounts(db)).toEqual({ pending: 4, failed: 1, conflicts: 1 });
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges).not.toContain('queued');
    expect(ranges).not.toContain('inflight');
  });

  it('the engine\'s status shows the same pending count the status bar reads from the store', async () => {
    const db = await seeded();
    const engine = createSyncEngine({ db, transport: new FakeCrm(), currentUserId: () => 'me', intervalMs: 0 });
    engines.push(engine);
    engine.setOnline(false);
    engine.notifyLocalChange();
    const counts = await syncCounts(db);
    const status = await until(engine, (s) => s.conflicts.length === 1);
    expect(status.pending).toBe(counts.pending);
    expect(status.failed.filter((f) => f.state === 'failed')).toHaveLength(counts.failed);
  });
});
