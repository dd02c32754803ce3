/**
 * The plain profile (`plain: true`, `--plain`): the stand-in behaves like the real, plainer central
 * CRM. Writes answer in the guide's exact example shapes, lists look like the guide's list example
 * (plus unknown fields), per_page stops at 50, and none of the extensions exists, not even as a header.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTORY, GUIDE_IDS, LIST_EXTRA_FIELDS, startCrmServer, type CrmServer, type CrmServerOptions } from './index.ts';
import { guideText, parseGuideExamples, type GuideExample } from './guide-examples.ts';
import { client, clock, type CallResult, type Json } from './helpers.testing.ts';

const EXAMPLES = parseGuideExamples(guideText());
const B = GUIDE_IDS.activityB;
const API = '/api/v1/crm';
type Body = Json & { data?: unknown; meta?: Json };

let crm: CrmServer | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

async function start(options: CrmServerOptions = {}) {
  const time = clock('2025-12-17T22:00:00Z');
  crm = await startCrmServer({ plain: true, demo: true, now: time.now, ...options });
  return { crm, call: client(crm), time };
}

/** The guide's endpoint example of `group` (e.g. "PATCH /api/v1/crm/activities/{id}"). */
function example(group: string): GuideExample & { response: { status: number; json: unknown } } {
  const ex = EXAMPLES.find((e) => e.group === group && e.response);
  if (!ex?.response) throw new Error(`no guide example with a response for ${group}`);
  return ex as GuideExample & { response: { status: number; json: unknown } };
}
const guideData = (ex: { response: { json: unknown } }) => (ex.response.json as { data: Json }).data;
const keys = (o: unknown) => Object.keys(o as Json).sort();
const data = (res: CallResult<Body>) => res.body.data as Json;

/** Sends the guide's own example request (its body verbatim) for activity B. */
async function sendExample(call: ReturnType<typeof client>, group: string): Promise<CallResult<Body>> {
  const ex = example(group);
  const path = ex.path.replace(/\{(id|activityId)\}/g, B);
  return call<Body>(ex.method, path, undefined, ex.body === undefined ? {} : { raw: ex.body, headers: { 'Content-Type': 'application/json' } });
}

describe('plain profile: writes answer in the guide\'s exact shapes', () => {
  it('create: the guide\'s create fields, no more (no assigned_user_id, tags, custom_fields, location, updated_at)', async () => {
    const { call } = await start();
    const ex = example('POST /api/v1/crm/activities');
    const res = await sendExample(call, ex.group);
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('Activity created successfully');
    expect(keys(data(res))).toEqual(keys(guideData(ex)));
    for (const ref of ['activityable', 'contact', 'assigned_user']) expect(keys(data(res)[ref]), ref).toEqual(keys(guideData(ex)[ref]));
    expect(res.headers.get('etag')).toBeNull();
    // The record itself is whole: the detail endpoint has what the answer left out.
    const detail = await call<Body>('GET', `${API}/activities/${String(data(res).id)}`);
    expect(data(detail)).toMatchObject({ tags: ['proposal-discussion', 'pricing-questions'], location: 'Phone', assigned_user_id: GUIDE_IDS.jane });
    expect(data(detail).updated_at).toEqual(expect.any(String));
  });

  it.each(['PUT', 'PATCH'])('%s: id, the fields of the request body and updated_at', async (method) => {
    const { call, time } = await start();
    time.set('2025-12-18T10:00:00Z');
    const ex = example(`${method} /api/v1/crm/activities/{id}`);
    const res = await sendExample(call, ex.group);
    expect(res.status).toBe(200);
    const sent = Object.keys(JSON.parse(ex.body ?? '{}') as Json);
    expect(keys(data(res))).toEqual(['id', ...sent, 'updated_at'].sort());
    // Every field of the guide's answer is there, with the guide's values where they are the request's.
    for (const k of keys(guideData(ex))) expect(data(res)).toHaveProperty(k);
    expect(data(res)).toMatchObject({ id: B, due_at: '2025-12-20T15:00:00Z', duration_minutes: 45, updated_at: '2025-12-18T10:00:00Z' });
    expect(res.headers.get('etag')).toBeNull();
    // A one-field patch answers that field only.
    const one = await call<Body>(method, `${API}/activities/${B}`, { priority: 'urgent' });
    expect(data(one)).toEqual({ id: B, priority: 'urgent', updated_at: '2025-12-18T10:00:00Z' });
  });

  it.each([
    ['complete', '2025-12-20T15:42:00Z'],
    ['reschedule', '2025-12-19T10:15:00Z'],
  ])('%s: exactly the guide\'s fields', async (action, at) => {
    const { call, time } = await start();
    time.set(at);
    const ex = example(`POST /api/v1/crm/activities/{activityId}/${action}`);
    const res = await sendExample(call, ex.group);
    expect(res.status).toBe(200);
    expect(keys(data(res))).toEqual(keys(guideData(ex)));
    expect(res.headers.get('etag')).toBeNull();
  });

  it('cancel: the guide\'s fields; with reschedule the new copy is only {id, status, due_at}', async () => {
    const { call, time } = await start();
    time.set('2025-12-19T10:00:00Z');
    const ex = example('POST /api/v1/crm/activities/{activityId}/cancel');
    const res = await sendExample(call, ex.group);
    expect(res.status).toBe(200);
    expect(keys(data(res))).toEqual([...keys(guideData(ex)), 'rescheduled_activity'].sort());
    expect(data(res)).toMatchObject({ id: B, status: 'cancelled', cancelled_at: '2025-12-19T10:00:00Z' });
    const copy = data(res).rescheduled_activity as Json;
    expect(keys(copy)).toEqual(['due_at', 'id', 'status']);
    expect(copy).toMatchObject({ status: 'pending', due_at: '2025-12-27T14:00:00Z' });
    expect(copy.id).not.toBe(B);
    const detail = await call<Body>('GET', `${API}/activities/${String(copy.id)}`);
    expect(data(detail)).toMatchObject({ subject: 'Follow-up Call - Proposal Discussion', status: 'pending' });

    // Without reschedule: the guide's fields, nothing more.
    const other = await call<Body>('POST', `${API}/activities/${GUIDE_IDS.activityC}/cancel`, { reason: 'Not needed' });
    expect(keys(data(other))).toEqual(keys(guideData(ex)));
  });

  it('delete: {success, message} only; bulk as in docs/crm-contract.md "Bulk actions"', async () => {
    const { call } = await start();
    const ex = example('DELETE /api/v1/crm/activities/{id}');
    const res = await sendExample(call, ex.group);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ex.response.json);
    const bulk = await call<Body>('POST', `${API}/activities/bulk-actions`, { action: 'complete', activity_ids: [GUIDE_IDS.activityC, B], parameters: { outcome: 'Done' } });
    expect(bulk.status).toBe(200);
    expect(data(bulk)).toEqual({ succeeded: [GUIDE_IDS.activityC], failed: [{ id: B, status: 404, message: 'Activity not found.' }] });
  });

  it('errors keep the contract\'s envelopes and codes', async () => {
    const { call } = await start();
    const invalid = await call<Body>('POST', `${API}/activities`, { type: 'call' });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ success: false, errors: { subject: [expect.any(String)] } });
    expect(typeof invalid.body.message).toBe('string');
    await call('POST', `${API}/activities/${B}/complete`, {});
    const refused = await call<Body>('POST', `${API}/activities/${B}/complete`, {});
    expect(refused.status).toBe(409);
    expect((await call('GET', `${API}/activities/nope`)).status).toBe(404);
    expect((await call('GET', `${API}/activities`, undefined, { token: null })).status).toBe(401);
  });
});

describe('plain profile: lists are shaped as the guide\'s list example', () => {
  const guideList = example('GET /api/v1/crm/activities');
  const guideItem = (guideList.response.json as { data: Json[] }).data[0] as Json;
  const expectedKeys = [...keys(guideItem), ...Object.keys(LIST_EXTRA_FIELDS)].sort();

  it.each([
    [`${API}/activities?per_page=50`],
    [`${API}/activities/overdue`],
    [`${API}/activities/search?q=proposal`],
  ])('%s: the guide\'s list fields plus unknown extras, nothing of the detail', async (path) => {
    const { call } = await start();
    const res = await call<Body>('GET', path);
    expect(res.status).toBe(200);
    const items = res.body.data as Json[];
    expect(items.length).toBeGreaterThan(0);
    for (const a of items) {
      expect(keys(a)).toEqual(expectedKeys);
      expect(keys(a.assigned_user)).toEqual(['id', 'name']);
      expect(keys(a.activityable)).toEqual(['id', 'name']);
      expect(a).toMatchObject(LIST_EXTRA_FIELDS);
      for (const k of ['description', 'tags', 'custom_fields', 'updated_at', 'contact_id', 'location', 'reminder_at', 'assigned_user_id', 'activityable_id']) {
        expect(a, k).not.toHaveProperty(k);
      }
    }
  });

  it('the detail endpoint keeps the full shape', async () => {
    const { call } = await start();
    const res = await call<Body>('GET', `${API}/activities/${B}`);
    const detailGuide = guideData(example('GET /api/v1/crm/activities/{id}'));
    for (const k of ['description', 'tags', 'custom_fields', 'updated_at', 'contact_id', 'location', 'reminder_at', 'activityable_id']) {
      expect(data(res)).toHaveProperty(k, detailGuide[k]);
    }
    expect(data(res)).not.toHaveProperty('team');
  });

  it('per_page=100 is capped at 50, and meta says so', async () => {
    const { call } = await start();
    const res = await call<Body>('GET', `${API}/activities?per_page=100`);
    const meta = res.body.meta as { per_page: number; total: number; last_page: number };
    expect(meta.per_page).toBe(50);
    expect((res.body.data as Json[]).length).toBe(50);
    expect(meta.last_page).toBe(Math.ceil(meta.total / 50));
    // The cap is also an option of its own.
    await crm?.close();
    const { call: call2 } = await start({ perPageCap: 20 });
    expect(((await call2<Body>('GET', `${API}/activities?per_page=100`)).body.meta as { per_page: number }).per_page).toBe(20);
  });

  it('the default profile keeps every field (so the checks above can tell the difference)', async () => {
    const { call } = await start({ plain: false });
    const res = await call<Body>('GET', `${API}/activities?per_page=100`);
    const a = (res.body.data as Json[])[0] as Json;
    expect(a).toHaveProperty('updated_at');
    expect(a).toHaveProperty('assigned_user_id');
    expect(a).not.toHaveProperty('team');
    expect((res.body.meta as { per_page: number }).per_page).toBe(100);
  });
});

describe('plain profile: no extensions, not even advertised', () => {
  it('sends no X-CRM-Extensions header on any answer (the default profile does)', async () => {
    const { call } = await start();
    const answers = [
      await call('GET', `${API}/activities`),
      await call('GET', `${API}/activities/${B}`),
      await call('PATCH', `${API}/activities/${B}`, { priority: 'low' }),
      await call('GET', `${API}/activities/nope`),
      await call('GET', `${API}/activities`, undefined, { token: null }),
      await call('GET', `${API}/leads`),
    ];
    for (const res of answers) {
      expect(res.headers.has('x-crm-extensions')).toBe(false);
      expect(res.headers.has('etag')).toBe(false);
    }
    const cors = await fetch(`${crm?.url ?? ''}${API}/activities`, { headers: { Origin: 'http://localhost:5173', Authorization: `Bearer ${crm?.token ?? ''}` } });
    expect(cors.headers.get('access-control-expose-headers')?.toLowerCase()).not.toContain('x-crm-extensions');
    await crm?.close();
    const { call: full } = await start({ plain: false });
    expect((await full('GET', `${API}/activities`)).headers.get('x-crm-extensions')).toBe('idempotency, etag, updated-since, users-me');
  });

  it('ignores Idempotency-Key: two POSTs with one key make two records', async () => {
    const { call, crm: server } = await start();
    const body = { type: 'call', subject: 'Same key twice', activityable_type: 'customer', activityable_id: DIRECTORY.customers[0]?.id };
    const headers = { 'Idempotency-Key': 'k-1' };
    const first = await call<Body>('POST', `${API}/activities`, body, { headers });
    const second = await call<Body>('POST', `${API}/activities`, body, { headers });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(data(second).id).not.toBe(data(first).id);
    expect(second.headers.has('idempotent-replayed')).toBe(false);
    expect(server.stats().replays).toBe(0);
    const found = await call<Body>('GET', `${API}/activities/search?q=${encodeURIComponent('Same key twice')}`);
    expect((found.body.meta as { total: number }).total).toBe(2);
  });

  it('has no ETag and ignores If-Match', async () => {
    const { call } = await start();
    const res = await call('GET', `${API}/activities/${B}`);
    expect(res.headers.get('etag')).toBeNull();
    const write = await call('PATCH', `${API}/activities/${B}`, { priority: 'low' }, { headers: { 'If-Match': '"stale"' } });
    expect(write.status).toBe(200);
  });

  it('ignores updated_since: not echoed, not applied', async () => {
    const { call } = await start();
    const all = await call<Body>('GET', `${API}/activities?per_page=10`);
    const since = await call<Body>('GET', `${API}/activities?per_page=10&updated_since=2099-01-01T00:00:00Z`);
    expect(since.status).toBe(200);
    expect(since.body.meta).not.toHaveProperty('updated_since');
    expect((since.body.meta as { total: number }).total).toBe((all.body.meta as { total: number }).total);
  });

  it('has no /users/me', async () => {
    const { call } = await start();
    expect((await call('GET', `${API}/users/me`)).status).toBe(404);
    expect((await call('GET', `${API}/users/${GUIDE_IDS.jane}`)).status).toBe(200);
  });

  it('each part can be switched back on its own', async () => {
    const { call } = await start({ idempotency: true, guideWrites: false, listExtraFields: false, advertiseExtensions: true });
    const res = await call<Body>('PATCH', `${API}/activities/${B}`, { priority: 'low' }, { headers: { 'Idempotency-Key': 'k-2' } });
    expect(res.headers.get('x-crm-extensions')).toBe('idempotency');
    expect(data(res)).toHaveProperty('subject');
    const again = await call<Body>('PATCH', `${API}/activities/${B}`, { priority: 'low' }, { headers: { 'Idempotency-Key': 'k-2' } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const list = await call<Body>('GET', `${API}/activities`);
    expect((list.body.data as Json[])[0]).not.toHaveProperty('team');
  });
});

describe('plain profile from the CLI', () => {
  it('npm run crm -- --plain serves the plain shape', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-plain-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/crm-server/cli.ts', '--port', '0', '--data', dataDir, '--demo', '--plain'], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`cli exited with ${code}`))));
      const ready = new Promise<string>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /^CRM ready (http:\/\/127\.0\.0\.1:\d+) token=dev-token$/.exec(line);
          if (m?.[1]) resolve(m[1]);
        });
      });
      const url = await Promise.race([ready, exited]);
      const call = client({ url, token: 'dev-token' });
      const res = await call<Body>('GET', `${API}/activities?per_page=100`);
      expect(res.headers.has('x-crm-extensions')).toBe(false);
      expect((res.body.meta as { per_page: number }).per_page).toBe(50);
      expect((res.body.data as Json[])[0]).toMatchObject(LIST_EXTRA_FIELDS);
      expect((await call('GET', `${API}/users/me`)).status).toBe(404);
    } finally {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
