/** Pull against the stand-in CRM: pages, partial list items, sweep, updated_since, followed entities. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIRECTORY, GUIDE_IDS } from '../crm-server/index.ts';
import { ME, startRig, type Rig } from '../soak/harness.ts';

let rig: Rig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });

const cust = (i: number) => DIRECTORY.customers[i]!.id;

describe('pull', () => {
  it('fetches every page, stores the rows in at most one bulkPut per page, completing partial list items from the detail endpoint', async () => {
    rig = await startRig({ perPageCap: 20, listOmitsFields: true }, 'pull-pages');
    for (let i = 0; i < 95; i++) {
      rig.crm.mutate.create({ type: 'task', subject: `P${i}`, description: `d${i}`, tags: ['x'], activityable_type: 'customer', activityable_id: cust(i % 3) });
    }
    const engine = rig.engine({ pull: { followEntities: false } });
    const spy = vi.spyOn(rig.db.activities, 'bulkPut');
    const r = await engine.pull();
    expect(r.pull).toMatchObject({ pages: 5, items: 95, detailFetches: 95, inserted: 95 });
    // The writer stores what arrived while it wrote in one transaction: never more writes than pages.
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(spy.mock.calls.length).toBeLessThanOrEqual(5);
    expect(spy.mock.calls.reduce((n, [rows]) => n + rows.length, 0)).toBe(95);
    const rows = await rig.db.activities.toArray();
    expect(rows.length).toBe(95);
    expect(rows.every((x) => x.description === `d${x.subject.slice(1)}` && x.tags[0] === 'x' && x.base?.id === x.server_id)).toBe(true);
    await engine.stop();
  });

  it('sweeps records deleted on the server (confirmed by GET) and keeps the rest', async () => {
    rig = await startRig({}, 'pull-sweep');
    const a = rig.crm.mutate.create({ type: 'task', subject: 'Stays', activityable_type: 'customer', activityable_id: cust(0) });
    const b = rig.crm.mutate.create({ type: 'task', subject: 'Goes', activityable_type: 'customer', activityable_id: cust(0) });
    const c = rig.crm.mutate.create({ type: 'task', subject: 'Handed over', activityable_type: 'customer', activityable_id: cust(5) });
    const engine = rig.engine({ pull: { followEntities: false } });
    await engine.pull();
    expect(await rig.db.activities.count()).toBe(3);
    rig.crm.mutate.delete(b.id);
    rig.crm.mutate.update(c.id, { assigned_user_id: GUIDE_IDS.userH });
    rig.crm.mutate.complete(c.id, {});
    rig.crm.resetStats();
    const r = await engine.pull({ full: true });
    expect(r.pull?.deleted).toBe(2);
    expect((await rig.db.activities.toArray()).map((x) => x.server_id)).toEqual([a.id]);
    // Each missing record was confirmed one by one.
    expect(rig.crm.stats().byRoute['GET /activities/:id']).toBe(2);
    await engine.stop();
  });

  it('uses updated_since only where the server echoes it', async () => {
    rig = await startRig({ updatedSince: false }, 'pull-no-since');
    rig.crm.mutate.create({ type: 'task', subject: 'One', activityable_type: 'customer', activityable_id: cust(0) });
    let engine = rig.engine({ pull: { followEntities: false } });
    expect((await engine.pull()).pull?.full).toBe(true);
    expect((await engine.pull()).pull?.full).toBe(true);
    expect(engine.client.extensions().updatedSince).toBe(false);
    await engine.stop();
    await rig.close();

    rig = await startRig({ updatedSince: true }, 'pull-since');
    rig.crm.mutate.create({ type: 'task', subject: 'One', activityable_type: 'customer', activityable_id: cust(0) });
    engine = rig.engine({ pull: { followEntities: false } });
    expect((await engine.pull()).pull?.full).toBe(true);
    const second = await engine.pull();
    expect(second.pull).toMatchObject({ full: false, items: 1 });
    const changed = rig.crm.mutate.create({ type: 'task', subject: 'Two', activityable_type: 'customer', activityable_id: cust(0) });
    await engine.pull();
    expect(await rig.db.activities.where('server_id').equals(changed.id).count()).toBe(1);
    await engine.stop();
  });

  it('includes open activities of others on the entities the rep follows, and nothing else of theirs', async () => {
    rig = await startRig({}, 'pull-follow');
    rig.crm.mutate.create({ type: 'call', subject: 'Mine', activityable_type: 'customer', activityable_id: cust(0), due_at: '2031-01-01T10:00:00Z' });
    const theirsOpen = rig.crm.mutate.create({ type: 'call', subject: 'Colleague open', activityable_type: 'customer', activityable_id: cust(0) }, GUIDE_IDS.userH);
    const theirsDone = rig.crm.mutate.create({ type: 'call', subject: 'Colleague done', activityable_type: 'customer', activityable_id: cust(0) }, GUIDE_IDS.userH);
    rig.crm.mutate.complete(theirsDone.id, {});
    rig.crm.mutate.create({ type: 'call', subject: 'Elsewhere', activityable_type: 'customer', activityable_id: cust(4) }, GUIDE_IDS.userH);
    const engine = rig.engine();
    await engine.pull(); // learns my entities
    await engine.pull();
    const subjects = (await rig.db.activities.toArray()).map((x) => x.subject).sort();
    expect(subjects).toEqual(['Colleague open', 'Mine']);
    expect((await rig.db.activities.where('server_id').equals(theirsOpen.id).first())?.assigned_user_id).toBe(GUIDE_IDS.userH);
    await engine.stop();
  });

  it('a rebased row whose due date the server cleared leaves the due-time indexes (no stale due_ms)', async () => {
    rig = await startRig({}, 'pull-rebase-index');
    const a = rig.crm.mutate.create({ type: 'call', subject: 'Dated', activityable_type: 'customer', activityable_id: cust(0), due_at: '2031-01-01T10:00:00Z' });
    const engine = rig.engine({ pull: { followEntities: false } });
    await engine.pull();
    const row = await rig.db.activities.where('server_id').equals(a.id).first();
    expect(row?.due_ms).toBe(Date.parse('2031-01-01T10:00:00Z'));
    // A local edit still queued makes the next pull merge (rebase) instead of replacing the row.
    await rig.commands.update(row!.lid, { description: 'Agenda: pricing' });
    rig.crm.mutate.update(a.id, { due_at: null });
    await engine.pull({ full: true });
    const after = await rig.db.activities.get(row!.lid);
    expect(after).toMatchObject({ due_at: null, description: 'Agenda: pricing' });
    expect(after).not.toHaveProperty('due_ms');
    expect(await rig.db.activities.where('due_ms').above(0).count()).toBe(0);
    await engine.stop();
  });

  it('refreshes the entity directory and answers who am I', async () => {
    rig = await startRig({}, 'pull-dir');
    const engine = rig.engine();
    const counts = await engine.pullDirectory();
    expect(counts.customer).toBe(DIRECTORY.customers.length);
    expect(await rig.db.entities.where('type').equals('user').count()).toBe(DIRECTORY.users.length);
    const jane = await rig.db.entities.get(['user', ME]);
    expect(jane?.words).toEqual(['jane', 'manager']);
    expect((await engine.whoAmI())?.id).toBe(ME);
    await engine.stop();
  });
});
