import { describe, expect, it } from 'vitest';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../ipc/platform.ts';
import { ApiError, createCrmClient } from './client.ts';
import { paths } from './envelope.ts';

function fake(reply: (req: HttpRequest) => HttpResponse | Promise<HttpResponse>): Transport & { seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  return { seen, async request(req) { seen.push(req); return reply(req); } };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status, headers, body: JSON.stringify(body) });
const activity = { id: 'a1', type: 'call', status: 'pending', subject: 'Hi' };

async function errorOf(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('CRM client', () => {
  it('sends Idempotency-Key on every write and none on reads', async () => {
    const t = fake((req) => json(req.method === 'POST' ? 201 : 200, { success: true, data: activity }));
    const c = createCrmClient(t);
    await c.createActivity({ type: 'call', subject: 'Hi', activityable_type: 'lead', activityable_id: 'l1' }, 'op-1');
    await c.updateActivity('a1', { subject: 'x' }, 'op-2');
    await c.getActivity('a1');
    expect(t.seen.map((r) => [r.method, r.headers?.['Idempotency-Key']])).toEqual([['POST', 'op-1'], ['PATCH', 'op-2'], ['GET', undefined]]);
    expect(t.seen[0]?.path).toBe(paths.activities);
    expect(JSON.parse(t.seen[1]?.body ?? '')).toEqual({ subject: 'x' });
  });

  it('maps 422 to a rejected error with the server message and field errors', async () => {
    const c = createCrmClient(fake(() => json(422, { success: false, message: 'Related entity not found', errors: { activityable_id: ['Related entity not found'] } })));
    const e = await errorOf(c.createActivity({ type: 'call', subject: 'Hi', activityable_type: 'lead', activityable_id: 'nope' }, 'k'));
    expect([e.status, e.kind, e.message, e.errors, e.maybeApplied]).toEqual([422, 'rejected', 'Related entity not found', { activityable_id: ['Related entity not found'] }, false]);
  });

  it('reads Retry-After on 429 (seconds and HTTP-date against the Date header)', async () => {
    const c1 = createCrmClient(fake(() => json(429, { success: false, message: 'slow down' }, { 'retry-after': '7' })));
    expect((await errorOf(c1.getActivity('a1'))).retryAfterMs).toBe(7_000);
    const c2 = createCrmClient(fake(() => json(503, { success: false, message: 'busy' }, {
      'Retry-After': 'Wed, 21 Oct 2025 07:28:05 GMT', Date: 'Wed, 21 Oct 2025 07:28:00 GMT',
    })));
    const e = await errorOf(c2.getActivity('a1'));
    expect([e.kind, e.retryAfterMs]).toEqual(['transient', 5_000]);
  });

  it('treats a write without an answer, or with 502/504, as maybe applied; 429/503 as not', async () => {
    const down = createCrmClient({ request: () => Promise.reject(new TransportError('timeout', 'no answer within 10 ms')) });
    const e1 = await errorOf(down.completeActivity('a1', {}, 'k'));
    expect([e1.status, e1.kind, e1.maybeApplied]).toEqual([0, 'transient', true]);
    expect(e1.message).toMatch(/did not answer in time/);
    const e2 = await errorOf(down.getActivity('a1'));
    expect(e2.maybeApplied).toBe(false);
    for (const [status, maybe] of [[502, true], [504, true], [429, false], [503, false]] as const) {
      const c = createCrmClient(fake(() => json(status, { success: false, message: 'x' })));
      expect((await errorOf(c.deleteActivity('a1', 'k'))).maybeApplied).toBe(maybe);
    }
  });

  it('an unreadable error body still gives a clear message', async () => {
    const c = createCrmClient(fake(() => ({ status: 500, headers: {}, body: '<html>oops</html>' })));
    const e = await errorOf(c.getActivity('a1'));
    expect([e.kind, e.message]).toEqual(['transient', 'The CRM answered 500']);
  });

  it('detects extensions from the header, replays, ETag and the updated_since echo', async () => {
    const plain = createCrmClient(fake(() => json(200, { success: true, data: activity })));
    expect(plain.extensions()).toEqual({ idempotency: false, etag: false, updatedSince: false, me: false, seen: false });
    await plain.getActivity('a1');
    expect(plain.extensions()).toMatchObject({ idempotency: false, etag: false, seen: true });

    const adv = createCrmClient(fake(() => json(200, { success: true, data: activity }, { 'x-crm-extensions': 'idempotency, etag, updated-since, users-me' })));
    await adv.getActivity('a1');
    expect(adv.extensions()).toEqual({ idempotency: true, etag: true, updatedSince: true, me: true, seen: true });

    const echo = createCrmClient(fake((req) => json(200, {
      success: true, data: [activity],
      meta: { current_page: 1, per_page: 25, total: 1, last_page: 1, ...(req.path.includes('updated_since') ? { updated_since: '2025-01-01T00:00:00Z' } : {}) },
    }, { ETag: '"abc"', 'Idempotent-Replayed': 'true' })));
    await echo.listActivities({});
    expect(echo.extensions().updatedSince).toBe(false);
    await echo.listActivities({ updated_since: '2025-01-01T00:00:00Z' });
    expect(echo.extensions()).toMatchObject({ updatedSince: true, etag: true, idempotency: true });
  });

  it('keeps a page usable when one item does not parse, and counts it', async () => {
    const c = createCrmClient(fake(() => json(200, {
      success: true, data: [activity, { id: 'bad', type: 'call', status: 'pending' }],
      meta: { current_page: 1, per_page: 25, total: 2, last_page: 1 },
    })));
    const page = await c.listActivities({ status: 'pending', per_page: 25 });
    expect(page.items.map((a) => a.id)).toEqual(['a1']);
    expect(page.invalid).toBe(1);
  });

  it('returns the cancelled record and the rescheduled copy separately', async () => {
    const c = createCrmClient(fake(() => json(200, { success: true, data: { ...activity, status: 'cancelled', rescheduled_activity: { ...activity, id: 'a2' } } })));
    const r = await c.cancelActivity('a1', { reschedule: true, reschedule_date: '2030-01-01T10:00:00Z' }, 'k');
    expect(r.data.cancelled.status).toBe('cancelled');
    expect(r.data.cancelled).not.toHaveProperty('rescheduled_activity');
    expect(r.data.rescheduled?.id).toBe('a2');
  });

  it('builds list queries with encoded parameters', async () => {
    const t = fake(() => json(200, { success: true, data: [], meta: { current_page: 2, per_page: 100, total: 0, last_page: 1 } }));
    await createCrmClient(t).listActivities({ assigned_user_id: 'u 1', page: 2, per_page: 100, search: 'a+b' });
    expect(t.seen[0]?.path).toBe(`${paths.activities}?assigned_user_id=u%201&page=2&per_page=100&search=a%2Bb`);
  });
});
