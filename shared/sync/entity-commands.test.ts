import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FieldbookDB } from './db.ts';
import {
  LOCAL_ENTITY_PREFIX, createEntityCommands, entityOpsOf, entityView, isLocalEntityId, reapplyPendingEntities,
} from './entity-commands.ts';
import { freshDb, sequentialIds } from './store.testing.ts';
import type { DirectoryEntity } from './types.ts';

const dbs: FieldbookDB[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
});

const customer: DirectoryEntity = {
  type: 'customer', id: 'cus-575', name: 'Customer 575', status: 'active', words: ['customer', '575'],
  details: { id: 'cus-575', name: 'Customer 575', status: 'active', notes: 'Long-time customer.', tags: ['enterprise'] },
};
const opportunity: DirectoryEntity = {
  type: 'opportunity', id: 'opp-9', name: 'New Platform Deal', value: 100000, stage: 'discovery', customer_id: 'cus-575', words: ['new', 'platform', 'deal'],
  details: { id: 'opp-9', name: 'New Platform Deal', value: 100000, stage: 'discovery', probability: 20, budget_confirmed: false },
};

async function setup() {
  const db = freshDb('entity-cmd');
  dbs.push(db);
  await db.entities.bulkPut([customer, opportunity]);
  let changes = 0;
  const commands = createEntityCommands(db, { newId: sequentialIds('e'), now: () => 1_000, onChange: () => { changes++; } });
  return { db, commands, changes: () => changes };
}

const EXPANSION = {
  name: 'Customer 575 - Department Expansion + Premium Support', customer_id: 'cus-575', value: 85000,
  expected_close_date: '2026-02-28', stage: 'qualification', description: 'Expand to 3 additional departments.',
  source: 'qbr_meeting', tags: ['expansion', 'upsell'],
};

describe('entity commands', () => {
  it('creates an opportunity locally: a pickable directory row with a local id and one queued create, in one go', async () => {
    const { db, commands, changes } = await setup();
    const row = await commands.createOpportunity(EXPANSION);
    expect(isLocalEntityId(row.id)).toBe(true);
    expect(row.id.startsWith(LOCAL_ENTITY_PREFIX)).toBe(true);
    expect(await db.entities.get(['opportunity', row.id])).toMatchObject({
      name: EXPANSION.name, value: 85000, stage: 'qualification', customer_id: 'cus-575', pending: 1,
    });
    // The picker's word search finds it at once.
    expect((await db.entities.where('words').startsWith('expans').toArray()).map((e) => e.id)).toEqual([row.id]);
    const ops = await db.entity_outbox.toArray();
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ kind: 'create', type: 'opportunity', entity_id: row.id, payload: EXPANSION, state: 'queued', attempts: 0 });
    expect(changes()).toBe(1);
  });

  it('refuses a bad create with per-field errors and writes nothing', async () => {
    const { db, commands, changes } = await setup();
    await expect(commands.createOpportunity({ ...EXPANSION, name: '  ', value: -5, stage: 'won', expected_close_date: '28/02/2026' }))
      .rejects.toMatchObject({
        code: 'validation',
        errors: {
          name: ['Enter a name.'], value: ['The value cannot be negative.'], stage: ['Choose a stage from the list.'],
          expected_close_date: [expect.stringContaining('YYYY-MM-DD')],
        },
      });
    await expect(commands.createOpportunity({ ...EXPANSION, customer_id: 'nobody' }))
      .rejects.toMatchObject({ errors: { customer_id: ['Choose the customer from the directory.'] } });
    await expect(commands.createOpportunity({ ...EXPANSION, surprise: 1 })).rejects.toMatchObject({ errors: { _: ['Unknown field: surprise.'] } });
    expect(await db.entity_outbox.count()).toBe(0);
    expect(await db.entities.count()).toBe(2);
    expect(changes()).toBe(0);
  });

  it('updates an opportunity: the row shows the change at once, the op carries only the sent fields', async () => {
    const { db, commands } = await setup();
    const patch = {
      value: 175000, probability: 40, budget_confirmed: true, authority_confirmed: true, need_confirmed: true, timeline_confirmed: true,
      discovery_notes: 'Requirements gathered.', next_step: 'Prepare demo focusing on integration capabilities',
    };
    const row = await commands.updateEntity('opportunity', 'opp-9', patch);
    expect(row).toMatchObject({ value: 175000, stage: 'discovery', pending: 1 });
    const ops = await entityOpsOf(db, 'opportunity', 'opp-9');
    expect(ops.map((o) => [o.kind, o.payload])).toEqual([['update', patch]]);
    // The form's view: the server's fields with the queued op on top.
    expect(entityView(row, ops)).toMatchObject({ value: 175000, probability: 40, budget_confirmed: true, stage: 'discovery', name: 'New Platform Deal' });
  });

  it('updates a customer (status, notes, tags) and validates the status', async () => {
    const { db, commands } = await setup();
    await expect(commands.updateEntity('customer', 'cus-575', { status: 'wobbly' })).rejects.toMatchObject({ errors: { status: ['Choose a status from the list.'] } });
    await expect(commands.updateEntity('customer', 'cus-575', {})).rejects.toMatchObject({ errors: { _: ['Change at least one field.'] } });
    await expect(commands.updateEntity('customer', 'cus-404', { status: 'at_risk' })).rejects.toMatchObject({ code: 'not_found' });
    const row = await commands.updateEntity('customer', 'cus-575', { status: 'at_risk', notes: 'Unresponsive for 14 days.', tags: ['at-risk', 'unresponsive'] });
    expect(row.status).toBe('at_risk');
    expect((await db.entities.get(['customer', 'cus-575']))?.status).toBe('at_risk');
    expect(await db.entity_outbox.count()).toBe(1);
  });

  it('merges consecutive unsent updates of one record (later value wins), but never into an attempted op', async () => {
    const { db, commands } = await setup();
    await commands.updateEntity('opportunity', 'opp-9', { value: 150000, probability: 30 });
    await commands.updateEntity('opportunity', 'opp-9', { value: 175000, next_step: 'Demo' });
    let ops = await entityOpsOf(db, 'opportunity', 'opp-9');
    expect(ops.map((o) => o.payload)).toEqual([{ value: 175000, probability: 30, next_step: 'Demo' }]);
    // Another record's op in between does not matter: merging is per record.
    await commands.updateEntity('customer', 'cus-575', { status: 'at_risk' });
    await commands.updateEntity('opportunity', 'opp-9', { probability: 40 });
    ops = await entityOpsOf(db, 'opportunity', 'opp-9');
    expect(ops.map((o) => o.payload)).toEqual([{ value: 175000, probability: 40, next_step: 'Demo' }]);
    // Once attempted (the server may have seen it), a new edit is a new op.
    await db.entity_outbox.update(ops[0]!.seq, { attempts: 1, last_error: 'offline' });
    await commands.updateEntity('opportunity', 'opp-9', { probability: 50 });
    ops = await entityOpsOf(db, 'opportunity', 'opp-9');
    expect(ops.map((o) => o.payload)).toEqual([{ value: 175000, probability: 40, next_step: 'Demo' }, { probability: 50 }]);
    await db.entity_outbox.update(ops[1]!.seq, { maybe_sent: true });
    await commands.updateEntity('opportunity', 'opp-9', { probability: 60 });
    expect((await entityOpsOf(db, 'opportunity', 'opp-9')).map((o) => o.payload)).toHaveLength(3);
  });

  it('an update of an unsent local opportunity merges into its create (create + update → create)', async () => {
    const { db, commands } = await setup();
    const row = await commands.createOpportunity(EXPANSION);
    await commands.updateEntity('opportunity', row.id, { value: 90000, probability: 25 });
    const ops = await db.entity_outbox.toArray();
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ kind: 'create', payload: { ...EXPANSION, value: 90000, probability: 25 } });
    expect((await db.entities.get(['opportunity', row.id]))?.value).toBe(90000);
  });

  it('an edit addressed to the local id after the create went through goes to the server id', async () => {
    const { db, commands } = await setup();
    await db.entity_ids.put({ local_id: `${LOCAL_ENTITY_PREFIX}x`, type: 'opportunity', server_id: 'opp-9' });
    await commands.updateEntity('opportunity', `${LOCAL_ENTITY_PREFIX}x`, { probability: 55 });
    expect((await db.entity_outbox.toArray()).map((o) => o.entity_id)).toEqual(['opp-9']);
  });

  it('discarding an update rebuilds the row from the server fields plus the ops left', async () => {
    const { db, commands } = await setup();
    await commands.updateEntity('opportunity', 'opp-9', { value: 150000 });
    const [first] = await db.entity_outbox.toArray();
    await db.entity_outbox.update(first!.seq, { attempts: 1 });
    await commands.updateEntity('opportunity', 'opp-9', { stage: 'proposal' });
    await db.entity_outbox.update(first!.seq, { state: 'failed', last_error: 'Rejected' });
    await db.entity_outbox.where('op_id').notEqual(first!.op_id).modify({ state: 'blocked' });
    await commands.discardOp(first!.op_id);
    const row = await db.entities.get(['opportunity', 'opp-9']);
    expect(row).toMatchObject({ value: 100000, stage: 'proposal', pending: 1 });
    expect((await db.entity_outbox.toArray()).map((o) => [o.payload, o.state])).toEqual([[{ stage: 'proposal' }, 'queued']]);
  });

  it('discarding a local create drops the record, unless activities are on it', async () => {
    const { db, commands } = await setup();
    const row = await commands.createOpportunity(EXPANSION);
    const [op] = await db.entity_outbox.toArray();
    await db.activities.put({ lid: 'A1', activityable_type: 'opportunity', activityable_id: row.id } as never);
    await expect(commands.discardOp(op!.op_id)).rejects.toThrow('1 activity is on this new opportunity');
    expect(await db.entity_outbox.count()).toBe(1);
    await db.activities.delete('A1');
    await commands.discardOp(op!.op_id);
    expect(await db.entity_outbox.count()).toBe(0);
    expect(await db.entities.get(['opportunity', row.id])).toBeUndefined();
  });

  it('editing a record whose last op was refused fixes that op and queues it again under a new key', async () => {
    const { db, commands } = await setup();
    const row = await commands.createOpportunity(EXPANSION);
    const [op] = await db.entity_outbox.toArray();
    await db.entity_outbox.update(op!.seq, { state: 'failed', attempts: 1, last_error: 'The value is too high.', last_status: 422 });
    await commands.updateEntity('opportunity', row.id, { value: 80000 });
    const ops = await db.entity_outbox.toArray();
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ kind: 'create', state: 'queued', attempts: 0, last_error: null, payload: { ...EXPANSION, value: 80000 } });
    expect(ops[0]!.op_id).not.toBe(op!.op_id);
    // Not when the refused op may have reached the server (gave up without an answer).
    await db.entity_outbox.update(op!.seq, { state: 'failed', maybe_sent: true });
    await commands.updateEntity('opportunity', row.id, { value: 70000 });
    expect(await db.entity_outbox.count()).toBe(2);
  });

  it('retry puts a failed op and the ones blocked behind it back in the queue', async () => {
    const { db, commands } = await setup();
    await commands.updateEntity('customer', 'cus-575', { status: 'at_risk' });
    const [op] = await db.entity_outbox.toArray();
    await db.entity_outbox.update(op!.seq, { state: 'failed', attempts: 3, last_error: 'Nope', last_status: 422 });
    await commands.retryOp(op!.op_id);
    expect(await db.entity_outbox.get(op!.seq)).toMatchObject({ state: 'queued', attempts: 0, last_error: null });
    await expect(commands.retryOp('gone')).rejects.toThrow('no longer waiting');
  });

  it('after a directory refresh wrote the server rows, pending edits and local records show again', async () => {
    const { db, commands } = await setup();
    const created = await commands.createOpportunity(EXPANSION);
    await commands.updateEntity('customer', 'cus-575', { status: 'at_risk' });
    // What pullDirectory does: server rows over ours, rows the server lacks swept away.
    await db.entities.put(customer);
    await db.entities.delete(['opportunity', created.id]);
    await reapplyPendingEntities(db);
    expect(await db.entities.get(['customer', 'cus-575'])).toMatchObject({ status: 'at_risk', pending: 1 });
    expect(await db.entities.get(['opportunity', created.id])).toMatchObject({ name: EXPANSION.name, value: 85000, pending: 1 });
  });
});
