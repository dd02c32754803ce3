/**
 * Issue 18 findings 2 (engine part), 5 and 7 (pull half), against the stand-in in the plain shape
 * with one answer at a time made odd by the transport (a record the CRM cannot serve, an id
 * repeated, a meta that lies).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportError } from '#shared/ipc/platform';
import { MAX_PAGES, pageCount } from '#shared/sync/pull';
import { DIRECTORY } from '../crm-server/index.ts';
import { countOf, DETAIL, editJson, LIST, ME, PLAIN, startCostRig, type CostRig } from './cost-rig.ts';

let rig: CostRig | null = null;
afterEach(async () => { await rig?.close(); rig = null; });

const cust = (i: number) => DIRECTORY.customers[i % DIRECTORY.customers.length]!.id;
const make = (r: CostRig, n: number, prefix = 'R') => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(r.crm.mutate.create({ type: 'task', subject: `${prefix}${i}`, description: `d${i}`, activityable_type: 'customer', activityable_id: cust(i), due_at: new Date(Date.UTC(2031, 0, 1, 10, i)).toISOString() }).id);
  }
  return ids;
};
const isList = (path: string) => LIST.test(path);

describe('one bad row never fails a pull (finding 2)', () => {
  it('a record whose list item and detail cannot be read is counted, kept as it was, and the pull goes on', async () => {
    rig = await startCostRig(PLAIN, 'robust-row');
    const [bad, good] = make(rig, 2);
    const engine = rig.engine({ pull: { followEntities: false } });
    await engine.pull();
    const before = await rig.db.activities.where('server_id').equals(bad!).first();
    // From now on the CRM cannot serve this record: in lists it comes unreadable, its detail too.
    rig.transport.rewrite = (req, res) => {
      if (isList(req.path)) return editJson(res, (b) => { for (const d of b.data) if (d.id === bad) d.subject = 42; });
      if (req.path.endsWith(`/activities/${bad}`)) return { ...res, body: res.body.replace(/"subject":"[^"]*"/, '"subject":42') };
      return undefined;
    };
    rig.crm.mutate.update(good!, { subject: 'Changed on the server' });
    const r = await engine.pull({ full: true });
    expect(r.error).toBeNull();
    expect(r.pull).toMatchObject({ invalid: 1, rowErrors: 1, rowErrorIds: [bad] });
    expect(await rig.db.activities.where('server_id').equals(bad!).first()).toEqual(before);
    expect((await rig.db.activities.where('server_id').equals(good!).first())?.subject).toBe('Changed on the server');
  });

  it('no answer at all (the network went) ends the pull instead of being counted against a row', async () => {
    rig = await startCostRig(PLAIN, 'robust-gone');
    const [id] = make(rig, 1);
    const engine = rig.engine({ pull: { followEntities: false } });
    await engine.pull();
    rig.crm.mutate.update(id!, { subject: 'Changed on the server' });
    // The changed record's detail GET never gets an answer.
    rig.transport.rewrite = (req) => {
      if (req.path.endsWith(`/activities/${id}`)) throw new TransportError('network', 'socket hang up');
      return undefined;
    };
    await expect(engine.pull({ full: true })).rejects.toThrow(/^Could not reach the CRM: socket hang up/);
    expect((await rig.db.activities.where('server_id').equals(id!).first())?.subject).not.toBe('Changed on the server');
  });

  it('a pull that fails still pushes what is queued; a 401 stops both', async () => {
    rig = await startCostRig(PLAIN, 'robust-push');
    const [id] = make(rig, 1);
    const engine = rig.engine({ pull: { followEntities: false } });
    await engine.syncNow();
    const row = await rig.db.activities.where('server_id').equals(id!).first();
    await rig.commands.update(row!.lid, { subject: 'Edited offline' });
    rig.transport.rewrite = (req, _res) => (isList(req.path) ? { status: 500, headers: {}, body: '{"success":false,"message":"list broken"}' } : undefined);
    const r = await engine.syncNow();
    expect(r.error).toBe('list broken');
    expect(r.push?.succeeded).toBe(1);
    expect(rig.crm.mutate.get(id!)?.subject).toBe('Edited offline');
    expect(engine.getStatus().lastError).toBe('list broken');

    await rig.commands.update(row!.lid, { subject: 'Edited again' });
    rig.transport.rewrite = (req) => (isList(req.path) ? { status: 401, headers: {}, body: '{"success":false,"message":"expired"}' } : undefined);
    const auth = await engine.syncNow();
    expect(auth.push).toBeNull();
    expect(engine.getStatus().authRequired).toBe(true);
    expect(rig.crm.mutate.get(id!)?.subject).toBe('Edited offline');
  });

  it('the watermark does not move past a change whose detail could not be read', async () => {
    let serverNow = Date.parse('2030-06-01T09:00:00Z');
    rig = await startCostRig({ ...PLAIN, updatedSince: true, now: () => serverNow }, 'robust-watermark');
    const [x, y] = make(rig, 2);
    const engine = rig.engine({ pull: { followEntities: false } });
    await engine.pull();
    serverNow += 60_000;
    rig.crm.mutate.update(x!, { subject: 'X changed first' });
    serverNow += 60_000;
    rig.crm.mutate.update(y!, { subject: 'Y changed later' });
    rig.transport.rewrite = (req) => (req.path.endsWith(`/activities/${x}`) ? { status: 422, headers: {}, body: '{"success":false,"message":"cannot show"}' } : undefined);
    const second = await engine.pull();
    expect(second.pull).toMatchObject({ full: false, rowErrors: 1 });
    expect((await rig.db.activities.where('server_id').equals(y!).first())?.subject).toBe('Y changed later');
    rig.transport.rewrite = null;
    const third = await engine.pull();
    expect(third.pull?.full).toBe(false);
    expect((await rig.db.activities.where('server_id').equals(x!).first())?.subject).toBe('X changed first');
  });
});

describe('values this version does not know (finding 2, with the domain keeping raw values)', () => {
  it('activities with an unknown type or status are stored raw, and every later sync completes and pushes', async () => {
    rig = await startCostRig({ ...PLAIN, unknownValues: true }, 'robust-unknown');
    rig.crm.seedActivities(30, { assignedUserId: ME, assignedShare: 1 });
    const engine = rig.engine({ pull: { followEntities: false } });
    const first = await engine.syncNow();
    expect(first.error).toBeNull();
    const rows = await rig.db.activities.toArray();
    expect(rows.length).toBe(30);
    expect(rows.some((r) => (r.status as string) === 'on_hold')).toBe(true);
    expect(rows.some((r) => (r.type as string) === 'sms')).toBe(true);
    const editable = rows.find((r) => r.status === 'pending')!;
    await rig.commands.update(editable.lid, { subject: 'Still pushes' });
    const second = await engine.syncNow();
    expect(second).toMatchObject({ error: null, pull: { rowErrors: 0, invalid: 0 }, push: { succeeded: 1 } });
    expect(rig.crm.mutate.get(editable.server_id!)?.subject).toBe('Still pushes');
  });
});

describe('one local row per server record (finding 5)', () => {
  it('the same id twice in a page, and again in later pages fetched in parallel, makes one row', async () => {
    rig = await startCostRig({ ...PLAIN, perPageCap: 10 }, 'robust-dup');
    make(rig, 45);
    let repeat: Record<string, unknown> | null = null;
    rig.transport.rewrite = (req, res) => {
      if (!isList(req.path)) return undefined;
      return editJson(res, (b) => {
        const page = Number(/[?&]page=(\d+)/.exec(req.path)?.[1] ?? 1);
        if (page === 1) { repeat = b.data[0] ?? null; b.data.push({ ...b.data[0] }); }
        // An unstable sort: page 1's first item shows up again on every later page.
        else if (repeat) b.data.push({ ...repeat });
      });
    };
    const engine = rig.engine({ pull: { followEntities: false }, concurrency: 4 });
    const r = await engine.pull();
    const rows = await rig.db.activities.toArray();
    expect(new Set(rows.map((x) => x.server_id)).size).toBe(45);
    expect(rows.length).toBe(45);
    expect(r.pull?.duplicates).toBe(5);
  });
});

describe('page bounds (finding 7)', () => {
  it('pageCount trusts total/per_page and a hard cap, not an absurd last_page', () => {
    const meta = (last_page: number, total = 95, per_page = 20) => ({ current_page: 1, per_page, total, last_page });
    expect(pageCount(meta(1e12), 20, 100)).toBe(5);
    expect(pageCount(meta(Number.NaN), 20, 100)).toBe(5);
    expect(pageCount(meta(Number.POSITIVE_INFINITY), 20, 100)).toBe(5);
    expect(pageCount(meta(-3), 20, 100)).toBe(5);
    expect(pageCount(meta(1e12, 1e12), 20, 100)).toBe(MAX_PAGES);
    expect(pageCount(meta(1e12, Number.NaN), 20, 100)).toBe(MAX_PAGES);
    expect(pageCount(meta(3, 95, 0), 20, 100)).toBe(3);
    expect(pageCount(meta(0, 0), 0, 100)).toBe(1);
  });

  it('a server claiming 10^12 pages costs its real pages; paging stops at the first empty page', async () => {
    rig = await startCostRig({ ...PLAIN, perPageCap: 20 }, 'robust-bounds');
    make(rig, 95);
    rig.transport.rewrite = (req, res) => (isList(req.path) ? editJson(res, (b) => { b.meta.last_page = 1e12; }) : undefined);
    const engine = rig.engine({ pull: { followEntities: false }, concurrency: 3 });
    const r = await engine.pull();
    expect(r.error).toBeNull();
    expect(r.pull).toMatchObject({ pages: 5, items: 95 });
    expect(countOf(rig.transport, LIST)).toBe(5);

    // Total and last_page both lie: the empty page ends it (a few in flight at most).
    rig.transport.rewrite = (req, res) => (isList(req.path) ? editJson(res, (b) => { b.meta.last_page = 1e12; b.meta.total = 1e12; }) : undefined);
    rig.transport.reset();
    const again = await engine.pull({ full: true });
    expect(again.error).toBeNull();
    expect(countOf(rig.transport, LIST)).toBeLessThanOrEqual(5 + 1 + 3);
    expect(countOf(rig.transport, DETAIL)).toBe(0);
  });

  it('the directory pull is bounded the same way', async () => {
    rig = await startCostRig(PLAIN, 'robust-dir');
    rig.transport.rewrite = (req, res) => (/\/(leads|customers|opportunities|contacts|users)(\?|$)/.test(req.path)
      ? editJson(res, (b) => { b.meta.last_page = 1e12; b.meta.total = 1e12; })
      : undefined);
    const engine = rig.engine();
    const counts = await engine.pullDirectory();
    expect(counts.customer).toBe(DIRECTORY.customers.length);
    expect(rig.transport.requests).toBeLessThanOrEqual(5 * (2 + 6));
  });
});
