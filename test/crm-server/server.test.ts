import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCrmServer, type CrmServer } from './index.ts';
import { client, clock, type Json } from './helpers.testing.ts';

const A = '/api/v1/crm/activities';
const OPP = '01hwxyz823abc456def789ghi0';
const JANE = '01hwxyz623abc456def789ghi0';

const minimal = (subject: string) => ({ type: 'call', subject, activityable_type: 'opportunity', activityable_id: OPP });

describe('stand-in CRM basics', () => {
  let crm: CrmServer;
  let call: ReturnType<typeof client>;
  const time = clock('2025-12-17T22:00:00Z');

  beforeEach(async () => {
    time.set('2025-12-17T22:00:00Z');
    crm = await startCrmServer({ now: time.now });
    call = client(crm);
  });
  afterEach(() => crm.close());

  it('creates, lists and shows an activity with defaults from the contract', async () => {
    const created = await call<{ data: Json }>('POST', A, minimal('Kickoff call'));
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    expect(id).toMatch(/^[0-9a-z]{26}$/);
    expect(created.body.data).toMatchObject({ status: 'pending', priority: 'medium', assigned_user_id: JANE, created_at: '2025-12-17T22:00:00Z' });
    const list = await call<{ data: Json[]; meta: Json }>('GET', A);
    expect(list.body.data.map((a) => a.id)).toEqual([id]);
    expect(list.body.meta).toEqual({ current_page: 1, per_page: 25, total: 1, last_page: 1 });
    const detail = await call<{ data: Json }>('GET', `${A}/${id}`);
    expect(detail.body.data.subject).toBe('Kickoff call');
    expect(detail.headers.get('etag')).toBe(created.headers.get('etag'));
  });

  it('answers 401 without or with a wrong bearer token', async () => {
    const none = await call('GET', A, undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ success: false });
    expect((await call('GET', A, undefined, { token: 'nope' })).status).toBe(401);
  });

  it('replays a create sent twice with the same Idempotency-Key and stores one activity', async () => {
    const headers = { 'Idempotency-Key': 'op-1' };
    const first = await call<{ data: Json }>('POST', A, minimal('Once only'), { headers });
    const second = await call<{ data: Json }>('POST', A, minimal('Once only'), { headers });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(crm.store.countActivities()).toBe(1);
  });
});
