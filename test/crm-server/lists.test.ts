/** List semantics (filters, sort, paging, search, includes, updated_since), soft delete, bulk actions, directory. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateActivityInput } from '#shared/domain/index';
import { GUIDE_IDS, startCrmServer, type CrmServer } from './index.ts';
import { client, clock, type Json } from './helpers.testing.ts';

const A = '/api/v1/crm/activities';
type Page = Json & { data: Json[]; meta: Json & { per_page: number; total: number; last_page: number; current_page: number } };
type One = Json & { data: Json };

const time = clock('2025-12-17T22:00:00Z');
let crm: CrmServer;
let call: ReturnType<typeof client>;
const id: Record<string, string> = {};

const opp = { activityable_type: 'opportunity', activityable_id: GUIDE_IDS.acmeOpportunity } as const;
const c575 = { activityable_type: 'customer', activityable_id: GUIDE_IDS.customer575 } as const;

beforeAll(async () => {
  crm = await startCrmServer({ now: time.now });
  call = client(crm);
  const make = (name: string, at: string, input: CreateActivityInput) => {
    time.set(at);
    id[name] = crm.mutate.create(input).id;
  };
  make('a1', '2025-12-01T09:00:00Z', { type: 'call', subject: 'Pricing Discussion with CFO', description: 'Budget review', priority: 'high', due_at: '2025-12-18T09:00:00Z', contact_id: GUIDE_IDS.johnSmith, ...opp });
  make('a2', '2025-12-03T09:00:00Z', { type: 'email', subject: 'Send proposal', description: 'Include the PRICING sheet', priority: 'low', assigned_user_id: GUIDE_IDS.userH, due_at: '2025-12-19T23:59:59Z', ...c575 });
  make('a3', '2025-12-02T09:00:00Z', { type: 'meeting', subject: 'QBR', priority: 'critical', due_at: '2025-12-20T00:00:00Z', ...c575 });
  make('a4', '2025-12-05T09:00:00Z', { type: 'task', subject: 'Research', ...opp });
  make('a5', '2025-12-04T09:00:00Z', { type: 'call', subject: 'Overdue call', priority: 'urgent', due_at: '2025-12-10T10:00:00Z', ...opp });
  make('a6', '2025-12-06T09:00:00Z', { type: 'call', subject: 'Done call', priority: 'low', due_at: '2025-12-09T10:00:00Z', ...opp });
  time.set('2025-12-09T12:00:00Z');
  crm.mutate.complete(id.a6 ?? '', { outcome: 'ok' });
  time.set('2025-12-17T22:00:00Z');
});
afterAll(() => crm.close());

const names = (p: Page) => p.data.map((a) => Object.entries(id).find(([, v]) => v === a.id)?.[0] ?? String(a.id));
const list = async (query: string) => (await call<Page>('GET', `${A}${query}`)).body;

describe('filters', () => {
  it.each([
    ['?type=email', ['a2']],
    ['?status=overdue', ['a5']],
    ['?status=completed', ['a6']],
    ['?status=pending', ['a5', 'a1', 'a2', 'a3', 'a4']],
    ['?priority=critical', ['a3']],
    [`?assigned_user_id=${GUIDE_IDS.userH}`, ['a2']],
    [`?activityable_type=customer&activityable_id=${GUIDE_IDS.customer575}`, ['a2', 'a3']],
    ['?activityable_type=opportunity&priority=low', ['a6']],
    // Whole UTC days, inclusive at both ends.
    ['?due_date_from=2025-12-19&due_date_to=2025-12-19', ['a2']],
    ['?due_date_from=2025-12-20', ['a3']],
    ['?due_date_to=2025-12-10', ['a6', 'a5']],
  ])('%s', async (query, expected) => {
    expect(names(await list(query))).toEqual(expected);
  });

  it('overdue endpoint takes the list filters', async () => {
    expect(names((await call<Page>('GET', `${A}/overdue?assigned_user_id=${GUIDE_IDS.jane}`)).body)).toEqual(['a5']);
    expect(names((await call<Page>('GET', `${A}/overdue?assigned_user_id=${GUIDE_IDS.userH}`)).body)).toEqual([]);
    expect((await list('?status=overdue')).data[0]?.is_overdue).toBe(true);
  });
});

describe('search', () => {
  it.each([
    ['?search=pricing%20cfo', ['a1']],
    ['?search=pricing+cfo', ['a1']],
    ['?search=PRICING', ['a1', 'a2']],
    // One word in the subject, the other in the description.
    ['?search=budget+cfo', ['a1']],
    ['?search=pricing+qbr', []],
    ['?search=pric', ['a1', 'a2']],
  ])('%s', async (query, expected) => {
    expect(names(await list(query))).toEqual(expected);
  });

  it('GET /activities/search?q= behaves the same and pages', async () => {
    const res = await call<Page>('GET', `${A}/search?q=pricing&per_page=1&page=2`);
    expect(names(res.body)).toEqual(['a2']);
    expect(res.body.meta).toEqual({ current_page: 2, per_page: 1, total: 2, last_page: 2 });
  });
});

describe('sort and paging', () => {
  it.each([
    ['', ['a6', 'a5', 'a1', 'a2', 'a3', 'a4']],
    ['?sort_direction=desc', ['a3', 'a2', 'a1', 'a5', 'a6', 'a4']],
    ['?sort_by=priority', ['a6', 'a2', 'a4', 'a1', 'a5', 'a3']],
    ['?sort_by=priority&sort_direction=desc', ['a3', 'a5', 'a1', 'a4', 'a6', 'a2']],
    ['?sort_by=created_at', ['a1', 'a3', 'a2', 'a5', 'a4', 'a6']],
    ['?sort_by=created_at&sort_direction=desc', ['a6', 'a4', 'a5', 'a2', 'a3', 'a1']],
  ])('order for "%s" (due date: none last)', async (query, expected) => {
    expect(names(await list(query))).toEqual(expected);
  });

  it('pages with meta, defaults to 25 and clamps per_page to 100', async () => {
    const p1 = await list('?per_page=4');
    expect(p1.meta).toEqual({ current_page: 1, per_page: 4, total: 6, last_page: 2 });
    expect(names(await list('?per_page=4&page=2'))).toEqual(['a3', 'a4']);
    const beyond = await list('?per_page=4&page=3');
    expect(beyond.data).toEqual([]);
    expect(beyond.meta.total).toBe(6);
    expect((await list('')).meta.per_page).toBe(25);
    expect((await list('?per_page=500')).meta.per_page).toBe(100);
  });

  it('pages stay disjoint and complete over a larger set', async () => {
    const other = await startCrmServer({ seed: 3 });
    try {
      other.seedActivities(260);
      const c = client(other);
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await c<Page>('GET', `${A}?per_page=100&page=${page}`);
        seen.push(...res.body.data.map((a) => String(a.id)));
        expect(res.body.meta.last_page).toBe(3);
      }
      expect(new Set(seen).size).toBe(260);
      const dues = (await c<Page>('GET', `${A}?per_page=100`)).body.data.map((a) => a.due_at as string | null);
      const withDue = dues.filter((d): d is string => d !== null);
      expect(withDue).toEqual([...withDue].sort());
    } finally {
      await other.close();
    }
  });
});

describe('includes and record shape', () => {
  it('expands everything by default and only what includes names', async () => {
    const full = (await call<One>('GET', `${A}/${id.a1}`)).body.data;
    expect(full.activityable).toEqual({ id: GUIDE_IDS.acmeOpportunity, name: 'Acme Corp - Enterprise Platform Implementation', value: 150000, stage: 'proposal', customer_id: GUIDE_IDS.acmeCustomer });
    expect(full.contact).toMatchObject({ id: GUIDE_IDS.johnSmith, name: 'John Smith', email: 'john@acmecorp.com', phone: '+1-555-0200', time_zone: 'America/New_York' });
    expect(full.assigned_user).toEqual({ id: GUIDE_IDS.jane, name: 'Jane Manager', email: 'jane@yourcompany.com' });
    const narrow = (await call<One>('GET', `${A}/${id.a1}?includes=contact`)).body.data;
    expect(narrow.contact).toMatchObject({ name: 'John Smith' });
    expect(narrow).not.toHaveProperty('assigned_user');
    expect(narrow).not.toHaveProperty('activityable');
    const listed = (await list('?includes=assignedUser,activityable&type=meeting')).data[0];
    expect(listed).toHaveProperty('assigned_user');
    expect(listed).not.toHaveProperty('contact');
    expect((listed?.activityable as Json).time_zone).toBe('Europe/Berlin');
  });

  it('listOmitsFields sends only the guide list fields; perPageCap caps per_page', async () => {
    const stingy = await startCrmServer({ listOmitsFields: true, perPageCap: 10 });
    try {
      stingy.seedActivities(15);
      const res = await client(stingy)<Page>('GET', `${A}?per_page=50`);
      expect(res.body.meta).toMatchObject({ per_page: 10, total: 15, last_page: 2 });
      expect(Object.keys(res.body.data[0] ?? {}).sort()).toEqual(
        ['activityable', 'activityable_type', 'assigned_user', 'created_at', 'due_at', 'duration_minutes', 'id', 'is_overdue', 'priority', 'status', 'subject', 'type'],
      );
      expect(Object.keys(res.body.data[0]?.assigned_user as Json)).toEqual(['id', 'name']);
    } finally {
      await stingy.close();
    }
  });
});

describe('updated_since (extension)', () => {
  it('returns what changed at or after the instant and echoes it', async () => {
    time.set('2025-12-17T23:00:00Z');
    crm.mutate.update(id.a3 ?? '', { location: 'Berlin HQ' });
    time.set('2025-12-17T23:30:00Z');
    const res = await list('?updated_since=2025-12-17T23:00:00Z');
    expect(names(res)).toEqual(['a3']);
    expect(res.meta.updated_since).toBe('2025-12-17T23:00:00Z');
    expect((await list('?updated_since=2025-12-17T23:00:01Z')).data).toEqual([]);
  });

  it('is ignored (and not echoed) when the extension is off', async () => {
    const plain = await startCrmServer({ updatedSince: false });
    try {
      plain.seedActivities(3);
      const res = await client(plain)<Page>('GET', `${A}?updated_since=2999-01-01T00:00:00Z`);
      expect(res.body.meta.total).toBe(3);
      expect(res.body.meta).not.toHaveProperty('updated_since');
      expect(res.headers.get('x-crm-extensions')).toBe('idempotency, etag, users-me');
    } finally {
      await plain.close();
    }
  });
});

describe('soft delete', () => {
  it('hides the activity from detail, lists, search and actions but keeps the row', async () => {
    const victim = crm.mutate.create({ type: 'call', subject: 'Delete me soon', due_at: '2025-12-01T10:00:00Z', ...opp }).id;
    expect((await call('DELETE', `${A}/${victim}`)).body).toEqual({ success: true, message: 'Activity deleted successfully' });
    expect((await call('GET', `${A}/${victim}`)).status).toBe(404);
    expect((await call('PATCH', `${A}/${victim}`, { subject: 'x' })).status).toBe(404);
    expect((await call('POST', `${A}/${victim}/complete`, {})).status).toBe(404);
    expect((await call('DELETE', `${A}/${victim}`)).status).toBe(404);
    expect(names(await list('?search=delete+soon'))).toEqual([]);
    expect(names(await list('?status=overdue'))).not.toContain(victim);
    expect((await list('?per_page=100')).data.map((a) => a.id)).not.toContain(victim);
    const row = crm.db.prepare('SELECT deleted_at FROM activities WHERE id = ?').get(victim) as { deleted_at: string };
    expect(row.deleted_at).toBe('2025-12-17T23:30:00Z');
    expect(crm.mutate.get(victim)).toMatchObject({ subject: 'Delete me soon', deleted_at: '2025-12-17T23:30:00Z' });
  });
});

describe('bulk actions', () => {
  const fresh = (subject: string) => crm.mutate.create({ type: 'task', subject, due_at: '2025-12-01T10:00:00Z', ...c575 }).id;

  it('reports per-id success and failure; one bad id never stops the others', async () => {
    const p1 = fresh('Bulk one');
    const done = fresh('Bulk done');
    crm.mutate.complete(done);
    const p2 = fresh('Bulk two');
    const res = await call<One>('POST', `${A}/bulk-actions`, { action: 'cancel', activity_ids: [p1, done, 'no-such-id', p2, p1], parameters: { reason: 'Stale' } });
    expect(res.status).toBe(200);
    const result = res.body.data as { succeeded: string[]; failed: { id: string; status: number; message: string }[] };
    expect(result.succeeded).toEqual([p1, p2]);
    expect(result.failed.map((f) => [f.id, f.status])).toEqual([[done, 409], ['no-such-id', 404]]);
    expect(result.failed[0]?.message).toContain("can't cancel");
    expect(crm.mutate.get(p1)).toMatchObject({ status: 'cancelled', cancellation_reason: 'Stale' });
    expect(crm.mutate.get(done)?.status).toBe('completed');
  });

  it('completes, reschedules (parameters of the single action) and deletes', async () => {
    const [x, y] = [fresh('Bulk x'), fresh('Bulk y')];
    const resch = await call<One>('POST', `${A}/bulk-actions`, { action: 'reschedule', activity_ids: [x, y], parameters: { new_due_at: '2025-12-29T09:00:00Z', priority: 'high' } });
    expect(resch.body.data).toEqual({ succeeded: [x, y], failed: [] });
    expect(crm.mutate.get(y)).toMatchObject({ due_at: '2025-12-29T09:00:00Z', previous_due_at: '2025-12-01T10:00:00Z', rescheduled_count: 1, priority: 'high' });
    expect((await call<One>('POST', `${A}/bulk-actions`, { action: 'complete', activity_ids: [x], parameters: { outcome: 'All done' } })).body.data).toEqual({ succeeded: [x], failed: [] });
    expect(crm.mutate.get(x)).toMatchObject({ status: 'completed', outcome: 'All done' });
    expect((await call<One>('POST', `${A}/bulk-actions`, { action: 'delete', activity_ids: [x, y] })).body.data).toEqual({ succeeded: [x, y], failed: [] });
    expect(crm.mutate.get(y)?.deleted_at).not.toBeNull();
  });

  it('cancel with reschedule creates the copies', async () => {
    const z = fresh('Bulk z');
    await call('POST', `${A}/bulk-actions`, { action: 'cancel', activity_ids: [z], parameters: { reschedule: true, reschedule_date: '2026-01-05T10:00:00Z' } });
    expect(names(await list('?search=bulk+z'))).toHaveLength(2);
    expect(names(await list('?search=bulk+z&status=pending'))).toHaveLength(1);
  });

  it('refuses an unknown action or missing parameters with 422', async () => {
    const x = fresh('Bulk 422');
    expect((await call('POST', `${A}/bulk-actions`, { action: 'archive', activity_ids: [x] })).status).toBe(422);
    expect((await call('POST', `${A}/bulk-actions`, { action: 'reschedule', activity_ids: [x], parameters: {} })).status).toBe(422);
    expect((await call('POST', `${A}/bulk-actions`, { action: 'cancel', activity_ids: [] })).status).toBe(422);
    expect(crm.mutate.get(x)?.status).toBe('pending');
  });
});

describe('directory', () => {
  it('lists with paging and search, filters by customer, shows detail and the token user', async () => {
    const opps = await call<Page>('GET', '/api/v1/crm/opportunities?search=acme');
    expect(opps.body.data.map((o) => o.id)).toEqual([GUIDE_IDS.acmeOpportunity]);
    const users = await call<Page>('GET', '/api/v1/crm/users?per_page=2');
    expect(users.body.meta).toMatchObject({ per_page: 2, total: 4, last_page: 2 });
    const contacts = await call<Page>('GET', `/api/v1/crm/contacts?customer_id=${GUIDE_IDS.customer575}`);
    expect(contacts.body.data.map((c) => c.name)).toEqual(['Maria Keller']);
    const customers = await call<Page>('GET', '/api/v1/crm/customers?per_page=100');
    const zones = new Set(customers.body.data.map((c) => c.time_zone));
    expect(zones.size).toBeGreaterThanOrEqual(5);
    const leads = await call<Page>('GET', '/api/v1/crm/leads');
    expect(leads.body.data.length).toBeGreaterThan(0);
    const me = await call<One>('GET', '/api/v1/crm/users/me');
    expect(me.body.data).toMatchObject({ id: GUIDE_IDS.jane, name: 'Jane Manager', email: 'jane@yourcompany.com' });
  });

  it('users/me is absent when that extension is off', async () => {
    const plain = await startCrmServer({ usersMe: false });
    try {
      expect((await client(plain)('GET', '/api/v1/crm/users/me')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
