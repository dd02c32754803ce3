/** Idempotency-Key per the IETF draft: replay, key reuse with another body, concurrency, TTL, off switch. */
import { afterEach, describe, expect, it } from 'vitest';
import { GUIDE_IDS, startCrmServer, type CrmServer } from './index.ts';
import { client, clock, type Json } from './helpers.testing.ts';

const A = '/api/v1/crm/activities';
type Body = Json & { data: Json; message: string };
const create = (subject: string) => ({ type: 'call' as const, subject, activityable_type: 'customer' as const, activityable_id: GUIDE_IDS.customer575 });
const key = (k: string) => ({ headers: { 'Idempotency-Key': k } });

let crm: CrmServer | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

describe('Idempotency-Key', () => {
  it('replays actions too: a repeated complete returns the first 200, not a 409', async () => {
    crm = await startCrmServer({});
    const call = client(crm);
    const id = crm.mutate.create(create('Call Customer 575')).id;
    const first = await call<Body>('POST', `${A}/${id}/complete`, { outcome: 'Done' }, key('complete-1'));
    const again = await call<Body>('POST', `${A}/${id}/complete`, { outcome: 'Done' }, key('complete-1'));
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Without the key, the same request is refused by the status rules.
    expect((await call('POST', `${A}/${id}/complete`, { outcome: 'Done' })).status).toBe(409);
    expect(crm.stats().replays).toBe(1);
  });

  it('replays error replies as well (the same 422 again)', async () => {
    crm = await startCrmServer({});
    const call = client(crm);
    const a = await call('POST', A, { subject: 'no type' }, key('bad-1'));
    const b = await call('POST', A, { subject: 'no type' }, key('bad-1'));
    expect([a.status, b.status]).toEqual([422, 422]);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 422 when a key is reused for a different body or route, and changes nothing', async () => {
    crm = await startCrmServer({});
    const call = client(crm);
    expect((await call('POST', A, create('First'), key('k-1'))).status).toBe(201);
    const other = await call<Body>('POST', A, create('Second'), key('k-1'));
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ success: false, errors: { idempotency_key: [expect.any(String)] } });
    expect((await call('POST', '/api/v1/crm/opportunities', { name: 'X', customer_id: GUIDE_IDS.customer575 }, key('k-1'))).status).toBe(422);
    expect(crm.store.countActivities()).toBe(1);
  });

  it('answers 409 to a repeat that arrives while the first is still being handled', async () => {
    crm = await startCrmServer({ latencyMs: 800 });
    const call = client(crm);
    const [a, b] = await Promise.all([call('POST', A, create('Racing'), key('race-1')), call('POST', A, create('Racing'), key('race-1'))]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const c = await call('POST', A, create('Racing'), key('race-1'));
    expect(c.status).toBe(201);
    expect(c.headers.get('idempotent-replayed')).toBe('true');
    expect(crm.store.countActivities()).toBe(1);
  });

  it('keys are scoped per user', async () => {
    crm = await startCrmServer({ tokens: { 'hannah-token': GUIDE_IDS.userH } });
    const jane = client(crm);
    const hannah = client({ url: crm.url, token: 'hannah-token' });
    const a = await jane<Body>('POST', A, create('Shared key'), key('same'));
    const b = await hannah<Body>('POST', A, create('Shared key'), key('same'));
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.data.id).not.toBe(a.body.data.id);
    expect(b.body.data.assigned_user_id).toBe(GUIDE_IDS.userH);
  });

  it('keeps keys for 30 days, then forgets them', async () => {
    const time = clock('2025-12-01T09:00:00Z');
    crm = await startCrmServer({ now: time.now });
    const call = client(crm);
    await call('POST', A, create('Kept'), key('old-key'));
    time.set('2025-12-30T09:00:00Z');
    expect((await call('POST', A, create('Kept'), key('old-key'))).headers.get('idempotent-replayed')).toBe('true');
    time.set('2026-01-01T09:00:01Z');
    const late = await call('POST', A, create('Kept'), key('old-key'));
    expect(late.status).toBe(201);
    expect(late.headers.get('idempotent-replayed')).toBeNull();
    expect(crm.db.prepare("SELECT created_ms FROM idempotency WHERE key = 'old-key'").pluck().get()).toBe(Date.parse('2026-01-01T09:00:01Z'));
    expect(crm.store.countActivities()).toBe(2);
  });

  it('with idempotency off, ignores the header and does not advertise it', async () => {
    crm = await startCrmServer({ idempotency: false });
    const call = client(crm);
    const a = await call<Body>('POST', A, create('Twice'), key('ignored'));
    const b = await call<Body>('POST', A, create('Twice'), key('ignored'));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.data.id).not.toBe(a.body.data.id);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.headers.get('x-crm-extensions')).toBe('etag, updated-since, users-me');
    expect(crm.store.countActivities()).toBe(2);
  });

  it('advertises idempotency when on', async () => {
    crm = await startCrmServer({});
    const res = await client(crm)('GET', A);
    expect(res.headers.get('x-crm-extensions')).toBe('idempotency, etag, updated-since, users-me');
  });

  it('refuses an empty or over-long key', async () => {
    crm = await startCrmServer({});
    const call = client(crm);
    expect((await call('POST', A, create('x'), key(' '))).status).toBe(400);
    expect((await call('POST', A, create('x'), key('k'.repeat(256)))).status).toBe(400);
    expect(crm.store.countActivities()).toBe(0);
  });
});
