/**
 * Issue 18 "Cost to the CRM": requests counted at the transport against the stand-in in the plain
 * shape (and once with its extensions), the engine on a virtual clock running its own cadence.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalActivity } from '#shared/sync/index';
import { countOf, DETAIL, EXTENSIONS, LIST, ME, PLAIN, startCostRig, type CostRig } from './cost-rig.ts';

let rig: CostRig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });

const DAY = 86_400_000;
const N = 300;
const HOT = /due_date_from=/;

async function seeded(server = PLAIN, label = 'cost') {
  const r = await startCostRig(server, label);
  r.crm.seedActivities(N, { assignedUserId: ME, assignedShare: 0.8, spreadDays: 120 });
  return r;
}

async function rows(r: CostRig): Promise<LocalActivity[]> {
  return r.db.activities.toArray();
}

/** A row of the rep's, open, due within the working window by its server snapshot. */
async function windowRow(r: CostRig): Promise<LocalActivity> {
  const now = r.time.now;
  const row = (await rows(r)).find((x) => x.base && x.base.assigned_user_id === ME && x.status === 'pending' && x.base.due_at &&
    Math.abs(Date.parse(x.base.due_at) - now) < 5 * DAY);
  if (!row) throw new Error('no window row in the seed');
  return row;
}

async function outsideRow(r: CostRig): Promise<LocalActivity> {
  const now = r.time.now;
  const row = (await rows(r)).find((x) => x.base && x.base.assigned_user_id === ME && x.status === 'pending' && x.base.due_at && Date.parse(x.base.due_at) - now > 30 * DAY);
  if (!row) throw new Error('no row outside the window in the seed');
  return row;
}

describe('cost of a first sync and of idle polls (plain CRM)', () => {
  it(`a first sync of ${N} costs at most one detail GET per stored record (×1.06) besides its pages`, async () => {
    rig = await seeded(PLAIN, 'cost-first');
    const engine = rig.engine();
    engine.start();
    await engine.whenIdle();
    const stored = (await rows(rig)).length;
    const lists = countOf(rig.transport, LIST);
    expect(stored).toBeGreaterThan(N * 0.8);
    expect(countOf(rig.transport, DETAIL)).toBeLessThanOrEqual(Math.ceil(stored * 1.06));
    expect(rig.transport.requests).toBeLessThanOrEqual(Math.ceil(stored * 1.06) + lists);
    // The followed-records scan pages, but fetches nothing the rep's own scan fetched.
    expect(lists).toBeLessThanOrEqual(Math.ceil((N * 0.8) / 50) + 2 + 25 * 3);
  });

  it('an idle poll costs only the hot scope\'s pages: no detail GET, no full scan', async () => {
    rig = await seeded(PLAIN, 'cost-idle');
    const engine = rig.engine({ pull: { refreshPerHour: 0 } });
    engine.start();
    await engine.whenIdle();
    rig.transport.reset();
    expect(await rig.time.step(engine)).toBe(60_000);
    expect(rig.transport.requests).toBeGreaterThan(0);
    expect(rig.transport.log.every((s) => LIST.test(s.path) && HOT.test(s.path) && s.path.includes(`assigned_user_id=${ME}`))).toBe(true);
    // About 25 of the rep's records fall in the 15-day window: one page.
    expect(rig.transport.requests).toBe(1);
  });

  it('a list-visible change in the working window shows within two polls (one detail GET); others within the hourly reconcile', async () => {
    rig = await seeded(PLAIN, 'cost-window');
    const engine = rig.engine({ pull: { refreshPerHour: 0 } });
    engine.start();
    await engine.whenIdle();
    const near = await windowRow(rig);
    const far = await outsideRow(rig);
    rig.crm.mutate.update(near.server_id!, { subject: 'Moved by dispatch', priority: 'urgent' });
    rig.crm.mutate.update(far.server_id!, { subject: 'Far away, changed' });
    rig.transport.reset();
    await rig.time.step(engine);
    const after = await rig.db.activities.get(near.lid);
    expect(after).toMatchObject({ subject: 'Moved by dispatch', priority: 'urgent' });
    expect(countOf(rig.transport, DETAIL)).toBe(1);
    expect((await rig.db.activities.get(far.lid))?.subject).not.toBe('Far away, changed');
    await rig.time.runUntil(rig.time.now + 61 * 60_000, engine);
    expect((await rig.db.activities.get(far.lid))?.subject).toBe('Far away, changed');
  });

  it('a description change shows at once when the rep opens the activity, and within an hour of polls for the window', async () => {
    rig = await seeded(PLAIN, 'cost-desc');
    const engine = rig.engine({ pull: { refreshPerHour: 60 } });
    engine.start();
    await engine.whenIdle();
    const opened = await windowRow(rig);
    rig.crm.mutate.update(opened.server_id!, { description: 'Bring the signed contract', tags: ['contract'] });
    rig.transport.reset();
    expect(await engine.refreshActivity(opened.lid)).toBe('refreshed');
    expect(rig.transport.requests).toBe(1);
    expect(await rig.db.activities.get(opened.lid)).toMatchObject({ description: 'Bring the signed contract', tags: ['contract'], sync: 'synced' });
    expect(await engine.refreshActivity(opened.lid)).toBe('unchanged');

    // Not opened: the rolling refresh re-reads every window row within the hour.
    const windowRows = (await rows(rig)).filter((x) => x.base?.assigned_user_id === ME && x.status === 'pending' && x.base.due_at && Math.abs(Date.parse(x.base.due_at) - rig!.time.now) < 6 * DAY);
    expect(windowRows.length).toBeGreaterThan(5);
    for (const x of windowRows) rig.crm.mutate.update(x.server_id!, { description: `Changed ${x.lid}` });
    await rig.time.runUntil(rig.time.now + 60 * 60_000, engine);
    const changed = await rig.db.activities.bulkGet(windowRows.map((x) => x.lid));
    expect(changed.filter((x) => x?.description === `Changed ${x?.lid}`).length).toBe(windowRows.length);

    engine.setOnline(false);
    rig.transport.reset();
    expect(await engine.refreshActivity(opened.lid)).toBe('skipped');
    expect(rig.transport.requests).toBe(0);
  });

  it('a queued change is rebased on the server record before a poll pushes it, also where lists cannot show the field', async () => {
    rig = await seeded(PLAIN, 'cost-rebase');
    const engine = rig.engine({ pull: { refreshPerHour: 0 } });
    engine.start();
    await engine.whenIdle();
    const far = await outsideRow(rig);
    engine.setOnline(false);
    await rig.commands.update(far.lid, { description: 'Mine: bring the order form.' });
    rig.crm.mutate.update(far.server_id!, { description: 'Theirs: bring the catalogue.' });
    rig.transport.reset();
    engine.setOnline(true);
    await engine.whenIdle();
    expect(await rig.db.conflicts.where('lid').equals(far.lid).count()).toBe(1);
    expect(rig.crm.mutate.get(far.server_id!)?.description).toBe('Theirs: bring the catalogue.');
  });

  it('a record deleted on the server in the window goes at the next poll', async () => {
    rig = await seeded(PLAIN, 'cost-delete');
    const engine = rig.engine({ pull: { refreshPerHour: 0 } });
    engine.start();
    await engine.whenIdle();
    const near = await windowRow(rig);
    rig.crm.mutate.delete(near.server_id!);
    await rig.time.step(engine);
    expect(await rig.db.activities.get(near.lid)).toBeUndefined();
  });

  it('with updated_since honoured an idle poll is one request', async () => {
    rig = await seeded(EXTENSIONS, 'cost-since');
    const engine = rig.engine();
    engine.start();
    await engine.whenIdle();
    rig.transport.reset();
    await rig.time.step(engine);
    expect(rig.transport.log.map((s) => s.path.includes('updated_since='))).toEqual([true]);
  });
});

describe('poll cadence', () => {
  it('backs off while nothing changes (4 intervals visible, 15 hidden) and polls at once on focus, resume and reconnect', async () => {
    rig = await seeded(PLAIN, 'cost-cadence');
    const engine = rig.engine({ intervalMs: 60_000, pull: { refreshPerHour: 0 } });
    engine.start();
    await engine.whenIdle();
    const delays: (number | null)[] = [];
    for (let i = 0; i < 4; i++) delays.push(await rig.time.step(engine));
    expect(delays).toEqual([60_000, 120_000, 240_000, 240_000]);
    engine.setVisible(false);
    await engine.whenIdle();
    for (let i = 0; i < 2; i++) delays.push(await rig.time.step(engine));
    expect(delays.slice(4)).toEqual([240_000, 900_000]);

    const atOnce = async (what: () => void) => {
      rig!.transport.reset();
      what();
      await engine.whenIdle();
      expect(rig!.transport.requests).toBeGreaterThan(0);
      expect(rig!.time.waiting()).toEqual([60_000]);
    };
    await atOnce(() => engine.setVisible(true));
    engine.setVisible(false);
    await atOnce(() => engine.resume());
    await atOnce(() => { engine.setOnline(false); engine.setOnline(true); });
    // A change seen resets the backoff too.
    await rig.time.step(engine);
    expect(rig.time.waiting()).toEqual([120_000]);
    const near = await windowRow(rig);
    rig.crm.mutate.update(near.server_id!, { subject: 'Something happened' });
    await rig.time.step(engine);
    expect(rig.time.waiting()).toEqual([60_000]);
  });
});
