/**
 * The write path against a CRM without the extensions (no Idempotency-Key, ETag, updated_since or
 * /users/me; per_page capped at 50; list items as the guide's list example), reading the guide's
 * own answers: partial write answers, a resend after a lost answer, the copy of a cancel with
 * reschedule found from list items that carry only `activityable: {id, name}`, an HTML page with
 * 200 after a committed write, and a bulk of unknown outcome. The stand-in CRM runs for real; a
 * real proxy in front of it (crm-proxy.ts) reshapes, replaces or drops chosen answers.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchTransport } from '#shared/api/fetch-transport';
import { createCommands, type Commands } from '#shared/sync/commands';
import { createSyncEngine, type SyncEngine } from '#shared/sync/engine';
import { CLIENT_MARKER, MAX_LOOKUP_DETAILS } from '#shared/sync/push';
import { freshDb } from '#shared/sync/store.testing';
import type { FieldbookDB } from '#shared/sync/db';
import { DIRECTORY, GUIDE_IDS, startCrmServer, type CrmServer, type CrmServerOptions } from '../crm-server/index.ts';
import { guideWriteShape, startCrmProxy, type AnswerHook, type CrmProxy, type SeenRequest } from './crm-proxy.ts';

const ME = GUIDE_IDS.jane;
const CUSTOMER = DIRECTORY.customers[1]!.id;
const OPPORTUNITY = DIRECTORY.opportunities[0]!.id;

interface Rig {
  crm: CrmServer;
  proxy: CrmProxy;
  db: FieldbookDB;
  commands: Commands;
  engine: SyncEngine;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The stand-in with every extension off, behind the proxy; the app talks to the proxy. */
async function rig(answer: AnswerHook = guideWriteShape, label = 'plain-writes', server: CrmServerOptions = {}): Promise<Rig> {
  const crm = await startCrmServer({
    port: 0, idempotency: false, etag: false, updatedSince: false, usersMe: false, listOmitsFields: true, perPageCap: 50, ...server,
  });
  const proxy = await startCrmProxy(crm.url, answer);
  const db = freshDb(label);
  const commands = createCommands(db, { currentUser: () => ({ id: ME, name: 'Jane Manager' }) });
  const transport = createFetchTransport({ baseUrl: proxy.url, getToken: () => crm.token, defaultTimeoutMs: 5_000 });
  const engine = createSyncEngine({
    db, transport, currentUserId: () => ME, intervalMs: 0, debounceMs: 3_600_000,
    backoff: { baseMs: 1, maxMs: 5, factor: 2 }, pull: { followEntities: false },
  });
  cleanups.push(async () => {
    await engine.stop();
    db.close();
    await proxy.close();
    await crm.close();
  });
  return { crm, proxy, db, commands, engine };
}

/** The n-th (1-based) request that matches gets the given action; every other answer is the guide's shape. */
function onNth(match: (r: SeenRequest) => boolean, n: number, action: 'drop' | 'html'): AnswerHook {
  let seen = 0;
  return (req, res) => {
    if (match(req) && ++seen === n) {
      return action === 'drop' ? 'drop' : { status: 200, body: '<html><body><h1>Welcome</h1>Service notice</body></html>', contentType: 'text/html' };
    }
    return guideWriteShape(req, res);
  };
}

/** Server records (soft-deleted included) with this subject. */
function countBySubject(crm: CrmServer, subject: string): number {
  const row = crm.db.prepare("SELECT COUNT(*) AS n FROM activity_docs WHERE json_extract(data, '$.subject') = ?").get(subject) as { n: number };
  return row.n;
}

const writes = (p: CrmProxy) => p.log.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/^\/api\/v1\/crm\/activities/, '').replace(/\/[0-9a-z]{26}/g, '/:id')}`);
const isPatch = (r: SeenRequest) => r.method === 'PATCH';

async function synced(r: Rig, subject: string, extra: Record<string, unknown> = {}) {
  const row = await r.commands.create({ type: 'call', subject, activityable_type: 'customer', activityable_id: CUSTOMER, due_at: '2031-03-03T10:00:00Z', ...extra });
  await r.engine.push();
  const sid = (await r.db.activities.get(row.lid))?.server_id;
  if (!sid) throw new Error(`${subject} was not created`);
  return { lid: row.lid, sid };
}

describe('write answers in the guide’s shapes', () => {
  // Two sources of the guide's shapes: this file's proxy over the stand-in, and the stand-in's own plain profile.
  const passThrough: AnswerHook = () => undefined;
  const sources: [string, AnswerHook, CrmServerOptions][] = [
    ['reshaped by the proxy', guideWriteShape, {}],
    ['the stand-in’s plain profile', passThrough, { plain: true }],
  ];
  it.each(sources)('%s: applied once, nothing resent, each row’s base is what the CRM has, the cancel’s copy is mapped', async (_name, answer, server) => {
    const r = await rig(answer, 'plain-writes', server);
    const a = await r.commands.create({
      type: 'call', subject: 'Pricing call', activityable_type: 'opportunity', activityable_id: OPPORTUNITY,
      due_at: '2031-03-03T10:00:00Z', reminder_at: '2031-03-03T09:45:00Z', tags: ['pricing'], custom_fields: { purpose: 'follow_up' },
    });
    const b = await r.commands.create({ type: 'task', subject: 'Send deck', activityable_type: 'customer', activityable_id: CUSTOMER, tags: ['deck'] });
    const c = await r.commands.create({ type: 'meeting', subject: 'QBR', activityable_type: 'customer', activityable_id: CUSTOMER, due_at: '2031-03-04T14:00:00Z' });
    expect((await r.engine.push()).push).toMatchObject({ succeeded: 3, failed: 0, retried: 0 });
    expect(writes(r.proxy)).toEqual(['POST ', 'POST ', 'POST ']);
    r.proxy.log.length = 0;

    await r.commands.update(a.lid, { due_at: '2031-03-03T11:00:00Z', duration_minutes: 45, description: 'With the IT team', tags: ['pricing', 'technical-review'] });
    await r.commands.reschedule(a.lid, { new_due_at: '2031-03-10T11:00:00Z', update_reminder: true });
    await r.commands.complete(b.lid, { outcome: 'Sent', duration_minutes: 10, tags: ['done'] });
    const { rescheduled } = await r.commands.cancel(c.lid, { reason: 'Moved', reschedule: true, reschedule_date: '2031-03-11T14:00:00Z' });
    await r.commands.update(rescheduled!.lid, { location: 'Board room' });

    const report = await r.engine.push();
    expect(report.push).toMatchObject({ succeeded: 5, failed: 0, retried: 0, conflicts: 0 });
    expect(await r.db.outbox.count()).toBe(0);
    // Every write went out exactly once.
    expect(writes(r.proxy).sort()).toEqual(['PATCH /:id', 'PATCH /:id', 'POST /:id/cancel', 'POST /:id/complete', 'POST /:id/reschedule']);

    for (const lid of [a.lid, b.lid, c.lid, rescheduled!.lid]) {
      const row = await r.db.activities.get(lid);
      expect(row?.sync).toBe('synced');
      const server = r.crm.mutate.get(row!.server_id!)!;
      for (const f of ['type', 'status', 'subject', 'description', 'activityable_type', 'activityable_id', 'assigned_user_id', 'duration_minutes', 'location', 'tags', 'outcome', 'rescheduled_count'] as const) {
        expect(row?.base?.[f], `${row?.subject} base.${f}`).toEqual(server[f]);
        expect(row?.[f], `${row?.subject} ${f}`).toEqual(server[f]);
      }
      for (const f of ['due_at', 'reminder_at', 'previous_due_at'] as const) {
        const mine = row?.base?.[f];
        expect(mine ? Date.parse(mine) : null, `${row?.subject} base.${f}`).toBe(server[f] ? Date.parse(server[f]) : null);
      }
      expect(row?.base?.custom_fields).toEqual(server.custom_fields);
    }
    // The copy the cancel made on the server is the local copy's record (not a second one).
    const copyRow = await r.db.activities.get(rescheduled!.lid);
    expect(r.crm.mutate.get(copyRow!.server_id!)).toMatchObject({ status: 'pending', subject: 'QBR', location: 'Board room' });
    expect(countBySubject(r.crm, 'QBR')).toBe(2);
  });
});

describe('a resend after a lost answer', () => {
  it('is checked against the server first: a PATCH to waiting that committed is done, and the delete behind it reaches the CRM', async () => {
    const r = await rig(onNth(isPatch, 1, 'drop'));
    const { lid, sid } = await synced(r, 'Wait for the customer');
    await r.commands.update(lid, { status: 'waiting', description: 'Customer reviews the quote' });
    await r.commands.delete(lid);
    const report = await r.engine.push();

    expect(report.push).toMatchObject({ failed: 0, conflicts: 0 });
    expect(r.proxy.log.filter(isPatch).map((x) => x.answered)).toEqual(['drop']);
    expect(r.crm.mutate.get(sid)?.deleted_at).not.toBeNull();
    expect(await r.db.outbox.count()).toBe(0);
    expect(await r.db.conflicts.count()).toBe(0);
    expect(await r.db.activities.get(lid)).toBeUndefined();
  });

  it('a 409 after a maybe-sent update is not a conflict when the server shows the update', async () => {
    // The first answer is lost; the check before the resend reads a stale copy (a lagging read
    // replica still says pending), so the PATCH goes again and the CRM refuses it because of the first one.
    let patches = 0;
    let stale = false;
    const r = await rig((req, res) => {
      if (isPatch(req) && ++patches === 1) return 'drop';
      if (patches === 1 && !stale && req.method === 'GET' && /\/activities\/[^/]+$/.test(req.path)) {
        stale = true;
        const env = res.body as { data: Record<string, unknown> };
        return { status: 200, body: JSON.stringify({ ...env, data: { ...env.data, status: 'pending' } }) };
      }
      return guideWriteShape(req, res);
    });
    const { lid, sid } = await synced(r, 'Waiting twice');
    await r.commands.update(lid, { status: 'waiting' });
    await r.commands.delete(lid);
    const report = await r.engine.push();
    expect(report.push).toMatchObject({ failed: 0, conflicts: 0 });
    expect(r.proxy.log.filter(isPatch).map((x) => x.answered)).toEqual(['drop', 409]);
    expect(r.crm.mutate.get(sid)?.deleted_at).not.toBeNull();
    expect(await r.db.conflicts.count()).toBe(0);
  });
});

describe('cancel with reschedule, its answer lost', () => {
  it('maps the server’s copy from list items that carry only activityable {id, name}; the copy’s own change reaches it', async () => {
    const isCancel = (q: SeenRequest) => q.method === 'POST' && q.path.endsWith('/cancel');
    const r = await rig(onNth(isCancel, 1, 'drop'));
    const { lid, sid } = await synced(r, 'Site visit');
    const { rescheduled } = await r.commands.cancel(lid, { reason: 'Rain', reschedule: true, reschedule_date: '2031-03-12T09:00:00Z' });
    await r.commands.update(rescheduled!.lid, { description: 'Bring boots' });
    const report = await r.engine.push();

    expect(report.push).toMatchObject({ failed: 0, conflicts: 0 });
    expect(await r.db.outbox.count()).toBe(0);
    // The list items the lookup read really had no activityable_id.
    const lists = r.proxy.log.filter((x) => x.method === 'GET' && x.path.endsWith('/activities'));
    expect(lists.length).toBeGreaterThan(0);
    expect(r.crm.mutate.get(sid)).toMatchObject({ status: 'cancelled', cancellation_reason: 'Rain' });
    const child = await r.db.activities.get(rescheduled!.lid);
    expect(child?.server_id).toBeTruthy();
    expect(child?.server_id).not.toBe(sid);
    expect(r.crm.mutate.get(child!.server_id!)).toMatchObject({ status: 'pending', subject: 'Site visit', description: 'Bring boots' });
    // One copy on the server, no second cancel.
    expect(writes(r.proxy).filter((w) => w.endsWith('/cancel'))).toHaveLength(1);
  });
});

describe('an HTML page with 200 after a committed write', () => {
  const html = (match: (q: SeenRequest) => boolean) => onNth(match, 1, 'html');

  it('is an unknown outcome checked by GET: the update is done, never failed, and the delete behind it goes out', async () => {
    const r = await rig(html(isPatch));
    const { lid, sid } = await synced(r, 'Portal page');
    await r.commands.update(lid, { status: 'waiting' });
    await r.commands.delete(lid);
    const report = await r.engine.push();
    expect(report.push).toMatchObject({ failed: 0, conflicts: 0 });
    expect(r.proxy.log.filter(isPatch).map((x) => x.answered)).toEqual([200]);
    expect(r.crm.mutate.get(sid)?.deleted_at).not.toBeNull();
    expect(await r.db.outbox.count()).toBe(0);
  });

  it('after a create: the record is found by its marker, not created twice', async () => {
    const isCreate = (q: SeenRequest) => q.method === 'POST' && q.path === '/api/v1/crm/activities';
    const r = await rig(html(isCreate));
    const row = await r.commands.create({ type: 'call', subject: 'Once only', activityable_type: 'customer', activityable_id: CUSTOMER, due_at: '2031-03-05T10:00:00Z' });
    const report = await r.engine.push();
    expect(report.push).toMatchObject({ failed: 0 });
    expect(r.proxy.log.filter(isCreate)).toHaveLength(1);
    const sid = (await r.db.activities.get(row.lid))?.server_id;
    expect(r.crm.mutate.get(sid!)).toMatchObject({ subject: 'Once only' });
    expect(countBySubject(r.crm, 'Once only')).toBe(1);
  });
});

describe('a create of unknown outcome among look-alikes', () => {
  it('is found by its marker with a bounded number of detail reads (newest first), not created twice', async () => {
    const isCreate = (q: SeenRequest) => q.method === 'POST' && q.path === '/api/v1/crm/activities';
    const r = await rig(onNth(isCreate, 1, 'drop'));
    const due = '2031-03-06T10:00:00Z';
    for (let i = 0; i < 30; i++) r.crm.mutate.create({ type: 'call', subject: 'Weekly check-in', activityable_type: 'customer', activityable_id: CUSTOMER, due_at: due });
    const row = await r.commands.create({ type: 'call', subject: 'Weekly check-in', activityable_type: 'customer', activityable_id: CUSTOMER, due_at: due });
    const report = await r.engine.push();
    expect(report.push).toMatchObject({ failed: 0 });
    expect(r.proxy.log.filter(isCreate)).toHaveLength(1);
    expect(countBySubject(r.crm, 'Weekly check-in')).toBe(31);
    const details = r.proxy.log.filter((q) => q.method === 'GET' && /\/activities\/[^/]+$/.test(q.path));
    expect(details.length).toBeLessThanOrEqual(MAX_LOOKUP_DETAILS);
    expect(r.crm.mutate.get((await r.db.activities.get(row.lid))!.server_id!)?.custom_fields).toHaveProperty(CLIENT_MARKER);
  });
});

describe('a bulk of unknown outcome on a server without idempotency', () => {
  it('is never resent as a whole: its members are checked one by one and found done', async () => {
    const isBulk = (q: SeenRequest) => q.method === 'POST' && q.path.endsWith('/bulk-actions');
    const r = await rig(onNth(isBulk, 1, 'drop'));
    const one = await synced(r, 'Bulk one');
    const two = await synced(r, 'Bulk two');
    await r.commands.bulk({ action: 'complete', lids: [one.lid, two.lid], parameters: { outcome: 'Done in bulk' } });
    const report = await r.engine.push();
    expect(report.push).toMatchObject({ failed: 0, conflicts: 0 });
    expect(r.proxy.log.filter(isBulk)).toHaveLength(1);
    expect(writes(r.proxy).filter((w) => w.endsWith('/complete'))).toEqual([]);
    expect(r.crm.mutate.get(one.sid)).toMatchObject({ status: 'completed', outcome: 'Done in bulk' });
    expect(r.crm.mutate.get(two.sid)).toMatchObject({ status: 'completed', outcome: 'Done in bulk' });
    expect(await r.db.outbox.count()).toBe(0);
  });
});
