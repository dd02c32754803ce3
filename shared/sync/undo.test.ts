import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommands } from './commands.ts';
import { createSyncEngine } from './engine.ts';
import { FakeCrm } from './fake-crm.testing.ts';
import { freshDb } from './store.testing.ts';
import type { FieldbookDB } from './db.ts';
import type { OutboxOp } from './types.ts';
import { createUndoStack, holdOps, inUndoWindow, setRescheduleReason, undoOps } from './undo.ts';

const dbs: FieldbookDB[] = [];
afterEach(() => { for (const d of dbs.splice(0)) d.close(); });

const NEW = { type: 'call', subject: 'Call Acme', activityable_type: 'customer', activityable_id: 'c1', due_at: '2030-02-01T10:00:00Z' } as const;

function setup(windowMs = 8_000) {
  const db = freshDb('undo');
  dbs.push(db);
  let clock = Date.parse('2030-01-15T09:00:00Z');
  const now = () => clock;
  const committed: OutboxOp[][] = [];
  const user = () => ({ id: 'me', name: 'Me' });
  // The UI's commands (held for undo) and the plain ones an undo sends its inverse with.
  const commands = createCommands(db, { now, currentUser: user, undoWindowMs: () => windowMs, onCommitted: (ops) => committed.push(ops) });
  const plain = createCommands(db, { now, currentUser: user });
  const crm = new FakeCrm();
  const engine = createSyncEngine({
    db, transport: crm, currentUserId: () => 'me', intervalMs: 0, debounceMs: 1, now,
    backoff: { baseMs: 1, maxMs: 5, factor: 2 }, pull: { followEntities: false },
  });
  const lastOps = () => committed[committed.length - 1] ?? [];
  const advance = (ms: number) => { clock += ms; };
  return { db, commands, plain, crm, engine, lastOps, advance, now };
}

/** A synced activity (created without undo, pushed). */
async function synced(s: ReturnType<typeof setup>, input: object = {}) {
  const row = await s.plain.create({ ...NEW, ...input });
  await s.engine.push();
  const stored = await s.db.activities.get(row.lid);
  expect(stored?.sync).toBe('synced');
  return stored!;
}

describe('undo before the change is sent', () => {
  it('a completed activity comes back exactly as it was, and the CRM never hears of the completion', async () => {
    const s = setup();
    const before = await synced(s);
    const writes = s.crm.writes().length;
    await s.commands.complete(before.lid, { outcome: 'Went well' });
    const [op] = s.lastOps();
    expect(op).toMatchObject({ kind: 'complete', hold_until: s.now() + 8_000, undo: { before } });
    expect(inUndoWindow((await s.db.outbox.toArray())[0]!, s.now())).toBe(true);
    // A push inside the window sends nothing.
    await s.engine.push();
    expect(s.crm.writes().length).toBe(writes);

    const report = await undoOps(s.db, s.lastOps(), { commands: s.plain });
    expect(report.outcomes.map((o) => o.result)).toEqual(['removed']);
    expect(report.message).toMatch(/Undone: completed “Call Acme”/);
    expect(await s.db.outbox.count()).toBe(0);
    expect(await s.db.activities.get(before.lid)).toEqual(before);
    s.advance(60_000);
    await s.engine.push();
    expect(s.crm.writes().length).toBe(writes);
    expect(s.crm.acts.get(before.server_id!)?.status).toBe('pending');
  });

  it('without undo the held op goes once its window ends', async () => {
    const s = setup();
    const row = await synced(s);
    await s.commands.complete(row.lid, { outcome: 'Done' });
    await s.engine.push();
    expect(s.crm.writes().filter((r) => r.path.endsWith('/complete'))).toHaveLength(0);
    s.advance(8_001);
    await s.engine.push();
    expect(s.crm.writes().filter((r) => r.path.endsWith('/complete'))).toHaveLength(1);
    expect(await s.db.outbox.count()).toBe(0);
  });

  it('edit A, edit B, undo B: the row is as after A and only A waits; then undo A: as before both', async () => {
    const s = setup();
    const original = await synced(s);
    await s.commands.update(original.lid, { description: 'A', location: 'Room 1' });
    const opsA = s.lastOps();
    const afterA = await s.db.activities.get(original.lid);
    s.advance(1_000);
    await s.commands.update(original.lid, { description: 'B' });
    const opsB = s.lastOps();
    // Pushing (which coalesces queued edits) inside both windows leaves the two ops apart.
    await s.engine.push();
    expect((await s.db.outbox.toArray()).map((o) => o.payload)).toEqual([{ description: 'A', location: 'Room 1' }, { description: 'B' }]);

    // A first: refused while B waits on top of it.
    const early = await undoOps(s.db, opsA, { commands: s.plain });
    expect(early.outcomes[0]).toMatchObject({ result: 'not_possible' });
    expect(early.message).toMatch(/later change/);
    expect(await s.db.outbox.count()).toBe(2);

    await undoOps(s.db, opsB, { commands: s.plain });
    expect(await s.db.activities.get(original.lid)).toEqual(afterA);
    expect((await s.db.outbox.toArray()).map((o) => o.payload)).toEqual([{ description: 'A', location: 'Room 1' }]);

    await undoOps(s.db, opsA, { commands: s.plain });
    expect(await s.db.activities.get(original.lid)).toEqual(original);
    expect(await s.db.outbox.count()).toBe(0);
    s.advance(60_000);
    await s.engine.push();
    expect(s.crm.writes().filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('a create taken back leaves no row and sends nothing', async () => {
    const s = setup();
    const row = await s.commands.create(NEW);
    await undoOps(s.db, s.lastOps(), { commands: s.plain });
    expect(await s.db.activities.get(row.lid)).toBeUndefined();
    s.advance(60_000);
    await s.engine.push();
    expect(s.crm.writes()).toEqual([]);
  });

  it('a cancel with reschedule taken back removes the copy too', async () => {
    const s = setup();
    const row = await synced(s);
    const out = await s.commands.cancel(row.lid, { reason: 'Moved', reschedule: true, reschedule_date: '2030-03-01T10:00:00Z' });
    expect(out.rescheduled).not.toBeNull();
    await undoOps(s.db, s.lastOps(), { commands: s.plain });
    expect(await s.db.activities.get(out.rescheduled!.lid)).toBeUndefined();
    expect(await s.db.activities.get(row.lid)).toEqual(row);
  });

  it('a delete taken back shows the activity again', async () => {
    const s = setup();
    const row = await synced(s);
    await s.commands.delete(row.lid);
    expect((await s.db.activities.get(row.lid))?.deleted).toBe(1);
    await undoOps(s.db, s.lastOps(), { commands: s.plain });
    expect(await s.db.activities.get(row.lid)).toEqual(row);
  });

  it('a bulk action comes back for every member in one undo', async () => {
    const s = setup();
    const a = await synced(s, { subject: 'One' });
    const b = await synced(s, { subject: 'Two' });
    const writes = s.crm.writes().length;
    const out = await s.commands.bulk({ action: 'complete', lids: [a.lid, b.lid], parameters: { outcome: 'Bulk' } });
    expect(out.succeeded).toHaveLength(2);
    const report = await undoOps(s.db, s.lastOps(), { commands: s.plain });
    expect(report.outcomes.map((o) => o.result)).toEqual(['removed', 'removed']);
    expect(report.message).toBe('2 changes undone before sending.');
    expect(await s.db.activities.get(a.lid)).toEqual(a);
    expect(await s.db.activities.get(b.lid)).toEqual(b);
    s.advance(60_000);
    await s.engine.push();
    expect(s.crm.writes().length).toBe(writes);
  });

  it('fields the server changed while the change was held are kept as the server has them', async () => {
    const s = setup();
    const row = await synced(s);
    await s.commands.update(row.lid, { description: 'mine' });
    const ops = s.lastOps();
    // Someone renames it on the CRM; a pull inside the window rebases the row.
    s.crm.acts.set(row.server_id!, { ...s.crm.acts.get(row.server_id!)!, subject: 'Call Acme (renamed)', updated_at: '2030-01-15T09:00:01Z' });
    await s.engine.syncNow();
    expect((await s.db.activities.get(row.lid))?.subject).toBe('Call Acme (renamed)');
    await undoOps(s.db, ops, { commands: s.plain });
    const back = await s.db.activities.get(row.lid);
    expect(back).toMatchObject({ subject: 'Call Acme (renamed)', description: row.description, sync: 'synced' });
    expect(await s.db.outbox.count()).toBe(0);
  });
});

describe('undo after the change reached the CRM', () => {
  it('a sent reschedule is reversed with a reschedule back, sent once', async () => {
    const s = setup();
    const row = await synced(s);
    await s.commands.reschedule(row.lid, { new_due_at: '2030-02-03T15:00:00Z', update_reminder: true });
    const ops = s.lastOps();
    s.advance(8_001);
    await s.engine.push();
    expect(s.crm.acts.get(row.server_id!)?.due_at).toBe('2030-02-03T15:00:00Z');

    const report = await undoOps(s.db, ops, { commands: s.plain });
    expect(report.outcomes[0]).toMatchObject({ result: 'reversed', inverse: { kind: 'reschedule', input: { new_due_at: '2030-02-01T10:00:00Z', update_reminder: true } } });
    expect(report.message).toMatch(/moved back/);
    // The inverse is not held: it goes on the next push.
    await s.engine.push();
    const reschedules = s.crm.writes().filter((r) => r.path.endsWith('/reschedule'));
    expect(reschedules).toHaveLength(2);
    expect(JSON.parse(String(reschedules[1]?.body))).toMatchObject({ new_due_at: '2030-02-01T10:00:00Z' });
    expect(s.crm.acts.get(row.server_id!)).toMatchObject({ due_at: '2030-02-01T10:00:00Z', rescheduled_count: 2 });
    expect(await s.db.outbox.count()).toBe(0);
  });

  it('a sent edit is reversed with an update of the same fields back', async () => {
    const s = setup();
    const row = await synced(s, { description: 'old', location: 'HQ' });
    await s.commands.update(row.lid, { description: 'new' });
    const ops = s.lastOps();
    s.advance(8_001);
    await s.engine.push();
    const report = await undoOps(s.db, ops, { commands: s.plain });
    expect(report.outcomes[0]).toMatchObject({ result: 'reversed', inverse: { kind: 'update', patch: { description: 'old' } } });
    await s.engine.push();
    expect(s.crm.acts.get(row.server_id!)).toMatchObject({ description: 'old', location: 'HQ' });
  });

  it('a sent completion cannot be reversed and says so; nothing is sent', async () => {
    const s = setup();
    const row = await synced(s);
    await s.commands.complete(row.lid, { outcome: 'x' });
    const ops = s.lastOps();
    s.advance(8_001);
    await s.engine.push();
    const writes = s.crm.writes().length;
    const report = await undoOps(s.db, ops, { commands: s.plain });
    expect(report.complete).toBe(false);
    expect(report.message).toBe('“Call Acme” was already completed on the CRM, which cannot reopen an activity; it stays completed.');
    await s.engine.push();
    expect(s.crm.writes().length).toBe(writes);
    expect((await s.db.activities.get(row.lid))?.status).toBe('completed');
  });
});

describe('reasons and holds', () => {
  it('a reason added while the reschedule is held travels with it; once sent, it cannot be added', async () => {
    const s = setup();
    const row = await synced(s);
    await s.commands.reschedule(row.lid, { new_due_at: '2030-02-02T10:00:00Z' });
    const [op] = s.lastOps();
    expect(await setRescheduleReason(s.db, op!.op_id, '  Customer asked  ')).toBe(true);
    s.advance(8_001);
    await s.engine.push();
    const sent = s.crm.writes().find((r) => r.path.endsWith('/reschedule'));
    expect(JSON.parse(String(sent?.body))).toMatchObject({ reason: 'Customer asked' });
    expect(await setRescheduleReason(s.db, op!.op_id, 'late')).toBe(false);
  });

  it('holdOps extends the window of a held op (while the rep writes a reason), not of a sent one', async () => {
    const s = setup();
    const row = await synced(s);
    await s.commands.reschedule(row.lid, { new_due_at: '2030-02-02T10:00:00Z' });
    const ids = s.lastOps().map((o) => o.op_id);
    expect(await holdOps(s.db, ids, s.now() + 60_000)).toBe(1);
    s.advance(8_001);
    await s.engine.push();
    expect(s.crm.writes().filter((r) => r.path.endsWith('/reschedule'))).toHaveLength(0);
    expect(await holdOps(s.db, ids, s.now())).toBe(1);
    await s.engine.push();
    expect(s.crm.writes().filter((r) => r.path.endsWith('/reschedule'))).toHaveLength(1);
    expect(await holdOps(s.db, ids, s.now() + 60_000)).toBe(0);
  });
});

describe('the undo stack', () => {
  it('records each command, groups a move with its resize, and undoes newest first', async () => {
    const db = freshDb('undo-stack');
    dbs.push(db);
    const plain = createCommands(db, { currentUser: () => ({ id: 'me', name: 'Me' }) });
    const stack = createUndoStack({ db, commands: plain });
    const commands = createCommands(db, { currentUser: () => ({ id: 'me', name: 'Me' }), undoWindowMs: () => 8_000, onCommitted: (ops) => stack.record(ops) });
    let changes = 0;
    stack.subscribe(() => { changes++; });
    const row = await commands.create(NEW);
    expect(stack.latest()?.label).toBe('Created “Call Acme”');
    const { entry } = await stack.group(async () => {
      await commands.reschedule(row.lid, { new_due_at: '2030-02-02T10:00:00Z' });
      await commands.update(row.lid, { duration_minutes: 45 });
    });
    expect(entry?.ops.map((o) => o.kind)).toEqual(['reschedule', 'update']);
    expect(entry?.label).toBe('Changed “Call Acme”');
    expect(stack.entries()).toHaveLength(2);
    const report = await stack.undo();
    expect(report?.outcomes.map((o) => o.result)).toEqual(['removed', 'removed']);
    expect(await db.activities.get(row.lid)).toMatchObject({ due_at: NEW.due_at, duration_minutes: row.duration_minutes });
    await stack.undo();
    expect(await db.activities.get(row.lid)).toBeUndefined();
    expect(await stack.undo()).toBeNull();
    expect(changes).toBe(4);
  });
});
