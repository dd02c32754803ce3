import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { ENTITIES, startRig, type Rig } from './harness.ts';

let rig: Rig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });

describe('engine against the stand-in CRM', () => {
  it('pushes creates, updates, completes and deletes, then pulls', async () => {
    rig = await startRig({ demo: true });
    const { commands, crm, db } = rig;
    const e = ENTITIES[0]!;
    const a = await commands.create({ type: 'call', subject: 'Smoke one', activityable_type: e.type, activityable_id: e.id, due_at: '2030-01-02T10:00:00Z' });
    await commands.update(a.lid, { description: 'desc' });
    const b = await commands.create({ type: 'task', subject: 'Smoke two', activityable_type: e.type, activityable_id: e.id });
    await commands.complete(b.lid, { outcome: 'done' });
    const c = await commands.create({ type: 'task', subject: 'Smoke three', activityable_type: e.type, activityable_id: e.id });
    await commands.delete(c.lid);
    const engine = rig.engine();
    const report = await engine.syncNow();
    expect(report.error).toBeNull();
    const rowA = await db.activities.get(a.lid);
    expect(rowA?.server_id).toBeTruthy();
    expect(crm.mutate.get(rowA!.server_id!)?.description).toBe('desc');
    const rowB = await db.activities.get(b.lid);
    expect(crm.mutate.get(rowB!.server_id!)?.status).toBe('completed');
    expect(await db.activities.get(c.lid)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
    expect(report.pull?.items).toBeGreaterThan(10);
    await engine.stop();
  });
});
