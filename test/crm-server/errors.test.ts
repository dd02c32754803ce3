/** Every error case of the contract: 400, 401, 404, 405, 409 (each disallowed cell), 412, 422. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_TABLE, ACTIVITY_STATUSES, type ActivityStatus } from '#shared/domain/index';
import { GUIDE_IDS, startCrmServer, type CrmServer } from './index.ts';
import { client, clock, type Json } from './helpers.testing.ts';

const A = '/api/v1/crm/activities';
type Body = Json & { data: Json; errors?: Record<string, string[]>; message: string };

const base = {
  type: 'call', subject: 'Pricing call with CFO', activityable_type: 'opportunity', activityable_id: GUIDE_IDS.acmeOpportunity,
  due_at: '2025-12-22T10:00:00Z',
};

let crm: CrmServer;
let call: ReturnType<typeof client>;
const time = clock('2025-12-17T22:00:00Z');

beforeAll(async () => {
  crm = await startCrmServer({ now: time.now });
  call = client(crm);
});
afterAll(() => crm.close());

/** A fresh activity forced into `status` (as another system might have left it). */
function activityIn(status: ActivityStatus): string {
  const a = crm.mutate.create({ ...base, type: 'call', activityable_type: 'opportunity' });
  crm.store.putActivity({ ...a, status });
  return a.id;
}

function expectError(res: { status: number; body: unknown }, status: number): Body {
  expect(res.status).toBe(status);
  const body = res.body as Body;
  expect(body.success).toBe(false);
  expect(body.message).toEqual(expect.any(String));
  for (const list of Object.values(body.errors ?? {})) {
    expect(list.length).toBeGreaterThan(0);
    for (const m of list) expect(m.length).toBeGreaterThan(0);
  }
  return body;
}

describe('400 malformed JSON', () => {
  it('refuses a body that is not JSON, on create and on update, and stores nothing', async () => {
    const before = crm.store.countActivities();
    const bad = await call('POST', A, undefined, { raw: '{"type": "call",', headers: { 'Content-Type': 'application/json' } });
    expect(expectError(bad, 400).errors?.body).toBeDefined();
    const id = activityIn('pending');
    expectError(await call('PATCH', `${A}/${id}`, undefined, { raw: 'subject=x' }), 400);
    expect(crm.store.countActivities()).toBe(before + 1);
  });
});

describe('413', () => {
  it('refuses a body over 1 MB', async () => {
    const res = await call('POST', A, { ...base, description: 'x'.repeat(1_100_000) });
    expectError(res, 413);
  });
});

describe('401', () => {
  it('refuses missing, malformed and unknown tokens on every kind of route', async () => {
    for (const [method, path] of [['GET', A], ['POST', A], ['GET', '/api/v1/crm/customers'], ['GET', '/api/v1/crm/users/me']] as const) {
      expectError(await call(method, path, method === 'POST' ? base : undefined, { token: null }), 401);
      expectError(await call(method, path, undefined, { token: 'wrong' }), 401);
    }
    const basic = await call('GET', A, undefined, { token: null, headers: { Authorization: 'Basic ZGV2OmRldg==' } });
    expectError(basic, 401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('404', () => {
  it('answers 404 for an unknown id on detail, update, delete and every action', async () => {
    const missing = '01hwxyzZZ3abc456def789ghi0';
    expectError(await call('GET', `${A}/${missing}`), 404);
    expectError(await call('PATCH', `${A}/${missing}`, { subject: 'x' }), 404);
    expectError(await call('PUT', `${A}/${missing}`, { subject: 'x' }), 404);
    expectError(await call('DELETE', `${A}/${missing}`), 404);
    for (const action of ['complete', 'cancel', 'reschedule']) {
      expectError(await call('POST', `${A}/${missing}/${action}`, { new_due_at: '2025-12-30T10:00:00Z' }), 404);
    }
    expectError(await call('GET', `/api/v1/crm/customers/${missing}`), 404);
    expectError(await call('PATCH', `/api/v1/crm/opportunities/${missing}`, { value: 1 }), 404);
    expectError(await call('GET', '/api/v1/crm/widgets'), 404);
  });

  it('answers 405 for a method a route does not take', async () => {
    expectError(await call('DELETE', A), 405);
    expectError(await call('GET', `${A}/${GUIDE_IDS.activityB}/complete`), 405);
  });
});

describe('409: every cell the action table refuses', () => {
  const bodies = {
    update: { subject: 'Renamed' },
    complete: { outcome: 'Done' },
    cancel: { reason: 'No longer needed' },
    reschedule: { new_due_at: '2025-12-30T10:00:00Z' },
  } as const;
  const paths: Record<keyof typeof bodies, (id: string) => [string, string]> = {
    update: (id) => ['PATCH', `${A}/${id}`],
    complete: (id) => ['POST', `${A}/${id}/complete`],
    cancel: (id) => ['POST', `${A}/${id}/cancel`],
    reschedule: (id) => ['POST', `${A}/${id}/reschedule`],
  };

  for (const status of ACTIVITY_STATUSES) {
    for (const action of ['update', 'complete', 'cancel', 'reschedule'] as const) {
      const allowed = ACTION_TABLE[status][action] === 'yes';
      it(`${action} on ${status} → ${allowed ? 200 : 409}`, async () => {
        const id = activityIn(status);
        const [method, path] = paths[action](id);
        const res = await call<Body>(method, path, bodies[action]);
        if (allowed) {
          expect(res.status).toBe(200);
        } else {
          expectError(res, 409);
          // Refused means unchanged.
          expect(crm.mutate.get(id)?.status).toBe(status);
          expect(crm.mutate.get(id)?.subject).toBe(base.subject);
        }
      });
    }
    it(`delete on ${status} → 200 (soft delete in any status)`, async () => {
      const id = activityIn(status);
      expect((await call('DELETE', `${A}/${id}`)).status).toBe(200);
    });
  }

  it('matches the contract table for the cells most easily got wrong', () => {
    expect(ACTION_TABLE.in_progress.reschedule).toBe('no');
    expect(ACTION_TABLE.waiting.update).toBe('no');
    expect(ACTION_TABLE.deferred.complete).toBe('no');
  });

  it('lets a completed activity take notes only', async () => {
    const id = activityIn('completed');
    const notes = await call<Body>('PATCH', `${A}/${id}`, { description: 'Added later', outcome: 'Went well', tags: ['won'] });
    expect(notes.status).toBe(200);
    expect(notes.body.data).toMatchObject({ description: 'Added later', outcome: 'Went well', tags: ['won'], status: 'completed' });
    const other = expectError(await call('PATCH', `${A}/${id}`, { description: 'x', due_at: '2025-12-30T10:00:00Z' }), 409);
    expect(other.message).toContain('due_at');
  });

  it('refuses a PATCH to completed/cancelled (those are actions) with 422', async () => {
    const id = activityIn('pending');
    expect(expectError(await call('PATCH', `${A}/${id}`, { status: 'completed' }), 422).errors?.status).toBeDefined();
  });
});

describe('412 with If-Match', () => {
  it('accepts the current ETag or *, refuses a stale one and tells the current ETag', async () => {
    const created = await call<Body>('POST', A, base);
    const id = created.body.data.id as string;
    const etag1 = created.headers.get('etag') ?? '';
    expect(etag1).toMatch(/^"[0-9a-f]+"$/);

    const updated = await call<Body>('PATCH', `${A}/${id}`, { subject: 'Pricing call v2' }, { headers: { 'If-Match': etag1 } });
    expect(updated.status).toBe(200);
    const etag2 = updated.headers.get('etag') ?? '';
    expect(etag2).not.toBe(etag1);

    const stale = await call<Body>('PATCH', `${A}/${id}`, { subject: 'Lost update' }, { headers: { 'If-Match': etag1 } });
    expectError(stale, 412);
    expect(stale.headers.get('etag')).toBe(etag2);
    expectError(await call('POST', `${A}/${id}/complete`, {}, { headers: { 'If-Match': etag1 } }), 412);
    expectError(await call('DELETE', `${A}/${id}`, undefined, { headers: { 'If-Match': etag1 } }), 412);
    expect(crm.mutate.get(id)).toMatchObject({ subject: 'Pricing call v2', status: 'pending', deleted_at: null });

    expect((await call('PATCH', `${A}/${id}`, { priority: 'low' }, { headers: { 'If-Match': '*' } })).status).toBe(200);
    const detail = await call('GET', `${A}/${id}`);
    expect((await call('POST', `${A}/${id}/complete`, {}, { headers: { 'If-Match': `"nope", ${detail.headers.get('etag')}` } })).status).toBe(200);
  });

  it('changes the ETag when another user edits on the server', async () => {
    const created = await call<Body>('POST', A, base);
    const id = created.body.data.id as string;
    crm.mutate.update(id, { subject: 'Edited elsewhere' });
    expectError(await call('PATCH', `${A}/${id}`, { subject: 'Mine' }, { headers: { 'If-Match': created.headers.get('etag') ?? '' } }), 412);
  });
});

describe('422 validation', () => {
  it('names each missing required field', async () => {
    const res = expectError(await call('POST', A, {}), 422);
    expect(Object.keys(res.errors ?? {})).toEqual(expect.arrayContaining(['type', 'subject', 'activityable_type', 'activityable_id']));
  });

  it('refuses bad enums, dates and a reminder after the due time', async () => {
    const res = expectError(await call('POST', A, { ...base, type: 'lunch', priority: 'asap', due_at: 'tomorrow', follow_up_date: '2025-02-30' }), 422);
    expect(Object.keys(res.errors ?? {})).toEqual(expect.arrayContaining(['type', 'priority', 'due_at', 'follow_up_date']));
    const late = expectError(await call('POST', A, { ...base, reminder_at: '2025-12-22T11:00:00Z' }), 422);
    expect(late.errors?.reminder_at).toBeDefined();
  });

  it('answers "Related entity not found" for a bad activityable, contact or assignee', async () => {
    const before = crm.store.countActivities();
    const bad = expectError(await call('POST', A, { ...base, activityable_type: 'lead', activityable_id: GUIDE_IDS.acmeOpportunity }), 422);
    expect(bad.message).toBe('Related entity not found');
    expect(bad.errors?.activityable_id?.[0]).toContain('Related entity not found');
    const contact = expectError(await call('POST', A, { ...base, contact_id: 'no-such-contact' }), 422);
    expect(contact.errors?.contact_id).toBeDefined();
    const user = expectError(await call('POST', A, { ...base, assigned_user_id: 'no-such-user' }), 422);
    expect(user.errors?.assigned_user_id).toBeDefined();
    const id = activityIn('pending');
    expect(expectError(await call('PATCH', `${A}/${id}`, { contact_id: 'nobody' }), 422).message).toBe('Related entity not found');
    expect(crm.store.countActivities()).toBe(before + 1);
  });

  it('validates action bodies, list parameters and search length', async () => {
    const id = activityIn('pending');
    expect(expectError(await call('POST', `${A}/${id}/reschedule`, {}), 422).errors?.new_due_at).toBeDefined();
    expect(expectError(await call('POST', `${A}/${id}/cancel`, { reschedule: true }), 422).errors?.reschedule_date).toBeDefined();
    expect(expectError(await call('POST', `${A}/${id}/complete`, { duration_minutes: -5 }), 422).errors?.duration_minutes).toBeDefined();
    expect(expectError(await call('PATCH', `${A}/${id}`, {}), 422).errors).toBeDefined();
    expect(expectError(await call('GET', `${A}/search?q=a`), 422).errors?.q).toBeDefined();
    expect(expectError(await call('GET', `${A}/search`), 422).errors?.q).toBeDefined();
    expect(expectError(await call('GET', `${A}?per_page=abc`), 422).errors?.per_page).toBeDefined();
    expect(expectError(await call('GET', `${A}?sort_by=subject`), 422).errors?.sort_by).toBeDefined();
    expect(expectError(await call('GET', `${A}?status=lost`), 422).errors?.status).toBeDefined();
    expect(expectError(await call('GET', `${A}?due_date_from=2025-12-20&due_date_to=2025-12-01`), 422).errors?.due_date_to).toBeDefined();
    expect(expectError(await call('GET', `${A}/${id}?includes=owner`), 422).errors?.includes).toBeDefined();
  });

  it('validates directory writes', async () => {
    expect(expectError(await call('POST', '/api/v1/crm/opportunities', { name: 'No customer' }), 422).errors?.customer_id).toBeDefined();
    const unknown = expectError(await call('POST', '/api/v1/crm/opportunities', { name: 'X', customer_id: 'nobody' }), 422);
    expect(unknown.message).toBe('Related entity not found');
    expect(expectError(await call('PATCH', `/api/v1/crm/customers/${GUIDE_IDS.customer423}`, { status: 'angry' }), 422).errors?.status).toBeDefined();
    expect(expectError(await call('PATCH', `/api/v1/crm/customers/${GUIDE_IDS.customer423}`, { time_zone: 'Mars/Base' }), 422).errors?.time_zone).toBeDefined();
  });
});
