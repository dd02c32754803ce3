import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACTIVITY_TYPES, ActionNotAllowedError, PRIORITIES, ValidationError,
  type Action, type ActivityStatus, type ReminderLeads,
} from '../domain/index.ts';
import { ActivityNotFoundError, createCommands, type CommandDeps, type Commands } from './commands.ts';
import type { FieldbookDB } from './db.ts';
import { freshDb, seedSynced, sequentialIds, snapshot } from './store.testing.ts';
import type { OutboxOp } from './types.ts';

const NOW = Date.parse('2025-12-10T12:00:00Z');
const ME = { id: 'u-me', name: 'Ann Rep', email: 'ann@example.com' };
const NEW_LEAD = { type: 'call', subject: 'Intro call', activityable_type: 'lead', activityable_id: 'lead-1' } as const;

const open: FieldbookDB[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.delete()));
});

function setup(over: Partial<CommandDeps> = {}): { db: FieldbookDB; cmd: Commands; changes: { n: number } } {
  const db = freshDb('commands');
  open.push(db);
  const changes = { n: 0 };
  const cmd = createCommands(db, {
    now: () => NOW,
    newId: sequentialIds('L'),
    currentUser: () => ME,
    onChange: () => {
      changes.n += 1;
    },
    ...over,
  });
  return { db, cmd, changes };
}

async function ops(db: FieldbookDB): Promise<OutboxOp[]> {
  return db.outbox.orderBy('seq').toArray();
}

describe('create', () => {
  it('stores a pending, medium, self-assigned row and its create op together', async () => {
    const { db, cmd, changes } = setup();
    const row = await cmd.create({ ...NEW_LEAD, description: 'About the Q1 proposal', due_at: '2025-12-12T10:00:00Z' });

    expect(row).toMatchObject({
      lid: 'L000000', server_id: null, base: null, sync: 'pending', deleted: 0,
      status: 'pending', priority: 'medium', assigned_user_id: 'u-me', created_by: { id: 'u-me', name: 'Ann Rep' },
      open: 1, due_ms: Date.parse('2025-12-12T10:00:00Z'),
      created_at: '2025-12-10T12:00:00Z', updated_at: '2025-12-10T12:00:00Z',
    });
    expect(row.words).toEqual(['intro', 'call', 'about', 'the', 'q1', 'proposal']);
    expect(row).not.toHaveProperty('id');
    expect(await db.activities.get('L000000')).toEqual(row);

    const [op, ...rest] = await ops(db);
    expect(rest).toEqual([]);
    expect(op).toMatchObject({
      op_id: 'L000001', lid: 'L000000', kind: 'create', base: null, attempts: 0, state: 'queued',
      last_error: null, next_attempt_at: NOW, created_at: NOW,
    });
    // The intent as validated, plus the defaults the server would not pick the same way.
    expect(op?.payload).toEqual({
      ...NEW_LEAD, description: 'About the Q1 proposal', due_at: '2025-12-12T10:00:00Z',
      assigned_user_id: 'u-me', reminder_at: '2025-12-12T09:45:00Z',
    });
    expect(changes.n).toBe(1);
  });

  it('accepts every type and priority and indexes them', async () => {
    const { db, cmd } = setup();
    for (const type of ACTIVITY_TYPES) {
      for (const priority of PRIORITIES) await cmd.create({ ...NEW_LEAD, type, priority });
    }
    expect(await db.activities.count()).toBe(ACTIVITY_TYPES.length * PRIORITIES.length);
    for (const type of ACTIVITY_TYPES) expect(await db.activities.where('type').equals(type).count()).toBe(PRIORITIES.length);
    for (const p of PRIORITIES) expect(await db.activities.where('priority').equals(p).count()).toBe(ACTIVITY_TYPES.length);
    expect(await db.outbox.count()).toBe(ACTIVITY_TYPES.length * PRIORITIES.length);
  });

  it.each([
    ['pending', 1], ['in_progress', 1], ['deferred', 1], ['waiting', 1], ['completed', 0],
  ] as const)('may start %s (open=%i)', async (status, openFlag) => {
    const { cmd } = setup();
    const row = await cmd.create({ ...NEW_LEAD, status });
    expect(row.status).toBe(status);
    expect(row.open).toBe(openFlag);
    if (status === 'completed') expect(row.completed_at).toBe('2025-12-10T12:00:00Z');
  });

  it.each([
    ['call', '2025-12-12T09:45:00Z'],
    ['meeting', '2025-12-12T09:30:00Z'],
    ['task', '2025-12-11T10:00:00Z'],
    ['demo', '2025-12-11T10:00:00Z'],
    ['email', '2025-12-12T09:45:00Z'], // every type has a lead since 11e3097
    ['visit', '2025-12-12T09:00:00Z'],
  ] as const)('gives a %s the default reminder %s', async (type, reminder) => {
    const { cmd } = setup();
    const row = await cmd.create({ ...NEW_LEAD, type, due_at: '2025-12-12T10:00:00Z' });
    expect(row.reminder_at).toBe(reminder);
  });

  it('uses the rep’s reminder settings, and keeps an explicit reminder (or none)', async () => {
    const leads: ReminderLeads = { visit: 60, call: null };
    const { db, cmd } = setup({ reminderDefaults: () => leads });
    const visit = await cmd.create({ ...NEW_LEAD, type: 'visit', due_at: '2025-12-12T10:00:00Z' });
    const call = await cmd.create({ ...NEW_LEAD, due_at: '2025-12-12T10:00:00Z' });
    const explicit = await cmd.create({ ...NEW_LEAD, type: 'visit', due_at: '2025-12-12T10:00:00Z', reminder_at: '2025-12-12T08:00:00Z' });
    const none = await cmd.create({ ...NEW_LEAD, type: 'visit', due_at: '2025-12-12T10:00:00Z', reminder_at: null });
    expect([visit.reminder_at, call.reminder_at, explicit.reminder_at, none.reminder_at])
      .toEqual(['2025-12-12T09:00:00Z', null, '2025-12-12T08:00:00Z', null]);
    const payloads = (await ops(db)).map((o) => (o.kind === 'create' ? o.payload.reminder_at : 'not a create'));
    expect(payloads).toEqual(['2025-12-12T09:00:00Z', undefined, '2025-12-12T08:00:00Z', null]);
  });

  it('keeps an explicit assignee', async () => {
    const { cmd } = setup();
    expect((await cmd.create({ ...NEW_LEAD, assigned_user_id: 'u-other' })).assigned_user_id).toBe('u-other');
  });

  it('leaves due_ms out of an undated activity, so due indexes skip it', async () => {
    const { db, cmd } = setup();
    const row = await cmd.create(NEW_LEAD);
    expect(row).not.toHaveProperty('due_ms');
    expect(await db.activities.where('due_ms').above(-Infinity).count()).toBe(0);
  });
});

/** Each bad input, the field its error must name. */
const CREATE_INVALID: [string, Record<string, unknown>, string][] = [
  ['missing type', { ...NEW_LEAD, type: undefined }, 'type'],
  ['unknown type', { ...NEW_LEAD, type: 'lunch' }, 'type'],
  ['missing subject', { ...NEW_LEAD, subject: undefined }, 'subject'],
  ['blank subject', { ...NEW_LEAD, subject: '   ' }, 'subject'],
  ['over-long subject', { ...NEW_LEAD, subject: 'x'.repeat(256) }, 'subject'],
  ['missing related type', { ...NEW_LEAD, activityable_type: undefined }, 'activityable_type'],
  ['unknown related type', { ...NEW_LEAD, activityable_type: 'vendor' }, 'activityable_type'],
  ['missing related id', { ...NEW_LEAD, activityable_id: undefined }, 'activityable_id'],
  ['unknown priority', { ...NEW_LEAD, priority: 'asap' }, 'priority'],
  ['unknown status', { ...NEW_LEAD, status: 'done' }, 'status'],
  ['created cancelled', { ...NEW_LEAD, status: 'cancelled' }, 'status'],
  ['completed_at while pending', { ...NEW_LEAD, completed_at: '2025-12-10T10:00:00Z' }, 'completed_at'],
  ['due date without time', { ...NEW_LEAD, due_at: '2025-12-12' }, 'due_at'],
  ['due time without zone', { ...NEW_LEAD, due_at: '2025-12-12T10:00:00' }, 'due_at'],
  ['reminder after due', { ...NEW_LEAD, due_at: '2025-12-12T10:00:00Z', reminder_at: '2025-12-12T10:05:00Z' }, 'reminder_at'],
  ['negative duration', { ...NEW_LEAD, duration_minutes: -5 }, 'duration_minutes'],
  ['fractional duration', { ...NEW_LEAD, duration_minutes: 2.5 }, 'duration_minutes'],
  ['negative rate', { ...NEW_LEAD, billable_rate: -1 }, 'billable_rate'],
  ['follow-up date with time', { ...NEW_LEAD, follow_up_date: '2025-12-23T10:00:00Z' }, 'follow_up_date'],
  ['impossible follow-up date', { ...NEW_LEAD, follow_up_date: '2025-02-30' }, 'follow_up_date'],
  ['follow-up flag not boolean', { ...NEW_LEAD, follow_up_required: 'yes' }, 'follow_up_required'],
  ['billable flag not boolean', { ...NEW_LEAD, is_billable: 1 }, 'is_billable'],
  ['tags not a list', { ...NEW_LEAD, tags: 'hot' }, 'tags'],
  ['empty tag', { ...NEW_LEAD, tags: [''] }, 'tags.0'],
  ['custom fields not an object', { ...NEW_LEAD, custom_fields: 'x' }, 'custom_fields'],
];

describe('validation: bad input is a ValidationError naming the field, and nothing is written', () => {
  it.each(CREATE_INVALID)('create: %s', async (_label, input, field) => {
    const { db, cmd, changes } = setup();
    const err = await cmd.create(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors[field]?.length).toBeGreaterThan(0);
    expect(await snapshot(db)).toEqual({ activities: [], outbox: [] });
    expect(changes.n).toBe(0);
  });

  const other: [string, (c: Commands) => Promise<unknown>, string][] = [
    ['update: nothing to update', (c) => c.update('A', {}), '_'],
    ['update: status completed via patch', (c) => c.update('A', { status: 'completed' }), 'status'],
    ['update: related type without id', (c) => c.update('A', { activityable_type: 'lead' }), 'activityable_id'],
    ['update: reminder after the new due', (c) => c.update('A', { due_at: '2025-12-20T10:00:00Z', reminder_at: '2025-12-20T11:00:00Z' }), 'reminder_at'],
    ['update: reminder after the stored due', (c) => c.update('A', { reminder_at: '2025-12-20T15:00:00Z' }), 'reminder_at'],
    ['update: negative duration', (c) => c.update('A', { duration_minutes: -1 }), 'duration_minutes'],
    ['complete: negative duration', (c) => c.complete('A', { duration_minutes: -10 }), 'duration_minutes'],
    ['complete: follow-up date with time', (c) => c.complete('A', { follow_up_date: '2025-12-23T09:00:00Z' }), 'follow_up_date'],
    ['complete: outcome not text', (c) => c.complete('A', { outcome: 42 }), 'outcome'],
    ['cancel: reschedule without a date', (c) => c.cancel('A', { reschedule: true }), 'reschedule_date'],
    ['cancel: reschedule date without zone', (c) => c.cancel('A', { reschedule: true, reschedule_date: '2025-12-22 10:00' }), 'reschedule_date'],
    ['reschedule: no new time', (c) => c.reschedule('A', {}), 'new_due_at'],
    ['reschedule: date only', (c) => c.reschedule('A', { new_due_at: '2025-12-22' }), 'new_due_at'],
    ['reschedule: unknown priority', (c) => c.reschedule('A', { new_due_at: '2025-12-22T10:00:00Z', priority: 'p0' }), 'priority'],
    ['bulk: no activities', (c) => c.bulk({ action: 'cancel', lids: [] }), 'lids'],
    ['bulk: unknown action', (c) => c.bulk({ action: 'archive', lids: ['A'] }), 'action'],
    ['bulk: reschedule without a time', (c) => c.bulk({ action: 'reschedule', lids: ['A'], parameters: {} }), 'parameters.new_due_at'],
    ['recreate: bad due time', (c) => c.recreate('C', { due_at: 'tomorrow' }), 'due_at'],
  ];
  it.each(other)('%s', async (_label, run, field) => {
    const { db, cmd, changes } = setup();
    await seedSynced(db, 'A');
    await seedSynced(db, 'C', { status: 'cancelled', cancelled_at: '2025-12-05T10:00:00Z' });
    const before = await snapshot(db);
    const err = await run(cmd).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).errors)).toContain(field);
    expect(await snapshot(db)).toEqual(before);
    expect(changes.n).toBe(0);
  });
});

/** docs/crm-contract.md "Statuses and actions", written out independently of the domain's table. */
const ALLOWED: Record<ActivityStatus, Action[]> = {
  pending: ['update', 'complete', 'cancel', 'reschedule', 'delete'],
  in_progress: ['update', 'complete', 'cancel', 'delete'],
  completed: ['delete'],
  cancelled: ['delete', 'recreate'],
  deferred: ['update', 'cancel', 'reschedule', 'delete'],
  waiting: ['complete', 'cancel', 'reschedule', 'delete'],
};
const STATUSES = Object.keys(ALLOWED) as ActivityStatus[];
const ACTIONS: Action[] = ['update', 'complete', 'cancel', 'reschedule', 'delete', 'recreate'];

function statusFields(status: ActivityStatus) {
  return {
    status,
    ...(status === 'completed' ? { completed_at: '2025-12-05T10:00:00Z', outcome: 'Met' } : {}),
    ...(status === 'cancelled' ? { cancelled_at: '2025-12-05T10:00:00Z' } : {}),
  };
}

async function perform(cmd: Commands, action: Action, lid: string): Promise<string> {
  switch (action) {
    case 'update': return (await cmd.update(lid, { subject: 'Renamed' })).lid;
    case 'complete': return (await cmd.complete(lid, { outcome: 'Done' })).lid;
    case 'cancel': return (await cmd.cancel(lid, { reason: 'Not needed' })).cancelled.lid;
    case 'reschedule': return (await cmd.reschedule(lid, { new_due_at: '2025-12-22T10:00:00Z' })).lid;
    case 'delete': await cmd.delete(lid); return lid;
    case 'recreate': return (await cmd.recreate(lid, { due_at: '2025-12-22T10:00:00Z' })).lid;
  }
}

const EFFECT: Record<Action, { kind: OutboxOp['kind']; check: (row: Record<string, unknown>, from: ActivityStatus) => void }> = {
  update: { kind: 'update', check: (r) => expect(r.subject).toBe('Renamed') },
  complete: { kind: 'complete', check: (r) => expect(r).toMatchObject({ status: 'completed', outcome: 'Done', open: 0 }) },
  cancel: { kind: 'cancel', check: (r) => expect(r).toMatchObject({ status: 'cancelled', cancellation_reason: 'Not needed', open: 0 }) },
  reschedule: {
    kind: 'reschedule',
    check: (r, from) => expect(r).toMatchObject({
      status: from === 'in_progress' ? from : 'pending', due_at: '2025-12-22T10:00:00Z', previous_due_at: '2025-12-20T14:00:00Z', rescheduled_count: 1,
    }),
  },
  delete: { kind: 'delete', check: (r) => expect(r.deleted).toBe(1) },
  recreate: { kind: 'create', check: (r) => expect(r).toMatchObject({ status: 'pending', server_id: null, base: null, due_at: '2025-12-22T10:00:00Z' }) },
};

describe('every transition cell through the commands', () => {
  const cells = STATUSES.flatMap((s) => ACTIONS.map((a) => [s, a, ALLOWED[s].includes(a)] as const));
  it.each(cells)('%s × %s → allowed: %s', async (status, action, allowed) => {
    const { db, cmd, changes } = setup();
    const seeded = await seedSynced(db, 'A', statusFields(status));
    const before = await snapshot(db);

    if (!allowed) {
      const err = await perform(cmd, action, 'A').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ActionNotAllowedError);
      expect(err).toMatchObject({ action, status });
      expect(await snapshot(db)).toEqual(before);
      expect(changes.n).toBe(0);
      return;
    }

    const lid = await perform(cmd, action, 'A');
    const row = await db.activities.get(lid);
    expect(row).toBeDefined();
    EFFECT[action].check(row as unknown as Record<string, unknown>, status);
    const all = await ops(db);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ lid, kind: EFFECT[action].kind, state: 'queued', attempts: 0 });
    if (action === 'recreate') {
      expect(lid).not.toBe('A');
      expect(all[0]?.base).toBeNull();
      expect(await db.activities.get('A')).toEqual(seeded);
    } else {
      // The op carries the server snapshot the rep acted on; the row's base stays that snapshot.
      expect(all[0]?.base).toEqual(seeded.base);
      expect(row?.base).toEqual(seeded.base);
      expect(row?.sync).toBe('pending');
      expect(row?.server_id).toBe('srv-A');
    }
    expect(changes.n).toBe(1);
  });

  it('a completed activity takes notes (description, outcome, tags) but nothing else', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A', statusFields('completed'));
    const row = await cmd.update('A', { description: 'Asked for pricing', outcome: 'Interested', tags: ['hot', 'hot'] });
    expect(row).toMatchObject({ description: 'Asked for pricing', outcome: 'Interested', tags: ['hot'], status: 'completed' });
    expect(row.words).toEqual(expect.arrayContaining(['asked', 'pricing']));
    const before = await snapshot(db);
    await expect(cmd.update('A', { description: 'x', due_at: '2025-12-22T10:00:00Z' })).rejects.toBeInstanceOf(ActionNotAllowedError);
    expect(await snapshot(db)).toEqual(before);
  });

  it('update may move status among the open ones and the open index follows', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A');
    for (const status of ['in_progress', 'deferred', 'pending'] as const) {
      const row = await cmd.update('A', { status });
      expect(row).toMatchObject({ status, open: 1 });
    }
    expect((await ops(db)).map((o) => o.payload)).toEqual([{ status: 'in_progress' }, { status: 'deferred' }, { status: 'pending' }]);
  });
});

describe('op content and row effects per command', () => {
  it('update: payload is the validated patch; the word index follows the subject', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A', { subject: 'Old words' });
    const row = await cmd.update('A', { subject: '  Quarterly review  ', priority: 'urgent', due_at: null });
    expect(row).toMatchObject({ subject: 'Quarterly review', priority: 'urgent', due_at: null, updated_at: '2025-12-10T12:00:00Z' });
    expect(row.words).toEqual(['quarterly', 'review']);
    expect(row).not.toHaveProperty('due_ms');
    expect((await ops(db))[0]?.payload).toEqual({ subject: 'Quarterly review', priority: 'urgent', due_at: null });
  });

  it('complete: completed_at now, outcome, duration replaced, tags added, follow-up set', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A', { tags: ['q1'], duration_minutes: 30 });
    const input = { outcome: 'Agreed next steps', duration_minutes: 45, tags: ['won', 'q1'], follow_up_required: true, follow_up_date: '2025-12-23' };
    const row = await cmd.complete('A', input);
    expect(row).toMatchObject({
      status: 'completed', completed_at: '2025-12-10T12:00:00Z', outcome: 'Agreed next steps', duration_minutes: 45,
      tags: ['q1', 'won'], follow_up_required: true, follow_up_date: '2025-12-23', open: 0, is_overdue: false,
    });
    expect((await ops(db))[0]).toMatchObject({ kind: 'complete', payload: input });
  });

  it('reschedule: previous due kept, count up, reminder moved when asked, priority applied', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A', { status: 'deferred', rescheduled_count: 2 });
    const input = { new_due_at: '2025-12-22T10:00:00Z', reason: 'Client away', update_reminder: true, priority: 'high' };
    const row = await cmd.reschedule('A', input);
    expect(row).toMatchObject({
      status: 'pending', due_at: '2025-12-22T10:00:00Z', previous_due_at: '2025-12-20T14:00:00Z', rescheduled_count: 3,
      reminder_at: '2025-12-22T09:45:00Z', priority: 'high', due_ms: Date.parse('2025-12-22T10:00:00Z'),
    });
    expect((await ops(db))[0]).toMatchObject({ kind: 'reschedule', payload: input });
    const again = await cmd.reschedule('A', { new_due_at: '2025-12-23T10:00:00Z' });
    expect(again.reminder_at).toBe('2025-12-22T09:45:00Z');
  });

  it('cancel with reschedule: the local copy gets its own lid and the op points at it', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A', { tags: ['q1'], description: 'Bring samples', priority: 'high' });
    const input = { reason: 'Client sick', reschedule: true, reschedule_date: '2025-12-27T14:00:00Z' };
    const { cancelled, rescheduled } = await cmd.cancel('A', input);
    expect(cancelled).toMatchObject({ lid: 'A', status: 'cancelled', cancelled_at: '2025-12-10T12:00:00Z', cancellation_reason: 'Client sick', open: 0 });
    expect(rescheduled).toMatchObject({
      lid: 'L000000', server_id: null, base: null, sync: 'pending', status: 'pending', open: 1,
      subject: 'Follow-up call', description: 'Bring samples', priority: 'high', tags: ['q1'],
      due_at: '2025-12-27T14:00:00Z', reminder_at: '2025-12-27T13:45:00Z', activityable_id: 'cus-1',
    });
    expect(await db.activities.get('L000000')).toEqual(rescheduled);
    const all = await ops(db);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ op_id: 'L000001', lid: 'A', kind: 'cancel', child_lid: 'L000000', payload: input });
  });

  it('cancel without reschedule writes no copy and no child_lid', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A');
    const r = await cmd.cancel('A');
    expect(r.rescheduled).toBeNull();
    expect(await db.activities.count()).toBe(1);
    expect((await ops(db))[0]).not.toHaveProperty('child_lid');
  });

  it('delete keeps the row marked deleted and queues a delete; a second delete finds nothing', async () => {
    const { db, cmd } = setup();
    const seeded = await seedSynced(db, 'A');
    await cmd.delete('A');
    expect(await db.activities.get('A')).toEqual({ ...seeded, deleted: 1, sync: 'pending' });
    expect((await ops(db))[0]).toMatchObject({ kind: 'delete', lid: 'A', payload: {} });
    await expect(cmd.delete('A')).rejects.toBeInstanceOf(ActivityNotFoundError);
    await expect(cmd.update('A', { subject: 'x' })).rejects.toBeInstanceOf(ActivityNotFoundError);
    expect(await db.outbox.count()).toBe(1);
  });

  it('recreate copies a cancelled activity into a new create', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'C', { ...statusFields('cancelled'), subject: 'Site visit', type: 'visit', tags: ['north'], assigned_user_id: 'u-2', priority: 'high' });
    const row = await cmd.recreate('C', { due_at: '2025-12-29T09:00:00Z', location: 'Depot' });
    expect(row).toMatchObject({
      lid: 'L000000', type: 'visit', subject: 'Site visit', status: 'pending', priority: 'high', tags: ['north'],
      assigned_user_id: 'u-2', due_at: '2025-12-29T09:00:00Z', location: 'Depot', cancelled_at: null,
    });
    const [op] = await ops(db);
    expect(op).toMatchObject({ kind: 'create', lid: 'L000000', base: null });
    expect(op?.payload).toMatchObject({ type: 'visit', subject: 'Site visit', due_at: '2025-12-29T09:00:00Z', location: 'Depot' });
  });

  it('an unknown lid is ActivityNotFoundError for every single command', async () => {
    const { db, cmd } = setup();
    for (const action of ACTIONS) {
      await expect(perform(cmd, action, 'nope')).rejects.toBeInstanceOf(ActivityNotFoundError);
    }
    expect(await snapshot(db)).toEqual({ activities: [], outbox: [] });
  });

  it('local changes leave a conflict or failure visible', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A', {}, 'conflict');
    await seedSynced(db, 'B', {}, 'failed');
    expect((await cmd.update('A', { subject: 'x' })).sync).toBe('conflict');
    expect((await cmd.update('B', { subject: 'x' })).sync).toBe('failed');
  });
});

describe('bulk', () => {
  it('one op per activity sharing a group; bad lids fail alone', async () => {
    const { db, cmd, changes } = setup();
    await seedSynced(db, 'A');
    await seedSynced(db, 'B', { status: 'in_progress' });
    await seedSynced(db, 'D', statusFields('completed'));
    await seedSynced(db, 'W', { status: 'waiting' });
    await seedSynced(db, 'X');
    await cmd.delete('X');
    const completedBefore = await db.activities.get('D');

    const out = await cmd.bulk({ action: 'cancel', lids: ['A', 'D', 'B', 'missing', 'A', 'X', 'W'], parameters: { reason: 'Trade show' } });
    expect(out.action).toBe('cancel');
    expect(out.succeeded).toEqual(['A', 'B', 'W']);
    expect(out.failed).toEqual([
      { lid: 'D', code: 'action_not_allowed', message: expect.any(String) as string, errors: {} },
      { lid: 'missing', code: 'not_found', message: expect.any(String) as string, errors: {} },
      { lid: 'X', code: 'not_found', message: expect.any(String) as string, errors: {} },
    ]);
    for (const lid of ['A', 'B', 'W']) expect((await db.activities.get(lid))?.status).toBe('cancelled');
    expect(await db.activities.get('D')).toEqual(completedBefore);

    const bulkOps = (await ops(db)).filter((o) => o.kind === 'cancel');
    expect(bulkOps.map((o) => o.lid)).toEqual(['A', 'B', 'W']);
    for (const o of bulkOps) {
      expect(o).toMatchObject({ bulk_group: out.bulk_group, bulk_action: 'cancel', payload: { reason: 'Trade show' } });
    }
    expect(new Set(bulkOps.map((o) => o.op_id)).size).toBe(3);
    expect(await db.outbox.where('bulk_group').equals(out.bulk_group).count()).toBe(3);
    expect(changes.n).toBe(2);
  });

  it.each([
    ['complete', { outcome: 'Done' }, { status: 'completed', outcome: 'Done' }],
    ['reschedule', { new_due_at: '2025-12-30T10:00:00Z' }, { due_at: '2025-12-30T10:00:00Z', rescheduled_count: 1 }],
    ['delete', undefined, { deleted: 1 }],
    ['cancel', { reschedule: true, reschedule_date: '2025-12-30T10:00:00Z' }, { status: 'cancelled' }],
  ] as const)('%s applies the single action to each', async (action, parameters, expected) => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A');
    await seedSynced(db, 'B');
    const out = await cmd.bulk({ action, lids: ['A', 'B'], ...(parameters ? { parameters } : {}) });
    expect(out.succeeded).toEqual(['A', 'B']);
    expect(out.failed).toEqual([]);
    for (const lid of ['A', 'B']) expect(await db.activities.get(lid)).toMatchObject(expected);
    const all = await ops(db);
    expect(all.map((o) => [o.lid, o.kind, o.bulk_action, o.bulk_group])).toEqual([
      ['A', action, action, out.bulk_group], ['B', action, action, out.bulk_group],
    ]);
    if (action === 'cancel') {
      // Each cancelled activity gets its own rescheduled copy.
      const children = all.map((o) => o.child_lid);
      expect(children.every((c) => typeof c === 'string')).toBe(true);
      for (const c of children) expect(await db.activities.get(c ?? '')).toMatchObject({ status: 'pending', due_at: '2025-12-30T10:00:00Z' });
    }
  });

  it('when every lid is refused nothing is written', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'D', statusFields('completed'));
    const before = await snapshot(db);
    const out = await cmd.bulk({ action: 'complete', lids: ['D', 'gone'] });
    expect(out.succeeded).toEqual([]);
    expect(out.failed.map((f) => f.code)).toEqual(['action_not_allowed', 'not_found']);
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('atomicity: the row and its op are written together or not at all', () => {
  it('a failing outbox write (duplicate op_id) leaves no activity row behind', async () => {
    const { db } = setup();
    await db.outbox.add({
      op_id: 'DUP', lid: 'other', kind: 'update', payload: {}, base: null, attempts: 0, next_attempt_at: 0, last_error: null, state: 'queued', created_at: 0,
    });
    const ids = ['NEWROW', 'DUP'];
    const cmd = createCommands(db, { now: () => NOW, newId: () => ids.shift() ?? 'x', currentUser: () => ME });
    const err = await cmd.create(NEW_LEAD).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ConstraintError');
    expect(await db.activities.get('NEWROW')).toBeUndefined();
    expect(await db.outbox.count()).toBe(1);
  });

  it('a failing outbox write leaves an updated row as it was', async () => {
    const { db } = setup();
    const seeded = await seedSynced(db, 'A');
    // A hook that refuses the op simulates a storage failure between the two writes.
    db.outbox.hook('creating', () => {
      throw new Error('disk full');
    });
    const cmd = createCommands(db, { now: () => NOW, currentUser: () => ME });
    await expect(cmd.complete('A', { outcome: 'x' })).rejects.toThrow('disk full');
    expect(await db.activities.get('A')).toEqual(seeded);
    await expect(cmd.bulk({ action: 'delete', lids: ['A'] })).rejects.toThrow('disk full');
    expect(await db.activities.get('A')).toEqual(seeded);
  });

  it('ids from the default factory are ULIDs', async () => {
    const { db } = setup();
    const cmd = createCommands(db, { currentUser: () => ME });
    const row = await cmd.create(NEW_LEAD);
    expect(row.lid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect((await ops(db))[0]?.op_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('poison input at the command (issue 18: 9): a field error, and nothing is stored', () => {
  const deep = (n: number): Record<string, unknown> => {
    let v: Record<string, unknown> = {};
    for (let i = 1; i < n; i++) v = { d: v };
    return v;
  };
  const poison: [string, Record<string, unknown>, string, string][] = [
    ['custom_fields 5 000 deep', { custom_fields: deep(5000) }, 'custom_fields', 'Custom fields are nested too deeply: at most 8 levels.'],
    ['custom_fields of 2 MB', { custom_fields: { notes: 'x'.repeat(2 * 1024 * 1024) } }, 'custom_fields', 'Custom fields are too large: keep them under 64 KB.'],
    ['201 custom fields', { custom_fields: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`f${i}`, i])) }, 'custom_fields', 'Use at most 200 custom fields (nested ones count).'],
    ['due in year 0000', { due_at: '0000-01-01T10:00:00Z' }, 'due_at', 'Enter a date and time between the years 1900 and 2200.'],
    ['due in year 9999', { due_at: '9999-12-31T10:00:00Z' }, 'due_at', 'Enter a date and time between the years 1900 and 2200.'],
    ['reminder in 1899', { reminder_at: '1899-12-31T10:00:00Z' }, 'reminder_at', 'Enter a date and time between the years 1900 and 2200.'],
    ['follow-up date in year 0000', { follow_up_date: '0000-01-01' }, 'follow_up_date', 'Enter a date between the years 1900 and 2200.'],
    ['subject of zero-width characters', { subject: '\u200B\u200C\u200D\u2060\uFEFF' }, 'subject', 'Enter a subject.'],
    ['subject of zero-width characters and whitespace', { subject: ' \u200B \t\uFEFF ' }, 'subject', 'Enter a subject.'],
  ];
  it.each(poison)('create: %s', async (_label, over, field, message) => {
    const { db, cmd, changes } = setup();
    const err = await cmd.create({ ...NEW_LEAD, ...over }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual({ [field]: [message] });
    expect(await snapshot(db)).toEqual({ activities: [], outbox: [] });
    expect(changes.n).toBe(0);
  });

  it('update with a 5 000-deep custom_fields is a field error and leaves the row as it was', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A');
    const before = await snapshot(db);
    const err = await cmd.update('A', { custom_fields: deep(5000) }).catch((e: unknown) => e);
    expect((err as ValidationError).errors).toEqual({ custom_fields: ['Custom fields are nested too deeply: at most 8 levels.'] });
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('values the guide does not list, through the commands (issue 18: 2)', () => {
  const raw = <T extends string>(v: string) => v as T;

  it('an activity of an unknown type is fully usable: update, complete, reschedule, cancel, and the type is kept', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'S', { type: raw('sms'), priority: raw('blocker') });
    const updated = await cmd.update('S', { subject: 'Text the buyer the price' });
    expect(updated).toMatchObject({ type: 'sms', priority: 'blocker', subject: 'Text the buyer the price' });
    expect((await ops(db))[0]?.payload).toEqual({ subject: 'Text the buyer the price' });
    expect(await cmd.reschedule('S', { new_due_at: '2025-12-22T10:00:00Z' })).toMatchObject({ type: 'sms', due_at: '2025-12-22T10:00:00Z' });
    expect(await cmd.complete('S', { outcome: 'Replied yes' })).toMatchObject({ type: 'sms', status: 'completed', open: 0 });
    await seedSynced(db, 'T', { type: raw('sms') });
    expect((await cmd.cancel('T', { reason: 'Not needed' })).cancelled).toMatchObject({ type: 'sms', status: 'cancelled' });
  });

  it('the app cannot set a type or priority it does not know', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'A');
    const before = await snapshot(db);
    for (const patch of [{ type: 'sms' }, { priority: 'blocker' }]) {
      const err = await cmd.update('A', patch).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(Object.keys((err as ValidationError).errors)).toEqual(Object.keys(patch));
    }
    expect(await snapshot(db)).toEqual(before);
  });

  it('an unknown status allows delete only; every other command says why and writes nothing', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'H', { status: raw('on_hold'), due_at: '2025-12-01T10:00:00Z' });
    const row = await db.activities.get('H');
    expect(row).toMatchObject({ open: 0 });
    const before = await snapshot(db);
    const reason = 'on_hold is a status this version of Fieldbook does not know; change it in the CRM.';
    for (const run of [
      () => cmd.update('H', { subject: 'New subject' }),
      () => cmd.complete('H', {}),
      () => cmd.cancel('H', {}),
      () => cmd.reschedule('H', { new_due_at: '2025-12-22T10:00:00Z' }),
    ]) {
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ActionNotAllowedError);
      expect((err as Error).message).toBe(reason);
    }
    expect(await snapshot(db)).toEqual(before);
    await cmd.delete('H');
    expect(await db.activities.get('H')).toMatchObject({ deleted: 1 });
    expect((await ops(db)).map((o) => o.kind)).toEqual(['delete']);
  });

  it('recreate of a cancelled activity of an unknown type needs a known one', async () => {
    const { db, cmd } = setup();
    await seedSynced(db, 'C', { ...statusFields('cancelled'), type: raw('sms') });
    const err = await cmd.recreate('C', {}).catch((e: unknown) => e);
    expect((err as ValidationError).errors).toEqual({ type: ['sms is a type this version of Fieldbook does not know; choose a type for the new activity.'] });
    expect(await ops(db)).toEqual([]);
    expect(await cmd.recreate('C', { type: 'other' })).toMatchObject({ type: 'other', status: 'pending' });
  });
});
