/**
 * Undo against the stand-in CRM (test/crm-server) over the real fetch transport: a change taken
 * back inside its undo window never reaches the CRM (its request counts show it), and a
 * reschedule the CRM already has is reversed with exactly one reschedule back.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { undoOps } from '#shared/sync/index';
import { ENTITIES, startRig, type Rig } from '../soak/harness.ts';

let rig: Rig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });

const INPUT = {
  type: 'call', subject: 'Undo against the stand-in', activityable_type: ENTITIES[0]!.type, activityable_id: ENTITIES[0]!.id,
  due_at: '2031-03-03T10:00:00Z', duration_minutes: 30,
} as const;

const posts = (r: Rig, suffix: string) =>
  Object.entries(r.crm.stats().byRoute).filter(([k]) => k.startsWith('POST ') && k.endsWith(suffix)).reduce((n, [, v]) => n + v, 0);

describe('undo against the stand-in CRM', () => {
  it('a completion undone in its window is never sent; a later change to the same activity is', async () => {
    rig = await startRig({}, 'undo-crm');
    const engine = rig.engine({ pull: { followEntities: false } });
    const row = await rig.commands.create(INPUT);
    await engine.push();
    const sid = (await rig.db.activities.get(row.lid))?.server_id;
    expect(sid).toBeTruthy();

    const held = rig.undoable(60_000);
    await held.commands.complete(row.lid, { outcome: 'Went well' });
    await engine.push();
    expect(posts(rig, '/complete')).toBe(0);
    const report = await undoOps(rig.db, held.committed.flat(), { commands: rig.commands });
    expect(report.outcomes.map((o) => o.result)).toEqual(['removed']);

    // A change made after the undo goes out: the push ran past where the completion would have been.
    await rig.commands.update(row.lid, { description: 'after the undo' });
    await engine.push();
    expect(await rig.db.outbox.count()).toBe(0);
    expect(rig.crm.mutate.get(sid!)).toMatchObject({ status: 'pending', description: 'after the undo' });
    expect(posts(rig, '/complete')).toBe(0);
    await engine.stop();
  });

  it('a reschedule the CRM already has is undone with one reschedule back', async () => {
    rig = await startRig({}, 'undo-crm');
    const engine = rig.engine({ pull: { followEntities: false } });
    const row = await rig.commands.create(INPUT);
    await engine.push();
    const sid = (await rig.db.activities.get(row.lid))!.server_id!;

    // A window of 1 ms: over by the time the push looks at it.
    const quick = rig.undoable(1);
    await quick.commands.reschedule(row.lid, { new_due_at: '2031-03-05T15:00:00Z', update_reminder: true });
    for (let i = 0; i < 5 && (await rig.db.outbox.count()) > 0; i++) await engine.push();
    expect(rig.crm.mutate.get(sid)).toMatchObject({ due_at: '2031-03-05T15:00:00Z', rescheduled_count: 1 });

    const report = await undoOps(rig.db, quick.committed.flat(), { commands: rig.commands });
    expect(report.outcomes[0]).toMatchObject({ result: 'reversed', inverse: { kind: 'reschedule', input: { new_due_at: '2031-03-03T10:00:00Z' } } });
    await engine.push();
    expect(await rig.db.outbox.count()).toBe(0);
    expect(rig.crm.mutate.get(sid)).toMatchObject({ due_at: '2031-03-03T10:00:00Z', previous_due_at: '2031-03-05T15:00:00Z', rescheduled_count: 2 });
    expect(posts(rig, '/reschedule')).toBe(2);
    expect((await rig.db.activities.get(row.lid))?.sync).toBe('synced');
    await engine.stop();
  });
});
