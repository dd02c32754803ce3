import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldbookDB } from '../db.ts';
import { createEntityCommands } from '../entity-commands.ts';
import { freshDb, seedSynced } from '../store.testing.ts';
import type { ConflictRecord, OutboxOp } from '../types.ts';
import { directoryUsers, entityFollowingMoves, upsertEntities } from './directory.ts';
import { conflictsOfActivity, entityIssues, entityWithEdits, opsOfActivity, syncIssues } from './sync-state.ts';

let db: FieldbookDB;
const op = (seq: number, lid: string, state: OutboxOp['state']) => ({ seq, op_id: `op-${seq}`, lid, kind: 'update', payload: {}, state, attempts: 0, created_at: seq }) as unknown as OutboxOp;
const conflict = (id: string, lid: string, at: number): ConflictRecord => ({ id, lid, kind: 'field', field: 'subject', base: 'a', local: 'b', remote: 'c', created_at: at });

beforeAll(async () => {
  db = freshDb('queries-sync-state');
  await seedSynced(db, 'a1', { subject: 'Call Bob' });
  await seedSynced(db, 'a2', { subject: 'Send quote' });
  await db.outbox.bulkPut([op(3, 'a1', 'failed'), op(1, 'a1', 'queued'), op(2, 'gone', 'failed'), op(4, 'a2', 'queued')]);
  await db.conflicts.bulkPut([conflict('c2', 'a2', 20), conflict('c1', 'a1', 10)]);
  await upsertEntities(db, [
    { type: 'user', id: 'u-2', name: 'Zoe' }, { type: 'user', id: 'u-1', name: 'Ann' },
    { type: 'opportunity', id: 'opp-9', name: 'Renewal', details: {} },
  ]);
});
afterAll(async () => {
  await db.delete();
});

describe('the queues as the rep sees them', () => {
  it("one activity's ops in queue order, and its conflicts", async () => {
    expect((await opsOfActivity(db, 'a1')).map((o) => o.seq)).toEqual([1, 3]);
    expect((await conflictsOfActivity(db, 'a2')).map((c) => c.id)).toEqual(['c2']);
  });

  it("the Sync view's failed ops and conflicts, with subjects (a gone activity says so)", async () => {
    const r = await syncIssues(db);
    expect(r.failed.map((o) => [o.seq, o.subject])).toEqual([[2, '(activity no longer on this device)'], [3, 'Call Bob']]);
    expect(r.conflicts.map((c) => [c.id, c.subject])).toEqual([['c1', 'Call Bob'], ['c2', 'Send quote']]);
  });

  it('a record with its queued edits and their view; refused edits listed by name', async () => {
    const commands = createEntityCommands(db, {});
    await commands.updateEntity('opportunity', 'opp-9', { name: 'Renewal 2027' });
    const r = await entityWithEdits(db, 'opportunity', 'opp-9');
    expect(r?.view.name).toBe('Renewal 2027');
    expect(r?.ops).toHaveLength(1);
    expect(await entityWithEdits(db, 'opportunity', 'nope')).toBeNull();
    expect(await entityIssues(db)).toEqual([]);
    const [queued] = await db.entity_outbox.toArray();
    await db.entity_outbox.update(queued?.seq ?? 0, { state: 'failed' });
    expect((await entityIssues(db)).map((x) => x.name)).toEqual(['Renewal 2027']);
  });

  it('the directory: users by name; a local record followed to its server id', async () => {
    expect((await directoryUsers(db)).map((u) => u.name)).toEqual(['Ann', 'Zoe']);
    expect((await entityFollowingMoves(db, 'opportunity', 'opp-9'))?.id).toBe('opp-9');
    await db.entity_ids.put({ local_id: 'fb-local-opp-1', type: 'opportunity', server_id: 'opp-9' });
    expect((await entityFollowingMoves(db, 'opportunity', 'fb-local-opp-1'))?.id).toBe('opp-9');
    expect(await entityFollowingMoves(db, 'opportunity', 'opp-404')).toBeUndefined();
  });
});
