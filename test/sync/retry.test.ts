/** Retrying a change the stand-in CRM refused, against its real per-key answer store. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, type Rig } from '../soak/harness.ts';

let rig: Rig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });

describe('retry of a refused change', () => {
  it('goes out under a new Idempotency-Key, so it succeeds once the CRM has the related record', async () => {
    rig = await startRig({}, 'retry-refused');
    const engine = rig.engine({ debounceMs: 3_600_000, pull: { followEntities: false } });
    const row = await rig.commands.create({ type: 'call', subject: 'Tasting visit', activityable_type: 'customer', activityable_id: 'cus-later' });
    await engine.push();
    const [refused] = await rig.db.outbox.toArray();
    expect(refused).toMatchObject({ state: 'failed', last_status: 422 });

    rig.crm.store.putEntity('customer', { id: 'cus-later', name: 'Latecomer Foods', status: 'active', tags: [], notes: null }, Date.now());
    await engine.retryOp(refused!.op_id);
    const [queued] = await rig.db.outbox.toArray();
    expect(queued?.op_id).not.toBe(refused!.op_id);
    const report = await engine.push();
    expect(report.push?.succeeded).toBe(1);
    expect(await rig.db.outbox.count()).toBe(0);
    const synced = await rig.db.activities.get(row.lid);
    expect(synced).toMatchObject({ sync: 'synced', activityable_id: 'cus-later' });
    expect(rig.crm.mutate.get(synced!.server_id!)).toMatchObject({ subject: 'Tasting visit', activityable_id: 'cus-later' });
    await engine.stop();
  });

  it('a change that never got an answer keeps its key (a resend must not apply it twice)', async () => {
    rig = await startRig({}, 'retry-unanswered');
    const engine = rig.engine({ debounceMs: 3_600_000, pull: { followEntities: false } });
    const row = await rig.commands.create({ type: 'call', subject: 'Kept key', activityable_type: 'customer', activityable_id: 'cus-nowhere' });
    // As the push leaves an op that ran out of attempts without an answer.
    const [op] = await rig.db.outbox.where('lid').equals(row.lid).toArray();
    await rig.db.outbox.update(op!.seq, { state: 'failed', last_status: null, last_error: 'network', maybe_sent: true });
    await engine.retryOp(op!.op_id);
    expect((await rig.db.outbox.toArray())[0]?.op_id).toBe(op!.op_id);
    await engine.stop();
  });
});
