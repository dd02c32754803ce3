/**
 * Values the guide does not list (a real CRM may add types, statuses, priorities): `unknownValues`
 * seeds some (status on_hold, type sms), `mutate.rawSet` writes any. They are stored and served
 * raw; an unknown status allows only delete (409 for every other action).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '#shared/domain/index';
import { GUIDE_IDS, UNKNOWN_STATUS, UNKNOWN_TYPE, startCrmServer, type CrmServer, type CrmServerOptions } from './index.ts';
import { client, type Json } from './helpers.testing.ts';

const API = '/api/v1/crm';
type Body = Json & { data?: unknown; meta?: { last_page: number; total: number } };

let crm: CrmServer | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

async function start(options: CrmServerOptions = {}) {
  crm = await startCrmServer({ demo: true, now: () => Date.parse('2025-12-17T22:00:00Z'), ...options });
  return { crm, call: client(crm) };
}

async function everything(call: ReturnType<typeof client>): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const res = await call<Body>('GET', `${API}/activities?per_page=100&page=${page}`);
    expect(res.status).toBe(200);
    out.push(...(res.body.data as Json[]));
    if (page >= (res.body.meta?.last_page ?? 1)) return out;
  }
}

describe('unknownValues', () => {
  it('seeds on_hold and sms activities, deterministically, and serves them raw in lists and detail', async () => {
    const { call } = await start({ unknownValues: true, plain: true });
    const all = await everything(call);
    const onHold = all.filter((a) => a.status === UNKNOWN_STATUS);
    const sms = all.filter((a) => a.type === UNKNOWN_TYPE);
    // 300 generated activities, one in ten of each.
    expect(onHold).toHaveLength(30);
    expect(sms).toHaveLength(30);
    const first = onHold[0] as Json;
    const detail = await call<Body>('GET', `${API}/activities/${String(first.id)}`);
    expect(detail.body.data).toMatchObject({ id: first.id, status: 'on_hold' });
    const filtered = await call<Body>('GET', `${API}/activities?per_page=100&status=pending`);
    expect((filtered.body.data as Json[]).every((a) => a.status === 'pending')).toBe(true);
    // The guide's own records keep the guide's values.
    const b = await call<Body>('GET', `${API}/activities/${GUIDE_IDS.activityB}`);
    expect(b.body.data).toMatchObject({ type: 'call', status: 'pending' });

    // Same seed → the same records get the unknown values.
    const ids = onHold.map((a) => a.id);
    await crm?.close();
    const again = await start({ unknownValues: true });
    expect((await everything(again.call)).filter((a) => a.status === UNKNOWN_STATUS).map((a) => a.id)).toEqual(ids);
  });

  it('is off by default', async () => {
    const { call } = await start();
    const all = await everything(call);
    expect(all.some((a) => a.status === UNKNOWN_STATUS || a.type === UNKNOWN_TYPE)).toBe(false);
  });

  it('also marks seedActivities: the 5th of ten on_hold, the 10th sms', async () => {
    const { crm: server } = await start({ demo: false, unknownValues: true });
    const ids = server.seedActivities(20);
    const got = ids.map((id) => server.mutate.get(id));
    expect(got.map((a, i) => (a?.status === UNKNOWN_STATUS ? i : -1)).filter((i) => i >= 0)).toEqual([4, 14]);
    expect(got.map((a, i) => (a?.type === UNKNOWN_TYPE ? i : -1)).filter((i) => i >= 0)).toEqual([9, 19]);
  });
});

describe('an activity in a status the action table does not know', () => {
  it('answers 409 to update, complete, cancel, reschedule (single and bulk); delete works', async () => {
    const { crm: server, call } = await start({ plain: true });
    const id = GUIDE_IDS.activityB;
    const set = server.mutate.rawSet(id, { status: 'on_hold' });
    expect(set.status).toBe('on_hold');
    const before = server.mutate.get(id);
    const attempts = [
      await call<Body>('PATCH', `${API}/activities/${id}`, { subject: 'Edited' }),
      await call<Body>('PUT', `${API}/activities/${id}`, { priority: 'low' }),
      await call<Body>('POST', `${API}/activities/${id}/complete`, { outcome: 'Done' }),
      await call<Body>('POST', `${API}/activities/${id}/cancel`, { reason: 'No' }),
      await call<Body>('POST', `${API}/activities/${id}/reschedule`, { new_due_at: '2025-12-30T10:00:00Z' }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ success: false, errors: { status: [expect.any(String)] } });
    }
    expect(server.mutate.get(id)).toEqual(before);
    const bulk = await call<Body>('POST', `${API}/activities/bulk-actions`, { action: 'complete', activity_ids: [id], parameters: {} });
    expect(bulk.body.data).toMatchObject({ succeeded: [], failed: [{ id, status: 409 }] });
    expect(() => server.mutate.complete(id)).toThrow(DomainError);
    expect(() => server.mutate.update(id, { subject: 'x' })).toThrow(DomainError);

    const detail = await call<Body>('GET', `${API}/activities/${id}`);
    expect(detail.body.data).toMatchObject({ status: 'on_hold', is_overdue: false });
    const del = await call<Body>('DELETE', `${API}/activities/${id}`);
    expect(del.status).toBe(200);
    expect((await call('GET', `${API}/activities/${id}`)).status).toBe(404);
  });

  it('an unknown type with a known status still takes actions', async () => {
    const { crm: server, call } = await start();
    server.mutate.rawSet(GUIDE_IDS.activityB, { type: 'sms' });
    const res = await call<Body>('POST', `${API}/activities/${GUIDE_IDS.activityB}/complete`, { outcome: 'Sent' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ type: 'sms', status: 'completed' });
  });
});

describe('mutate.rawSet', () => {
  it('writes fields verbatim, bumps updated_at, and an unknown priority still lists and sorts', async () => {
    let now = Date.parse('2025-12-17T22:00:00Z');
    crm = await startCrmServer({ demo: true, now: () => now });
    const call = client(crm);
    now = Date.parse('2025-12-18T08:00:00Z');
    const a = crm.mutate.rawSet(GUIDE_IDS.activityB, { type: 'sms', priority: 'p0' });
    expect(a).toMatchObject({ type: 'sms', priority: 'p0', updated_at: '2025-12-18T08:00:00Z' });
    expect(crm.mutate.rawSet(GUIDE_IDS.activityB, { updated_at: '2025-12-18T07:00:00Z' }).updated_at).toBe('2025-12-18T07:00:00Z');
    const list = await call<Body>('GET', `${API}/activities?per_page=100&sort_by=priority&sort_direction=asc`);
    expect(list.status).toBe(200);
    // Unknown priorities rank below low.
    expect((list.body.data as Json[])[0]).toMatchObject({ id: GUIDE_IDS.activityB, priority: 'p0', type: 'sms' });
    expect(() => crm?.mutate.rawSet('nope', { type: 'sms' })).toThrow(DomainError);
  });
});
